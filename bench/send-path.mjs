// Issue "alias-only send path" figures: server cold start vs a minimal SDK server, and the per-send
// overhead of the cli transport (and of the whole pipeline, audit fsync included) over spawning the
// same fake openclaw directly.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { createCliTransport } from "../dist/gateway/cli-transport.js";
import { createSendDeps } from "../dist/send/deps.js";
import { sendMessage } from "../dist/send/pipeline.js";
import { fmt, interleaved, median, percentile } from "./stats.mjs";

const ROOT = resolve(import.meta.dirname, "..");

async function coldStart(args, env) {
  const transport = new StdioClientTransport({ command: process.execPath, args, env, stderr: "ignore" });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  await client.listTools();
  await client.close();
}

function spawnDirect(file, args, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("exit", resolvePromise);
  });
}

export async function benchSendPath() {
  const dir = mkdtempSync(join(tmpdir(), "ocg-bench-"));
  try {
    // A fast fake: the overhead we measure must not drown in the fake's own start-up.
    const fake = join(dir, "openclaw");
    writeFileSync(fake, '#!/bin/sh\necho \'{"action":"send","channel":"telegram","messageId":"1"}\'\n', { mode: 0o755 });
    const config = join(dir, "config.json5");
    writeFileSync(
      config,
      `{ openclaw: { transport: "cli", bin: "${fake}" }, contacts: { ops: { channel: "telegram", target: "-1001234567890" } }, audit: { file: "${join(dir, "audit.jsonl")}" } }`,
      { mode: 0o600 },
    );
    const env = { PATH: process.env.PATH, HOME: dir };

    const [ours, minimal] = await interleaved(
      15,
      () => coldStart([join(ROOT, "dist", "cli.js"), "serve", "--config", config], env),
      () => coldStart([join(ROOT, "bench", "minimal-server.mjs")], env),
    );

    const request = { channel: "telegram", target: "-1001234567890", text: "bench", idempotencyKey: "k" };
    const transport = createCliTransport({ bin: [fake], timeoutMs: 10_000, env });
    const deps = createSendDeps(config, env, () => {});
    const argv = ["message", "send", "--channel=telegram", "--target=-1001234567890", "--message=bench", "--json"];
    const [viaTransport, direct] = await interleaved(50, () => transport.deliver(request), () => spawnDirect(fake, argv, env));
    const [viaPipeline, direct2] = await interleaved(50, () => sendMessage(deps, { to: "ops", message: "bench", origin: "cli" }), () => spawnDirect(fake, argv, env));

    return [
      { name: "server cold start (spawn -> initialize -> tools/list)", value: fmt(median(ours)), baseline: `${fmt(median(minimal))} minimal SDK server`, ratio: median(ours) / median(minimal), goal: "<= 1.5x" },
      { name: "cli transport per send, overhead over direct spawn", value: fmt(median(viaTransport) - median(direct)), baseline: `${fmt(median(direct))} direct spawn (p95 ${fmt(percentile(direct, 95))})`, ratio: median(viaTransport) / median(direct), goal: "<= 5 ms median" },
      { name: "whole pipeline per send (decide + 2 fsynced audit records + cli), overhead", value: fmt(median(viaPipeline) - median(direct2)), baseline: `${fmt(median(direct2))} direct spawn`, ratio: median(viaPipeline) / median(direct2), goal: "(context)" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
