// The plugin entry against a stand-in for OpenClaw's plugin API: registration, fail-closed
// handling of errors and bad config, the audit log and the alert.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAuditTail, verifyAuditText } from "../../src/audit/store.js";
import plugin from "../../src/plugin/index.js";
import { fakeApi } from "../support/plugin-api.js";
import { eventually, privateDir, writeConfig } from "../helpers.js";

function setup(extra: Record<string, unknown> = {}) {
  const dir = privateDir();
  const configPath = writeConfig(dir, JSON.stringify({ contacts: { alice: { channel: "telegram", target: "555111" }, human: { channel: "telegram", target: "555999" } }, audit: { file: join(dir, "audit.jsonl") } }));
  const fake = fakeApi({ configPath, ...extra });
  plugin.register(fake.api);
  return { ...fake, dir, auditFile: join(dir, "gateway-audit.jsonl") };
}

const ctx = { channelId: "telegram", accountId: "default", sessionKey: "agent:main:main" };
const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the openclaw-guard plugin", () => {
  it("registers once per api however often register() runs, and answers synchronously", async () => {
    const { api, hooks, run } = setup();
    plugin.register(api);
    expect([...hooks.keys()].sort()).toEqual(["before_tool_call", "message_received", "message_sending", "reply_payload_sending"]);
    for (const handlers of hooks.values()) expect(handlers).toHaveLength(1);
    const result = run("message_sending", { to: "777", content: "x", metadata: { channel: "telegram" } }, ctx);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ cancel: true, cancelReason: expect.stringMatching(/blocked this message at the gateway/) });
    // A delivery is scanned for content first (async); cancels stay synchronous.
    expect(await run("message_sending", { to: "tg:555111", content: "x", metadata: { channel: "telegram" } }, ctx)).toBeUndefined();
  });

  it("withholds secrets and deny-pattern text even to a vetted chat, on every hook, and asks the human for phone numbers in the message tool", async () => {
    const { run } = setup();
    const secret = "the key is ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    expect(await run("message_sending", { to: "555111", content: secret, metadata: { channel: "telegram" } }, ctx)).toMatchObject({ cancel: true, cancelReason: expect.stringMatching(/GitHub token/) });
    run("message_received", { from: "telegram:4242", senderId: "4242", content: "hi" }, { ...ctx, conversationId: "telegram:4242" });
    expect(await run("reply_payload_sending", { payload: { text: secret } }, { ...ctx, conversationId: "telegram:4242", senderId: "4242" })).toMatchObject({ cancel: true });
    expect(await run("before_tool_call", { toolName: "message", params: { action: "send", target: "555111", message: secret } }, ctx)).toMatchObject({ block: true });
    expect(await run("before_tool_call", { toolName: "message", params: { action: "poll", target: "555111", question: "ok?", options: [secret, "no"] } }, ctx)).toMatchObject({ block: true });
    const phone = await run("before_tool_call", { toolName: "message", params: { action: "send", target: "555111", message: "call +1 415 555 2671" } }, ctx);
    expect(phone).toMatchObject({ requireApproval: { title: "message-send", allowedDecisions: ["allow-once", "deny"] } });
    expect(JSON.stringify((phone as { requireApproval: unknown }).requireApproval)).not.toMatch(/415/);
    // A confirm finding passes message_sending (it cannot ask; the MCP server and the tool gate do).
    expect(await run("message_sending", { to: "555111", content: "call +1 415 555 2671", metadata: { channel: "telegram" } }, ctx)).toBeUndefined();
    // The tool gate returns the params it checked, so a later rewrite is overwritten.
    const params = { action: "poll", target: "555111", question: "lunch?", options: ["yes", "no"] };
    expect(await run("before_tool_call", { toolName: "message", params }, ctx)).toEqual({ params });
  });

  it("cancels when its own code fails: hostile events, getters that throw, mismatched channels", () => {
    const { run } = setup();
    const hostile = Object.defineProperty({ content: "x" }, "to", { get: () => { throw new Error("boom"); } });
    expect(run("message_sending", hostile, ctx)).toMatchObject({ cancel: true });
    expect(run("message_sending", undefined, ctx)).toMatchObject({ cancel: true });
    expect(run("message_sending", { to: "555111", content: "x", metadata: { channel: "whatsapp" } }, ctx)).toMatchObject({ cancel: true });
    expect(run("message_sending", { to: "555111", content: "x" }, new Proxy({}, { get: () => { throw new Error("ctx"); } }))).toMatchObject({ cancel: true });
    expect(run("reply_payload_sending", { payload: { text: "hi" } }, undefined)).toMatchObject({ cancel: true });
    expect(run("before_tool_call", { toolName: "message", params: { action: "poll", target: "777" } }, ctx)).toMatchObject({ block: true });
    expect(run("before_tool_call", { toolName: "message", get params() { throw new Error("x"); } }, ctx)).toMatchObject({ block: true });
    expect(() => run("message_received", null, null)).not.toThrow();
  });

  it("with an invalid plugin config, registers anyway and cancels every external message", () => {
    const fake = fakeApi({ configPath: 42 });
    plugin.register(fake.api);
    expect(fake.run("message_sending", { to: "555111", content: "x" }, ctx)).toMatchObject({ cancel: true });
    expect(fake.run("reply_payload_sending", { payload: { text: "x" } }, { channelId: "webchat", conversationId: "agent:main:main" })).toBeUndefined();
    expect(fake.status()).toMatchObject({ ok: false, error: expect.stringMatching(/invalid plugin config/) });
    expect(fake.logs.join("\n")).toMatch(/every outbound message is cancelled/);
  });

  it("still registers cancelling hooks when its own setup throws (a cyclic config)", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const fake = fakeApi(cyclic);
    expect(() => plugin.register(fake.api)).not.toThrow();
    expect(fake.run("message_sending", { to: "555111", content: "x" }, ctx)).toMatchObject({ cancel: true });
  });

  it("reports the book's fingerprint, never its numbers", () => {
    const { status, logs } = setup();
    expect(status()).toMatchObject({ ok: true, contacts: 2, fingerprint: expect.stringMatching(/^sha256:/) });
    expect(JSON.stringify(status()) + logs.join("\n")).not.toMatch(/555111|555999/);
    expect(logs.join("\n")).toContain(String(status().fingerprint));
  });

  it("audits every attempt in a chain `audit verify` accepts, numbers masked, text hashed", async () => {
    const { run, auditFile } = setup();
    await run("message_sending", { to: "555111", content: "secret plans", metadata: { channel: "telegram" } }, ctx);
    run("message_sending", { to: "+1 555 000 1234", content: "secret plans", metadata: { channel: "telegram" } }, ctx);
    run("before_tool_call", { toolName: "message", params: { action: "poll", target: "777" } }, { ...ctx, sessionKey: "agent:main:whatsapp:group:120363000000000002@g.us" });
    await eventually(() => expect(lines(auditFile)).toHaveLength(3));
    const text = readFileSync(auditFile, "utf8");
    expect(verifyAuditText(text, readAuditTail(auditFile))).toEqual({ ok: true, records: 3 });
    expect(text).not.toMatch(/555111|5550001234|555 000 1234|secret plans|120363000000000002/);
    const records = lines(auditFile);
    expect(records[2]!.sessionKey).toBe("agent:main:whatsapp:group:••••••••••••••••02@g.us");
    expect(records.map((r) => [r.path, r.decision, r.code])).toEqual([
      ["message_sending", "deliver", "vetted"],
      ["message_sending", "cancel", "unrecognised-recipient"],
      ["before_tool_call", "cancel", "not-in-address-book"],
    ]);
  });

  it("alerts the human's vetted contact about a cancel, at most maxPerHour times, without the number or text", async () => {
    const { run, sent, auditFile } = setup({ alert: { to: "human", maxPerHour: 2 } });
    for (let i = 0; i < 3; i++) run("message_sending", { to: "5557770000", content: "the numbers", metadata: { channel: "telegram" } }, ctx);
    await eventually(() => expect(lines(auditFile).filter((r) => r.event === "gateway-alert")).toHaveLength(3));
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ channel: "telegram", to: "555999", text: expect.stringMatching(/openclaw-guard blocked a send through the gateway on telegram/) });
    expect(JSON.stringify(sent)).not.toMatch(/5557770000|the numbers/);
    const alerts = lines(auditFile).filter((r) => r.event === "gateway-alert");
    expect(alerts.map((a) => String(a.status)).sort()).toEqual(["rate-limited", "sent", "sent"]);
  });

  it("lets a reply to a sender the channel admitted through, and nothing else to that chat", async () => {
    const { run } = setup();
    run("message_received", { from: "telegram:4242", senderId: "4242", content: "hi" }, { ...ctx, conversationId: "telegram:4242" });
    const replyCtx = { ...ctx, conversationId: "telegram:4242", senderId: "4242" };
    expect(await run("reply_payload_sending", { payload: { text: "Hello!" } }, replyCtx)).toBeUndefined();
    expect(await run("message_sending", { to: "4242", content: "Hello!", metadata: { channel: "telegram" } }, ctx)).toBeUndefined();
    expect(run("message_sending", { to: "4242", content: "and also this", metadata: { channel: "telegram" } }, ctx)).toMatchObject({ cancel: true });
    expect(run("reply_payload_sending", { payload: { text: "x" } }, { ...replyCtx, conversationId: "telegram:4243", senderId: "4243" })).toMatchObject({ cancel: true });
  });

  it("admits no WhatsApp sender, even when the channel passes its inbound messages to plugins", async () => {
    const { run } = setup();
    const wa = { channelId: "whatsapp", accountId: "default", conversationId: "+15557654321", senderId: "+15557654321" };
    run("message_received", { from: "+15557654321", senderId: "+15557654321", content: "hi" }, wa);
    expect(run("reply_payload_sending", { payload: { text: "Hello!" } }, wa)).toMatchObject({ cancel: true, reason: expect.stringMatching(/not a contact/) });
    expect(run("message_sending", { to: "+15557654321", content: "Hello!", metadata: { channel: "whatsapp" } }, { ...ctx, channelId: "whatsapp" })).toMatchObject({ cancel: true });
  });

  it("takes admissionWindowSeconds from the plugin config: 0 admits no one; an invalid value cancels everything", async () => {
    const { run } = setup({ admissionWindowSeconds: 0 });
    run("message_received", { from: "telegram:4242", senderId: "4242", content: "hi" }, { ...ctx, conversationId: "telegram:4242" });
    expect(run("reply_payload_sending", { payload: { text: "Hello!" } }, { ...ctx, conversationId: "telegram:4242", senderId: "4242" })).toMatchObject({ cancel: true });
    for (const bad of [-1, 1.5, "60", 604_801]) {
      const invalid = setup({ admissionWindowSeconds: bad });
      expect(invalid.status(), String(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/admissionWindowSeconds/) });
      expect(invalid.run("message_sending", { to: "555111", content: "x", metadata: { channel: "telegram" } }, ctx)).toMatchObject({ cancel: true });
    }
  });
});

describe("the gateway audit writer thread", () => {
  it("writes batches in order from a worker (the built dist/), in a chain `audit verify` accepts", async () => {
    const { workerWriter } = await import("../../src/plugin/gateway-log.js");
    const file = join(privateDir(), "gateway-audit.jsonl");
    const write = workerWriter(new URL("../../dist/plugin/audit-worker.js", import.meta.url));
    await Promise.all([write(file, [{ event: "a" }, { event: "b" }]), write(file, [{ event: "c" }])]);
    expect(lines(file).map((r) => r.event)).toEqual(["a", "b", "c"]);
    expect(verifyAuditText(readFileSync(file, "utf8"), readAuditTail(file))).toEqual({ ok: true, records: 3 });
    await expect(write(join(file, "not-a-dir", "x.jsonl"), [{ event: "d" }])).rejects.toThrow();
  });
});
