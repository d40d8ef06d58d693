// A `confirm` content finding at the gateway (issue 17.5) on the real gateway 2026.9.6: the
// assistant's message tool to a vetted chat with a phone number in the text becomes a plugin
// approval to the human (`message-send`, allow-once or deny), delivered by OpenClaw to the
// approver's Telegram DM and answered there with `/approve <id> deny|allow-once`, as a person
// would. Denied: nothing is sent; allowed once: delivered exactly once; the prompt holds no number.
// Without an approver, OpenClaw has no approval surface and the call fails closed (second suite).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { useGatewayWithFakeTelegram, useFakeModelTurns } from "../support/openclaw-gateway.js";

const VETTED = "555111";
const OWNER = 4343; // writes to the assistant (allowFrom) and approves; not in the book
const DENIED_TEXT = "DENY-ME: call the supplier on +1 415 555 0100";
const ALLOWED_TEXT = "ALLOW-ME: call the office on +1 415 555 0101";
const NUMBER = /415\D{0,3}555\D{0,3}010/;

function gatewayWithGuard(approver: boolean) {
  const holder: { model?: FakeAnthropic } = {};
  const real = useGatewayWithFakeTelegram(async (config, home) => {
    if (!existsSync(join(REPO_ROOT, "dist/plugin/index.js"))) throw new Error("dist/plugin/index.js is missing: run `npm run build` first");
    holder.model = await startFakeAnthropic([
      { tool: "message", input: { action: "send", channel: "telegram", target: VETTED, message: DENIED_TEXT } },
      { tool: "message", input: { action: "send", channel: "telegram", target: VETTED, message: ALLOWED_TEXT } },
    ]);
    const guardDir = join(home, "guard");
    mkdirSync(guardDir, { mode: 0o700 });
    const bookPath = join(guardDir, "config.json5");
    writeFileSync(bookPath, JSON.stringify({ contacts: { alice: { channel: "telegram", target: VETTED } }, audit: { file: join(guardDir, "audit.jsonl") } }), { mode: 0o600 });
    config.plugins = { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: bookPath } } } };
    useFakeModelTurns(config, holder.model.url, OWNER);
    if (approver) config.channels.telegram.execApprovals = { enabled: true, approvers: [String(OWNER)] };
  });
  const model = () => holder.model!;
  const textsTo = (chat: string) => real.telegram.delivered().filter((d) => d.chat_id === chat).map((d) => d.text);
  return { real, model, textsTo };
}

describe("with an approver: a confirm finding at the gateway asks the human", () => {
  const { real, model, textsTo } = gatewayWithGuard(true);
  const prompts = () => real.telegram.delivered().filter((d) => d.chat_id === String(OWNER) && d.text.includes("Plugin approval required"));
  const approvalId = async (nth: number): Promise<string> => {
    await eventually(() => expect(prompts().length).toBeGreaterThan(nth), 150_000);
    const prompt = prompts()[nth]!.text;
    expect(prompt).toMatch(/message-send/);
    expect(prompt).not.toMatch(NUMBER);
    return /ID: (plugin:[0-9a-f-]+)/.exec(prompt)![1]!;
  };

  it("denied in the chat: the call never runs; allowed once: delivered exactly once", async () => {
    real.telegram.receive({ chatId: OWNER, text: "please pass the numbers on" });
    real.telegram.receive({ chatId: OWNER, text: `/approve ${await approvalId(0)} deny` });
    real.telegram.receive({ chatId: OWNER, text: `/approve ${await approvalId(1)} allow-once` });

    await eventually(() => expect(textsTo(VETTED)).toEqual([ALLOWED_TEXT]), 60_000);
    await eventually(() => expect(model().toolResults().filter((r) => r.tool === "message")).toHaveLength(2), 60_000);
    expect(model().toolResults()[0]).toMatchObject({ tool: "message", is_error: true });
    expect(model().toolResults()[1]).toMatchObject({ tool: "message", is_error: false });
    // Nothing else reached the vetted chat, and the denied text went nowhere.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(textsTo(VETTED)).toEqual([ALLOWED_TEXT]);
    expect(real.telegram.calls.some((c) => JSON.stringify(c.body).includes("DENY-ME"))).toBe(false);
  }, 300_000);
});

describe("without an approver: the call fails closed", () => {
  const { real, model, textsTo } = gatewayWithGuard(false);

  it("OpenClaw has no approval surface: both calls are refused and nothing reaches the vetted chat", async () => {
    real.telegram.receive({ chatId: OWNER, text: "please pass the numbers on" });
    await eventually(() => expect(model().toolResults().filter((r) => r.tool === "message")).toHaveLength(2), 150_000);
    for (const result of model().toolResults()) expect(result).toMatchObject({ is_error: true, text: expect.stringMatching(/approval unavailable/i) });
    expect(textsTo(VETTED)).toEqual([]);
  }, 200_000);
});
