// Admitted replies on the real gateway 2026.9.6 (issues 17.1, 22.5): inbound private messages injected
// through the fake Telegram API's getUpdates, turns answered by the fake model, every delivery counted
// at the fake API. One gateway for the file; the book holds only VETTED, so every chat here is unvetted.
//
// dmPolicy "pairing" with allowFrom [ADMITTED, LATE]: those two are admitted by the channel itself;
// STRANGER is not, and gets OpenClaw's own pairing-code reply (no plugin hook sees it).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskTarget } from "../../src/audit/redact.js";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { startFakeAnthropic, type FakeAnthropic, type ScriptStep } from "../support/fake-anthropic.js";
import { gatewayAudit, requireBuiltPlugin } from "../support/guard-plugin.js";
import { useGatewayWithFakeTelegram, useFakeModelTurns } from "../support/openclaw-gateway.js";

const VETTED = "555111";
const ADMITTED = 700000201; // in allowFrom, not in the book
const LATE = 700000302; // in allowFrom, not in the book; its turn answers after the window
const STRANGER = 700000403; // neither: the channel sends it a pairing code
const OTHER = "9000000504"; // never vetted, never wrote in
const WINDOW_S = 60;
const LATE_REPLY_DELAY_MS = (WINDOW_S + 15) * 1000;

const TURNS: Record<string, ScriptStep[]> = {
  "hello from admitted": [
    { tool: "message", input: { action: "send", channel: "telegram", target: OTHER, message: "to another unvetted chat" } },
    { text: "Reply for the admitted sender." },
  ],
  "hello from late": [{ text: "Reply after the window.", delayMs: LATE_REPLY_DELAY_MS }],
  "hello from stranger": [{ text: "Reply for the stranger." }],
};

let model: FakeAnthropic;
let guardDir = "";
const real = useGatewayWithFakeTelegram(async (config, home) => {
  model = await startFakeAnthropic((first) => Object.entries(TURNS).find(([key]) => first.includes(key))?.[1] ?? []);
  guardDir = join(home, "guard");
  mkdirSync(guardDir, { mode: 0o700 });
  const bookPath = join(guardDir, "config.json5");
  writeFileSync(bookPath, JSON.stringify({ contacts: { alice: { channel: "telegram", target: VETTED } }, audit: { file: join(guardDir, "audit.jsonl") } }), { mode: 0o600 });
  config.plugins = { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: bookPath, admissionWindowSeconds: WINDOW_S } } } };
  useFakeModelTurns(config, model.url, ADMITTED);
  config.channels.telegram.dmPolicy = "pairing";
  config.channels.telegram.allowFrom = [String(ADMITTED), String(LATE)];
  // One session per sender: with the default ("main") every DM shares one conversation and one script.
  config.session = { dmScope: "per-channel-peer" };
});

beforeAll(requireBuiltPlugin);
afterAll(async () => {
  await model?.close();
});

const audit = () => gatewayAudit(guardDir);
const masked = (chat: number | string) => maskTarget(String(chat));
const deliveredTo = (chat: number | string) => real.telegram.delivered().filter((d) => d.chat_id === String(chat)).map((d) => d.text);
const turnsFor = (text: string) => model.requests.filter((r) => r.main && JSON.stringify(r.body.messages?.[0] ?? "").includes(text));

describe("admitted replies to inbound Telegram messages on the real gateway", () => {
  it("an admitted, unvetted sender writes in: the reply goes back to that chat exactly once; the turn's send to another unvetted chat is cancelled", async () => {
    const wrote = Date.now();
    real.telegram.receive({ chatId: ADMITTED, text: "hello from admitted" });
    await eventually(() => expect(deliveredTo(ADMITTED)).toHaveLength(1), 150_000);
    const took = Date.now() - wrote;
    expect(deliveredTo(ADMITTED)).toEqual(["Reply for the admitted sender."]);
    expect(took, "the turn must finish inside the window for this case to mean anything").toBeLessThan(WINDOW_S * 1000);
    expect(real.telegram.callsTo(OTHER)).toEqual([]);
    expect(model.toolResults().find((r) => r.tool === "message")).toMatchObject({ is_error: true, text: expect.stringMatching(/blocked/) });
    await eventually(() => {
      const records = audit();
      expect(records.some((r) => r.path === "reply_payload_sending" && r.code === "admitted-reply" && r.to === masked(ADMITTED))).toBe(true);
      expect(records.some((r) => r.path === "before_tool_call" && r.decision === "cancel" && r.to === masked(OTHER))).toBe(true);
    }, 30_000);
    // Nothing more reaches that chat afterwards (no duplicate from the send-hook twin).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(deliveredTo(ADMITTED)).toHaveLength(1);
    expect(real.telegram.callsTo(String(ADMITTED)).filter((c) => c.method !== "sendMessage")).toEqual([]);
  }, 200_000);

  it("a sender the channel does not admit (pairing) gets only OpenClaw's own pairing-code reply, and the model no turn", async () => {
    real.telegram.receive({ chatId: STRANGER, text: "hello from stranger" });
    await eventually(() => expect(deliveredTo(STRANGER).length).toBeGreaterThan(0), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const texts = deliveredTo(STRANGER);
    expect(texts, texts.join("\n")).toHaveLength(1);
    expect(texts[0]).toMatch(/pairing/i);
    expect(texts[0]).not.toContain("Reply for the stranger.");
    expect(turnsFor("hello from stranger")).toEqual([]);
    // No hook saw it: the plugin recorded nothing for that chat.
    expect(audit().filter((r) => r.to === masked(STRANGER))).toEqual([]);
  }, 90_000);

  it("after admissionWindowSeconds, the reply to an admitted sender is cancelled: nothing reaches that chat", async () => {
    real.telegram.receive({ chatId: LATE, text: "hello from late" });
    const seen = () => JSON.stringify({ audit: audit().filter((r) => r.to === masked(LATE)), calls: real.telegram.callsTo(String(LATE)), turns: turnsFor("hello from late").length, gateway: real.gateway.output().slice(-3000) });
    await eventually(() => expect(audit().some((r) => r.path === "reply_payload_sending" && r.decision === "cancel" && r.to === masked(LATE)), seen()).toBe(true), LATE_REPLY_DELAY_MS + 120_000);
    expect(turnsFor("hello from late").length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(deliveredTo(LATE)).toEqual([]);
    expect(real.telegram.callsTo(String(LATE))).toEqual([]);
    expect(audit().find((r) => r.to === masked(LATE) && r.path === "reply_payload_sending")).toMatchObject({ code: "not-in-address-book" });
  }, LATE_REPLY_DELAY_MS + 180_000);
});
