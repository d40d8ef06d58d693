// `npm run bench`, gateway plugin section: two real gateways (openclaw 2026.9.6, one fake Telegram),
// configured alike except that one loads openclaw-guard's plugin, running side by side; allowed sends
// alternate between them so machine noise hits both alike. (Switching the plugin off on one gateway by
// a config edit left a send hanging once: not used.) Then a cancelled send, and how long an
// address-book edit takes to be enforced. Sends rotate over many chats: the Telegram channel paces
// messages to one chat about 1 s apart.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, it } from "vitest";
import { createAdmissions } from "../src/plugin/admissions.js";
import { bookFromContacts } from "../src/plugin/book.js";
import { decideSend } from "../src/plugin/decide.js";
import { REPO_ROOT } from "../test/support/claude-code.js";
import { connectGateway, type GatewayRpc } from "../test/support/gateway-ws.js";
import { startGateway, useGatewayWithFakeTelegram, type Gateway } from "../test/support/openclaw-gateway.js";

const SENDS = 30;
const RELOADS = 5;
const chats = (first: number, n = 40) => Array.from({ length: n }, (_, i) => String(first + i));
const ALLOWED = chats(300_000_001);
const BASELINE_CHATS = chats(310_000_001);
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
let bare: Gateway | undefined;
let bareRpc: GatewayRpc;
beforeAll(async () => {
  rpc = await connectGateway(real.gateway.url, real.gateway.token);
  bare = await startGateway({ fakeTelegramUrl: real.telegram.url });
  bareRpc = await connectGateway(bare.url, bare.token);
}, 300_000);
afterAll(async () => {
  rpc?.close();
  bareRpc?.close();
  await bare?.stop();
});

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const row = (name: string, v: number[]) => `- ${name}: p50 ${ms(percentile(v, 50))}, p95 ${ms(percentile(v, 95))} (n=${v.length})`;

async function timedSend(via: GatewayRpc, to: string): Promise<{ ms: number; ok: boolean }> {
  const start = performance.now();
  const answer = await via.request("send", { to, message: `bench ${randomUUID()}`, channel: "telegram", idempotencyKey: randomUUID() });
  return { ms: performance.now() - start, ok: answer.ok };
}

it("openclaw-guard plugin: overhead on allowed sends, cancel latency, reload latency", async () => {
  const withPlugin: number[] = [];
  const without: number[] = [];
  for (let i = -3; i < SENDS; i++) {
    const a = await timedSend(rpc, ALLOWED[(i + 3) % ALLOWED.length]!);
    const b = await timedSend(bareRpc, BASELINE_CHATS[(i + 3) % BASELINE_CHATS.length]!);
    if (!a.ok || !b.ok) throw new Error("an allowed send failed");
    if (i < 0) continue; // warm-up: connections, JIT, the Telegram client
    withPlugin.push(a.ms);
    without.push(b.ms);
  }

  const cancelled: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    const { ms: t, ok } = await timedSend(rpc, String(500_000_001 + i));
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

  // The decision itself, in process: what the hook costs the gateway before any I/O.
  const state = { ok: true as const, book: bookFromContacts(ALLOWED.map((chat, i) => ({ alias: `chat${i}`, channel: "telegram" as const, target: chat }))) };
  const admissions = createAdmissions();
  const policy = { internalChannels: new Set(["webchat"]) };
  const DECISIONS = 100_000;
  const decisionStart = performance.now();
  for (let i = 0; i < DECISIONS; i++) decideSend(state, policy, admissions, { channel: "telegram", to: i % 2 ? `tg:${ALLOWED[i % 40]}` : String(700_000_000 + i), content: "x" }, i);
  const perDecisionUs = ((performance.now() - decisionStart) * 1000) / DECISIONS;

  const overhead = percentile(withPlugin, 50) - percentile(without, 50);
  console.log(
    [
      "\n## gateway plugin (real openclaw 2026.9.6 gateways side by side, fake Telegram Bot API, sends alternating)",
      row("allowed `send`, gateway with the plugin", withPlugin),
      row("allowed `send`, same config without the plugin (baseline)", without),
      `- plugin overhead on an allowed send (p50 difference): ${ms(overhead)}  ratio ${(percentile(withPlugin, 50) / percentile(without, 50)).toFixed(2)}x  goal <= 2 ms`,
      `- the decision alone, in process (half vetted, half not): ${perDecisionUs.toFixed(2)} µs per send`,
      row("cancelled `send` (unvetted chat), answer time", cancelled),
      `- cancelled / allowed (p50): ${(percentile(cancelled, 50) / percentile(withPlugin, 50)).toFixed(2)}x  goal <= 50 ms`,
      `- book reload after an edit (file written -> plugin reloaded, its own clock): ${reloads.map((r) => `${r} ms`).join(", ")}  goal <= 2000 ms`,
    ].join("\n"),
  );
}, 900_000);
