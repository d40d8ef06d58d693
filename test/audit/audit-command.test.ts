import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createStore } from "../../src/audit/store.js";
import { CLI, privateDir } from "../helpers.js";

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [CLI, "audit", ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

async function log() {
  const file = join(privateDir(), "audit.jsonl");
  const store = createStore(file);
  await store.record({ event: "attempt", id: "a", to: "alice", channel: "whatsapp", target: "+27•••••4567", decision: "allow" });
  await store.record({ event: "outcome", id: "a", to: "alice", status: "sent", messageId: "m1" });
  await store.record({ event: "attempt", id: "b", to: "+•••••••••67", decision: "refuse", code: "phone-number", status: "refused", reason: "looks like a phone number" });
  return file;
}

describe("openclaw-guard audit", () => {
  it("verify: exit 0 for an intact log, 1 naming the first edited record", async () => {
    const file = await log();
    expect(await run(["verify", "--file", file])).toMatchObject({ code: 0, stdout: `${file}: intact, 3 records\n` });
    const lines = readFileSync(file, "utf8").split("\n");
    lines[1] = lines[1]!.replace('"sent"', '"failed"');
    writeFileSync(file, lines.join("\n"));
    const broken = await run(["verify", "--file", file]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/broken at record 2 .*does not match its own hash.*1 records before it verify/);
  });

  it("verify: exit 1 when records were cut off the end (the ledger saw a later one)", async () => {
    const file = await log();
    writeFileSync(file, `${readFileSync(file, "utf8").split("\n")[0]}\n`);
    const cut = await run(["verify", "--file", file]);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/broken at record 2 .*cut off the end/);
  });

  it("tail: the last N records, readable or as JSON", async () => {
    const file = await log();
    const text = await run(["tail", "-n", "2", "--file", file]);
    expect(text.code).toBe(0);
    const shown = text.stdout.trim().split("\n");
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatch(/outcome sent\s+alice\s+id m1/);
    expect(shown[1]).toMatch(/REFUSED phone-number\s+\+•••••••••67/);
    const json = await run(["tail", "-n", "1", "--json", "--file", file]);
    expect(JSON.parse(json.stdout)).toMatchObject({ event: "attempt", code: "phone-number" });
  });

  it("says plainly when there is no log, and rejects bad usage", async () => {
    expect(await run(["verify", "--file", "/nonexistent/audit.jsonl"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no audit log at \/nonexistent\/audit.jsonl/) });
    expect((await run(["tail", "-n", "0", "--file", await log()])).code).toBe(2);
    expect((await run(["frobnicate"])).code).toBe(2);
  });
});

describe("openclaw-guard audit limits", () => {
  async function ledgerWithSends() {
    const file = join(privateDir(), "audit.jsonl");
    const store = createStore(file);
    for (const [id, alias] of [["s1", "alice"], ["s2", "alice"], ["s3", "ops"]] as const) {
      await store.transact(() => ({ result: undefined, records: [{ event: "attempt", id, to: alias, decision: "allow" }], reserve: { id, alias, textSha256: id, at: Date.now() } }));
    }
    return { file, store };
  }

  it("shows the counted sends per alias", async () => {
    const { file } = await ledgerWithSends();
    const shown = await run(["limits", "--json", "--file", file]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ total: 3, aliases: [{ alias: "alice", count: 2 }, { alias: "ops", count: 1 }] });
  });

  it("resets them only for a human at a terminal who types reset, audited, keeping the log", async () => {
    const { file, store } = await ledgerWithSends();
    expect(await run(["limits", "--reset", "--file", file])).toMatchObject({ code: 1, stdout: expect.stringMatching(/human at a terminal/) });
    const out: string[] = [];
    const deps = (answer: string) => ({ interactive: true, ask: async () => answer, out: (t: string) => void out.push(t), user: () => "human" });
    const { run: audit } = await import("../../src/audit/audit-command.js");
    expect(await audit(["limits", "--reset", "--file", file], deps("no"))).toBe(1);
    expect((await store.transact((l) => ({ result: l.entries.length, records: [] })))).toBe(3);
    expect(await audit(["limits", "--reset", "--file", file], deps("reset"))).toBe(0);
    expect((await store.transact((l) => ({ result: l.entries.length, records: [] })))).toBe(0);
    expect(readFileSync(file, "utf8")).toMatch(/"event":"limits-reset".*"entries":3/);
    expect((await run(["verify", "--file", file])).code).toBe(0);
  });
});
