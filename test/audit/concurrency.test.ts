// Several real server processes share one ledger and one audit chain, as agent sessions do.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it, vi } from "vitest";
import { verifyAuditText } from "../../src/audit/store.js";
import { CLI, privateDir, readAudit, writeConfig } from "../helpers.js";

function configText(dir: string, openclaw: string) {
  return `{
  openclaw: ${openclaw},
  contacts: { ops: { channel: "telegram", target: "-1001234567890" } },
  policy: { rateLimit: { perContact: { count: 10, windowSeconds: 3600 }, global: { count: 1000, windowSeconds: 3600 } } },
  audit: { file: "${join(dir, "audit.jsonl")}" },
}`;
}

async function startClient(config: string, home: string) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home }, stderr: "ignore" });
  const client = new Client({ name: "burst", version: "1" });
  await client.connect(transport);
  return client;
}

describe("cross-process limits and audit chain", () => {
  it("4 servers x 25 concurrent sends to one contact with perContact.count 10 deliver exactly 10", async () => {
    const dir = privateDir();
    // A delivering transport, not dry-run: dry runs give their reservation back (they are rehearsals).
    const fake = join(dir, "openclaw");
    writeFileSync(fake, `#!/bin/sh\necho '{"action":"send","messageId":"1"}'\n`, { mode: 0o755 });
    const config = writeConfig(dir, configText(dir, `{ transport: "cli", bin: "${fake}" }`));
    const clients = await Promise.all([0, 1, 2, 3].map(() => startClient(config, dir)));
    try {
      const results = await Promise.all(
        clients.flatMap((client, c) =>
          Array.from({ length: 25 }, (_, i) => client.callTool({ name: "send_message", arguments: { to: "ops", message: `burst ${c}-${i}` } }).then((r) => r.structuredContent as { status: string; reason?: string })),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === "sent")).toHaveLength(10);
      expect(statuses.filter((s) => s === "refused")).toHaveLength(90);
      expect(results.filter((r) => r.status === "refused").every((r) => /limit of 10 messages per 3600 s/.test(r.reason ?? ""))).toBe(true);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    const audit = readFileSync(join(dir, "audit.jsonl"), "utf8");
    expect(verifyAuditText(audit)).toEqual({ ok: true, records: 10 * 2 + 90 });
  }, 60_000);

  it("kill -9 in the middle of a burst loses no record of a delivered message", async () => {
    const dir = privateDir();
    const deliveries = join(dir, "deliveries.log");
    const hold = join(dir, "hold");
    const fake = join(dir, "openclaw");
    // Records each delivered text (the --message value) the moment it is "delivered". From the
    // 5th delivery on it then hangs until the test removes \`hold\`: the kill always lands while
    // deliveries are in flight, however fast or slow the machine is (no timing assumptions).
    writeFileSync(
      fake,
      `#!/bin/sh\nfor arg in "$@"; do case $arg in --message=*) printf '%s\\n' "\${arg#--message=}" >> "${deliveries}";; esac; done\n` +
        `if [ "$(wc -l < "${deliveries}")" -ge 5 ]; then while [ -e "${hold}" ]; do sleep 0.05; done; fi\necho '{"action":"send","messageId":"1"}'\n`,
      { mode: 0o755 },
    );
    writeFileSync(hold, "");
    const config = writeConfig(dir, configText(dir, `{ transport: "cli", bin: "${fake}" }`).replace("count: 10,", "count: 1000,"));
    const child = spawn(process.execPath, [CLI, "serve", "--config", config], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir }, stdio: ["pipe", "pipe", "ignore"] });
    child.stdout.resume();
    const send = (id: number, text: string) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "send_message", arguments: { to: "ops", message: text } } })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "k", version: "1" } } })}\n`);
    for (let i = 1; i <= 60; i++) send(i, `kill test ${i}`);
    const deliveredTexts = () => {
      try {
        return readFileSync(deliveries, "utf8").split("\n").filter(Boolean);
      } catch {
        return [];
      }
    };
    try {
      // Waits for a state, not for a time: at least 5 delivered, the later ones held.
      await vi.waitFor(() => expect(deliveredTexts().length).toBeGreaterThanOrEqual(5), { timeout: 40_000, interval: 20 });
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
    } finally {
      rmSync(hold, { force: true });
    }

    const delivered = deliveredTexts();
    const records = readAudit(join(dir, "audit.jsonl"));
    const intents = new Set(records.filter((r) => r.event === "attempt" && r.decision === "allow").map((r) => r.textSha256));
    const outcomes = records.filter((r) => r.event === "outcome");
    // The kill hit mid-burst: some deliveries had happened without their outcome being written.
    expect(outcomes.length).toBeLessThan(delivered.length);
    for (const text of delivered) expect(intents.has(createHash("sha256").update(text).digest("hex")), text).toBe(true);
    expect(verifyAuditText(readFileSync(join(dir, "audit.jsonl"), "utf8")).ok).toBe(true);
  }, 60_000);
});
