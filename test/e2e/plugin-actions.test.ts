// Telegram message actions on the real gateway 2026.9.6 with a fake Telegram API (issue 22.2-3):
// - the assistant's message tool `topic-edit` with a vetted `target` and an unvetted `chatId`
//   (Telegram resolves chatId first) is blocked; the same call with the vetted chat goes through,
//   so the block is the guard's and not the action failing;
// - an operator's `message.action` topic-edit runs no plugin hook: with editForumTopic on it reaches
//   any chat, and doctor's check of that config FAILs naming it; with it off (what init writes)
//   OpenClaw refuses it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import { checkGaps } from "../../src/setup/checks/gateway-checks.js";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { useGatewayRpc } from "../support/guard-plugin.js";
import { useGatewayWithFakeTelegram, useFakeModelTurns } from "../support/openclaw-gateway.js";

const VETTED_GROUP = "-1001234567890";
const STRANGER_GROUP = "-1009876543210";
const OWNER = 4343; // writes to the assistant (allowFrom), not in the book

let model: FakeAnthropic;
const real = useGatewayWithFakeTelegram(async (config, home) => {
  model = await startFakeAnthropic([
    { tool: "message", input: { action: "topic-edit", channel: "telegram", target: VETTED_GROUP, chatId: STRANGER_GROUP, threadId: 7, name: "SMUGGLED" } },
    { tool: "message", input: { action: "topic-edit", channel: "telegram", target: VETTED_GROUP, chatId: VETTED_GROUP, threadId: 7, name: "RENAMED" } },
  ]);
  const guardDir = join(home, "guard");
  mkdirSync(guardDir, { mode: 0o700 });
  const bookPath = join(guardDir, "config.json5");
  writeFileSync(bookPath, JSON.stringify({ contacts: { team: { channel: "telegram", target: VETTED_GROUP } }, audit: { file: join(guardDir, "audit.jsonl") } }), { mode: 0o600 });
  config.plugins = { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: bookPath } } } };
  useFakeModelTurns(config, model.url, OWNER);
  // Left on, as OpenClaw ships it: the tool gate must hold by itself.
  config.channels.telegram.actions = { editForumTopic: true };
});

const rpc = useGatewayRpc(real, () => model?.close());

const topicEdits = (chat: string) => real.telegram.callsTo(chat).filter((c) => c.method === "editForumTopic");
const gatewayConfig = () => JSON5.parse(readFileSync(real.gateway.configPath, "utf8")) as Record<string, any>;
const operatorTopicEdit = (chatId: string, name: string) =>
  rpc.request("message.action", { channel: "telegram", action: "topic-edit", params: { chatId, threadId: 7, name }, idempotencyKey: `k-${Math.random()}` });

describe("Telegram actions and the recipient fields the channel reads", () => {
  it("the message tool's topic-edit: a vetted target beside an unvetted chatId is blocked; the vetted chat alone goes through", async () => {
    real.telegram.receive({ chatId: OWNER, text: "tidy the topics" });
    await eventually(() => expect(model.toolResults().filter((r) => r.tool === "message")).toHaveLength(2), 150_000);
    const [smuggled, vetted] = model.toolResults().filter((r) => r.tool === "message");
    expect(smuggled).toMatchObject({ is_error: true, text: expect.stringMatching(/openclaw-guard/) });
    expect(vetted, vetted?.text).toMatchObject({ is_error: false });
    expect(topicEdits(STRANGER_GROUP)).toEqual([]);
    expect(topicEdits(VETTED_GROUP).map((c) => c.body.name)).toEqual(["RENAMED"]);
  }, 200_000);

  it("an operator's message.action topic-edit runs no hook: on, it reaches a stranger and doctor FAILs naming it; off, OpenClaw refuses it", async () => {
    expect(await operatorTopicEdit(STRANGER_GROUP, "NO-HOOK")).toMatchObject({ ok: true });
    expect(topicEdits(STRANGER_GROUP).map((c) => c.body.name)).toEqual(["NO-HOOK"]);
    expect(checkGaps(gatewayConfig()).find((c) => c.id === "gateway.telegram-actions")).toMatchObject({ status: "fail", summary: expect.stringContaining("channels.telegram.actions.editForumTopic") });

    const config = gatewayConfig();
    config.channels.telegram.actions = { ...config.channels.telegram.actions, editForumTopic: false };
    writeFileSync(real.gateway.configPath, JSON.stringify(config, null, 2));
    // A restart, not the hot reload: the reload applied the switch to message.action in one run and not
    // within a minute in the next.
    await real.gateway.restart();
    await rpc.reconnect();
    const reached = topicEdits(STRANGER_GROUP).length;
    expect(await operatorTopicEdit(STRANGER_GROUP, "AFTER-OFF")).toMatchObject({ ok: false, error: { message: expect.stringMatching(/editForumTopic is disabled/) } });
    expect(topicEdits(STRANGER_GROUP)).toHaveLength(reached);
    expect(topicEdits(STRANGER_GROUP).map((c) => c.body.name)).not.toContain("AFTER-OFF");
    expect(checkGaps(gatewayConfig()).find((c) => c.id === "gateway.telegram-actions")?.summary).not.toContain("editForumTopic");
  }, 240_000);
});
