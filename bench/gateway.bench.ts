// `npm run bench`, gateway section (run by vitest so it can use the TypeScript e2e harness): on one
// real gateway, the latency of send_message via the gateway transport and via the cli transport,
// against the floor: a bare `send` RPC from a minimal client over an open connection.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { GatewayClient } from "@openclaw/gateway-client";
import { it } from "vitest";
import { NODE24, OPENCLAW, useGatewayWithFakeTelegram } from "../test/support/openclaw-gateway.js";

const SENDS = 30;
// Rotating over many chats, a separate pool per client: the Telegram channel paces messages to
// one chat (about 1 per second, measured), which would otherwise be the floor of every figure.
const pool = (first: number) => Array.from({ length: 12 }, (_, i) => String(first + i));
const GUARD_CHATS = pool(100_000_001);
const BARE_CHATS = pool(200_000_001);
const CLI = join(import.meta.dirname, "..", "dist", "cli.js");

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const ms = (v: number) => `${v.toFixed(0)} ms`;

const real = useGatewayWithFakeTelegram();

async function guardServer(openclaw: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "ocg-bench-gw-"));
  const config = join(dir, "config.json5");
  writeFileSync(
    config,
    JSON.stringify({
      openclaw,
      contacts: Object.fromEntries(GUARD_CHATS.map((chat, i) => [`chat${i}`, { channel: "telegram", target: chat }])),
      policy: { rateLimit: { perContact: { count: 100_000, windowSeconds: 60 }, global: { count: 100_000, windowSeconds: 60 } } },
      audit: { file: join(dir, "audit.jsonl") },
    }),
    { mode: 0o600 },
  );
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env: { ...real.gateway.env, PATH: `${dirname(NODE24)}:/usr/bin:/bin` }, stderr: "ignore" });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  let n = 0;
  const send = async () => {
    const to = `chat${n++ % GUARD_CHATS.length}`;
    const result = await client.callTool({ name: "send_message", arguments: { to, message: `bench ${randomUUID()}` } }, undefined, { timeout: 120_000 });
    if ((result.structuredContent as { status: string }).status !== "sent") throw new Error(JSON.stringify(result));
  };
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${transport.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  return { send, rssMb, close: async () => (await client.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function bareClient() {
  const client = await new Promise<GatewayClient>((resolve, reject) => {
    const c = new GatewayClient({ url: real.gateway.url, token: real.gateway.token, minProtocol: 4, maxProtocol: 4, role: "operator", scopes: ["operator.write"], deviceIdentity: null, onHelloOk: () => resolve(c), onConnectError: reject });
    c.start();
  });
  let n = 0;
  return { send: () => client.request("send", { to: BARE_CHATS[n++ % BARE_CHATS.length], message: `bare ${randomUUID()}`, channel: "telegram", idempotencyKey: randomUUID() }), close: () => client.stop() };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

it("gateway vs cli transport vs bare RPC", async () => {
  const viaGateway = await guardServer({ transport: "gateway", timeoutMs: 30_000 });
  const bare = await bareClient();
  await viaGateway.send(); // opens the lazy connection
  await bare.send();
  const gw: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    gw.push(await timed(viaGateway.send));
    floor.push(await timed(bare.send));
  }
  const gatewayRss = viaGateway.rssMb();
  await viaGateway.close();
  bare.close();

  const viaCli = await guardServer({ transport: "cli", bin: [NODE24, OPENCLAW], timeoutMs: 60_000 });
  const cli: number[] = [];
  for (let i = 0; i < SENDS; i++) cli.push(await timed(viaCli.send));
  const cliRss = viaCli.rssMb();
  await viaCli.close();

  const row = (name: string, v: number[]) => `- ${name}: p50 ${ms(percentile(v, 50))}, p95 ${ms(percentile(v, 95))} (n=${v.length})`;
  console.log(
    [
      `\n## gateway delivery (real openclaw 2026.9.6 gateway on node ${execFileSync(NODE24, ["--version"], { encoding: "utf8" }).trim()}, fake Telegram Bot API; guard server on node ${process.version})`,
      row("bare `send` RPC, minimal client, open connection (floor)", floor),
      row("send_message via gateway transport", gw),
      row("send_message via cli transport", cli),
      `- gateway transport / bare RPC (p50): ${(percentile(gw, 50) / percentile(floor, 50)).toFixed(2)}x  goal <= 1.2x`,
      `- cli transport / gateway transport (p50): ${(percentile(cli, 50) / percentile(gw, 50)).toFixed(1)}x faster  goal >= 10x`,
      `- server RSS after the sends: gateway transport ${gatewayRss.toFixed(0)} MB, cli transport ${cliRss.toFixed(0)} MB (the CLI child itself is separate)`,
    ].join("\n"),
  );
}, 900_000);
