// `npm run bench`, gateway plugin section: on ONE real gateway (openclaw 2026.9.6, fake Telegram),
// the latency of an allowed `send` with openclaw-guard's plugin loaded and with it switched off
// through a config edit (the gateway hot-reloads it), in A/B/A order; a cancelled send; and how long
// an address-book edit takes to be enforced. Sends rotate over many chats: the Telegram channel
// paces messages to one chat about 1 s apart.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, it } from "vitest";
import { REPO_ROOT } from "../test/support/claude-code.js";
import { connectGateway, type GatewayRpc } from "../test/support/gateway-ws.js";
import { useGatewayWithFakeTelegram } from "../test/support/openclaw-gateway.js";

const SENDS = 30;
const RELOADS = 5;
const chats = (first: number, n = 40) => Array.from({ length: n }, (_, i) => String(first + i));
const ALLOWED = chats(300_000_001);
let bookPath = "";
const writeBook = (extra: Record<string, string> = {}) =>
  writeFileSync(bookPath, JSON.stringify({ contacts: { ...Object.fromEntries(ALLOWED.map((chat, i) => [`chat${i}`, { channel: "telegram", target: chat }])), ...Object.fromEntries(Object.entries(extra).map(([a, t]) => [a, { channel: "telegram", target: t }])) } }), { mode: 0o600 });

const real = useGatewayWithFakeTelegram((config, home) => {
  const dir = join(home, "guard");
  mkdirSync(dir, { mode: 0o700 });
  bookPath = join(dir, "config.json5");
  writeBook();
  config.plugins = { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: bookPath, auditFile: join(dir, "gateway-audit.jsonl") } } } };
});

let rpc: GatewayRpc;
beforeAll(async () => {
  rpc = await connectGateway(real.gateway.url, real.gateway.token);
}, 60_000);
afterAll(() => rpc?.close());

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const row = (name: string, v: number[]) => `- ${name}: p50 ${ms(percentile(v, 50))}, p95 ${ms(percentile(v, 95))} (n=${v.length})`;

let next = 0;
async function timedSend(to: string): Promise<{ ms: number; ok: boolean }> {
  const start = performance.now();
  const answer = await rpc.request("send", { to, message: `bench ${randomUUID()}`, channel: "telegram", idempotencyKey: randomUUID() });
  return { ms: performance.now() - start, ok: answer.ok };
}
async function allowedSends(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    const { ms: t, ok } = await timedSend(ALLOWED[next++ % ALLOWED.length]!);
    if (!ok) throw new Error("an allowed send failed");
    times.push(t);
  }
  return times;
}

/** Switches the plugin through openclaw.json and waits until a send to an unvetted chat shows the new state. */
async function setPlugin(enabled: boolean): Promise<void> {
  const config = JSON.parse(readFileSync(real.gateway.configPath, "utf8")) as { plugins: { entries: Record<string, { enabled: boolean }> } };
  config.plugins.entries["openclaw-guard"]!.enabled = enabled;
  writeFileSync(real.gateway.configPath, JSON.stringify(config, null, 2));
  const deadline = Date.now() + 60_000;
  for (let probe = 0; Date.now() < deadline; probe++) {
    if ((await timedSend(String(400_000_001 + probe))).ok !== enabled) return;
    await new Promise((r) => setTimeout(r, 1_100));
  }
  throw new Error(`the plugin did not become ${enabled ? "enabled" : "disabled"} within 60 s`);
}

it("openclaw-guard plugin: overhead on allowed sends, cancel latency, reload latency", async () => {
  await allowedSends(); // warm-up: connections, JIT, the Telegram client
  const withA = await allowedSends();
  await setPlugin(false);
  const without = await allowedSends();
  await setPlugin(true);
  const withB = await allowedSends();

  const cancelled: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    const { ms: t, ok } = await timedSend(String(500_000_001 + i));
    if (ok) throw new Error("an unvetted send was delivered");
    cancelled.push(t);
  }

  const reloads: number[] = [];
  for (let i = 0; i < RELOADS; i++) {
    const before = await rpc.request("openclaw-guard.status", {});
    const fingerprint = before.ok ? before.payload.fingerprint : undefined;
    const written = Date.now();
    writeBook({ [`added${i}`]: String(600_000_001 + i) });
    for (;;) {
      const now = await rpc.request("openclaw-guard.status", {});
      if (now.ok && now.payload.fingerprint !== fingerprint) {
        reloads.push(Date.parse(String(now.payload.loadedAt)) - written);
        break;
      }
      if (Date.now() - written > 30_000) throw new Error("no reload within 30 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const withPlugin = [...withA, ...withB];
  const overhead = percentile(withPlugin, 50) - percentile(without, 50);
  console.log(
    [
      "\n## gateway plugin (real openclaw 2026.9.6 gateway, fake Telegram Bot API, one gateway, plugin switched off by a config edit for the baseline)",
      row("allowed `send`, plugin loaded (before and after the baseline)", withPlugin),
      row("allowed `send`, same gateway, plugin disabled (baseline)", without),
      `- plugin overhead on an allowed send (p50 difference): ${ms(overhead)}  ratio ${(percentile(withPlugin, 50) / percentile(without, 50)).toFixed(2)}x  goal <= 2 ms`,
      row("cancelled `send` (unvetted chat), answer time", cancelled),
      `- cancelled / allowed (p50): ${(percentile(cancelled, 50) / percentile(withPlugin, 50)).toFixed(2)}x  goal <= 50 ms`,
      `- book reload after an edit (file written -> plugin reloaded, its own clock): ${reloads.map((r) => `${r} ms`).join(", ")}  goal <= 2000 ms`,
    ].join("\n"),
  );
}, 900_000);
