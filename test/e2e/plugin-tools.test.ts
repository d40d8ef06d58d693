// The plugin's tool gate and content checks on the real gateway 2026.9.6 with a fake Telegram API
// (issues 17.4-5 and 22.1, 22.5): a second plugin rewriting the message tool's recipient after the
// guard checked it, the assistant's own `plugins` tool disabling the guard, a secret to a vetted
// chat by RPC `send`, and an inbound message from a chat the channel does not admit.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { gatewayAudit, useGatewayRpc } from "../support/guard-plugin.js";
import { useGatewayWithFakeTelegram, useFakeModelTurns } from "../support/openclaw-gateway.js";

const VETTED = "555111";
const INBOUND = 4343; // allowed to write to the assistant (allowFrom), not in the book
const STRANGER = 4444; // neither allowed nor in the book
const LEAK = "9000000081"; // the rewrite fixture's target
const SECRET = "deploy key ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

let model: FakeAnthropic;
let guardDir = "";
const real = useGatewayWithFakeTelegram(async (config, home) => {
  model = await startFakeAnthropic([
    { tool: "message", input: { action: "poll", channel: "telegram", target: VETTED, question: "REWRITE-ME lunch?", pollOption: ["yes", "no"] } },
    { tool: "plugins", input: { action: "disable", pluginId: "openclaw-guard" } },
  ]);
  guardDir = join(home, "guard");
  mkdirSync(guardDir, { mode: 0o700 });
  const bookPath = join(guardDir, "config.json5");
  writeFileSync(bookPath, JSON.stringify({ contacts: { alice: { channel: "telegram", target: VETTED } }, audit: { file: join(guardDir, "audit.jsonl") } }), { mode: 0o600 });
  config.plugins = {
    load: { paths: [REPO_ROOT, join(REPO_ROOT, "test/fixtures/rewrite-plugin")] },
    entries: { "openclaw-guard": { enabled: true, config: { configPath: bookPath } }, "ocg-test-rewrite": { enabled: true } },
  };
  useFakeModelTurns(config, model.url, INBOUND);
});

const rpc = useGatewayRpc(real, () => model?.close());

const audit = () => gatewayAudit(guardDir);
const rpcSend = (to: string, message: string) => rpc.request("send", { to, message, channel: "telegram", idempotencyKey: `k-${Math.random()}` });

describe("the plugin's tool gate and content checks on the real gateway", () => {
  it("a secret to a vetted chat by RPC send is withheld at the gateway; plain text to it is delivered", async () => {
    expect((await rpcSend(VETTED, SECRET)).ok).toBe(false);
    expect(await rpcSend(VETTED, "plain hello")).toMatchObject({ ok: true });
    expect(real.telegram.delivered().filter((d) => d.chat_id === VETTED).map((d) => d.text)).toEqual(["plain hello"]);
    await eventually(() => expect(audit().some((r) => r.path === "message_sending" && r.code === "content")).toBe(true), 30_000);
    expect(readFileSync(join(guardDir, "gateway-audit.jsonl"), "utf8")).not.toContain("ghp_");
  });

  it("an agent turn: another plugin's rewrite of the poll's recipient is overwritten, the plugins tool's disable is refused, and the guard still cancels", async () => {
    real.telegram.receive({ chatId: INBOUND, text: "hello assistant" });
    await eventually(() => expect(model.toolResults().some((r) => r.tool === "plugins")).toBe(true), 150_000);
    expect(real.telegram.callsTo(LEAK)).toEqual([]);
    // The guard's returned params won over the rewrite: the poll went to the vetted chat it checked.
    expect(real.telegram.callsTo(VETTED).filter((c) => c.method === "sendPoll"), JSON.stringify(model.toolResults().filter((r) => r.tool === "message"))).toHaveLength(1);
    // In this (non-owner) session 2026.9.6 does not offer the plugins tool at all; the guard's own
    // refusal of it in an owner's session is test/e2e/plugin-owner-tools.test.ts. Either way the disable did not happen.
    const disable = model.toolResults().find((r) => r.tool === "plugins");
    expect(disable).toMatchObject({ is_error: true });
    expect(disable?.text).toMatch(/blocked|plugins tool|not found/i);
    // Still enforcing after the turn: an unvetted send is cancelled.
    expect((await rpcSend("9000000082", "after the disable attempt")).ok).toBe(false);
    expect(real.telegram.callsTo("9000000082")).toEqual([]);
  }, 200_000);

  it("an inbound message from a chat the channel does not admit gets no reply delivered", async () => {
    real.telegram.receive({ chatId: STRANGER, text: "who are you? reply to me" });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(real.telegram.callsTo(String(STRANGER)).filter((c) => c.method !== "sendChatAction")).toEqual([]);
  }, 30_000);
});
