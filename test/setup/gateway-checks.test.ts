// The gateway layer of doctor from crafted facts: plugin configured, active, same book, gaps, credential.
import { describe, expect, it } from "vitest";
import { checkAllowTo, checkApprovalRoute, checkBook, checkCredential, checkGaps, checkGuardTools, checkPluginActive, checkPluginConfig } from "../../src/setup/checks/gateway-checks.js";

const OURS = "/h/.config/openclaw-guard/config.json5";
const entry = (over: Record<string, unknown> = {}) => ({ plugins: { entries: { "openclaw-guard": { enabled: true, config: { configPath: OURS }, ...over } } } });

describe("gateway layer: the plugin", () => {
  it("fails unless openclaw.json enables it for the MCP server's config, and says nothing when openclaw.json is not readable", () => {
    expect(checkPluginConfig(entry(), OURS)).toMatchObject({ status: "ok" });
    expect(checkPluginConfig({}, OURS)).toMatchObject({ status: "fail", fix: expect.stringContaining("init openclaw") });
    expect(checkPluginConfig(entry({ enabled: false }), OURS)).toMatchObject({ status: "fail", summary: expect.stringContaining("disabled") });
    expect(checkPluginConfig({ ...entry(), plugins: { ...entry().plugins, enabled: false } }, OURS)).toMatchObject({ status: "fail" });
    expect(checkPluginConfig({ plugins: { ...entry().plugins, deny: ["openclaw-guard"] } }, OURS)).toMatchObject({ status: "fail", summary: expect.stringContaining("plugins.deny") });
    expect(checkPluginConfig(entry({ config: { configPath: "/elsewhere.json5" } }), OURS)).toMatchObject({ status: "fail", summary: expect.stringContaining("/elsewhere.json5, but the MCP server uses") });
    // No configPath: the plugin reads the guard's default path, which may or may not be the MCP server's.
    expect(checkPluginConfig(entry({ config: {} }), OURS, "/default.json5")).toMatchObject({ status: "fail", summary: expect.stringContaining("/default.json5 (the default: config.configPath is not set)") });
    expect(checkPluginConfig(entry({ config: {} }), OURS, OURS)).toMatchObject({ status: "ok" });
    expect(checkPluginConfig(entry({ config: { allowTo: { telegram: ["123456789"] } } }), OURS, OURS)).toMatchObject({ status: "ok" });
    expect(checkPluginConfig(undefined, OURS)).toBeUndefined();
  });

  it("is active only with runtime.state active (a plugin that failed to register leaves the gateway unguarded)", () => {
    expect(checkPluginActive({ plugin: { enabled: true, state: "enabled", runtime: { state: "active" } } })).toMatchObject({ status: "ok" });
    expect(checkPluginActive({})).toMatchObject({ status: "fail", summary: expect.stringContaining("has not loaded") });
    expect(checkPluginActive({ plugin: { enabled: true, runtime: { state: "error", error: "register threw" } } })).toMatchObject({ status: "fail", summary: expect.stringContaining("error, not active: register threw") });
    expect(checkPluginActive({ plugin: { enabled: false, runtime: { state: "unloaded" } } })).toMatchObject({ status: "fail", summary: expect.stringContaining("disabled") });
    expect(checkPluginActive({ listError: "FORBIDDEN missing scope" })).toMatchObject({ status: "fail" });
    expect(checkPluginActive({ skipped: "transport is dry-run" })).toMatchObject({ status: "warn" });
  });

  it("compares address books by fingerprint, from the gateway or else from the file, and never prints a number", () => {
    const running = { plugin: { runtime: { state: "active" } } };
    expect(checkBook({ ...running, status: { ok: true, fingerprint: "sha256:a", contacts: 3 } }, { ours: "sha256:a" })).toMatchObject({ status: "ok", summary: expect.stringContaining("3 contacts") });
    expect(checkBook({ ...running, status: { ok: true, fingerprint: "sha256:b" } }, { ours: "sha256:a" })).toMatchObject({ status: "fail", summary: expect.stringContaining("different address book") });
    expect(checkBook({ ...running, status: { ok: false, error: "invalid config" } }, { ours: "sha256:a" })).toMatchObject({ status: "fail", summary: expect.stringContaining("cancels every outbound message") });
    const fromFile = checkBook({ ...running, statusError: "unknown method" }, { ours: "sha256:a", fromFile: { path: OURS, fingerprint: "sha256:a" } });
    expect(fromFile).toMatchObject({ status: "ok", summary: expect.stringContaining("computed here from the file") });
    expect(checkBook({ ...running, statusError: "x" }, { ours: "sha256:a", fromFile: { path: OURS, fingerprint: "sha256:c" } })).toMatchObject({ status: "fail" });
    expect(checkBook({ ...running, statusError: "x" }, { ours: "sha256:a", fromFile: { path: OURS, error: "bad" } })).toMatchObject({ status: "fail" });
    expect(checkBook({}, { ours: "sha256:a" })).toBeUndefined();
  });
});

describe("gateway layer: what still gets through", () => {
  it("flags unhooked Telegram actions per account (inheriting the channel's), the poll RPC, and pairing-code replies", () => {
    const off = { poll: false, createForumTopic: false, editForumTopic: false, sticker: false };
    const checks = checkGaps({ channels: { telegram: { actions: off, accounts: { a: { dmPolicy: "allowlist" }, b: { actions: { poll: true } } } } } });
    expect(checks.find((c) => c.id === "gateway.telegram-actions")).toMatchObject({ status: "fail", summary: expect.stringMatching(/^channels\.telegram\.accounts\.b\.actions\.poll is on/) });
    expect(checks.find((c) => c.id === "gateway.poll-rpc")).toMatchObject({ status: "note" });
    expect(checks.find((c) => c.id === "gateway.pairing-replies")).toMatchObject({ status: "note", summary: expect.stringContaining("on channels.telegram, channels.telegram.accounts.b:") });
    const clean = checkGaps({ channels: { telegram: { dmPolicy: "allowlist", actions: off } } });
    expect(clean.map((c) => [c.id, c.status])).toEqual([["gateway.telegram-actions", "ok"], ["gateway.poll-rpc", "note"]]);
    expect(checkGaps({ channels: { signal: { dmPolicy: "pairing", enabled: false } } })).toEqual([]);
    expect(checkGaps(undefined)).toEqual([]);
  });

  // Measured in test/e2e/whatsapp.test.ts: poll RPC, message.action poll and upload-file run no hook and
  // have no switch; CLI react runs no hook, and reactions: false stops it; allowFrom limits direct chats.
  it("on WhatsApp: fails on reactions left on, lists the open paths, and fails while allowFrom does not limit direct chats", () => {
    const open = checkGaps({ channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["*"], accounts: { work: { actions: { reactions: false } }, home: {} } } } });
    expect(open.map((c) => [c.id, c.status])).toEqual([["gateway.whatsapp-replies", "note"], ["gateway.whatsapp-actions", "fail"], ["gateway.whatsapp-open-paths", "fail"]]);
    expect(open[1]!.summary).toMatch(/^channels\.whatsapp\.actions\.reactions, channels\.whatsapp\.accounts\.home\.actions\.reactions are on/);
    expect(open[2]!.summary).toMatch(/the `poll` RPC, message\.action poll .*message\.action upload-file .* channels\.whatsapp\.allowFrom, channels\.whatsapp\.accounts\.work\.allowFrom, channels\.whatsapp\.accounts\.home\.allowFrom do not limit/);
    const limited = checkGaps({ channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["+27821234567"], actions: { reactions: false } } } });
    expect(limited.map((c) => [c.id, c.status])).toEqual([["gateway.whatsapp-replies", "note"], ["gateway.whatsapp-actions", "ok"], ["gateway.whatsapp-open-paths", "note"]]);
    expect(limited[0]!.summary).toMatch(/^replies to WhatsApp senders are not admitted: .* cancelled .*Not measured .*run(s)? no(ne| plugin hook)/);
    expect(limited[2]!.summary).toMatch(/reach every group and newsletter, and the numbers in allowFrom/);
    // An account's own allowFrom is read over the channel's; an empty one counts as no limit (OpenClaw's merge may
    // inherit the channel's list there: doctor errs on the side of "open").
    const account = checkGaps({ channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["+27821234567"], actions: { reactions: false }, accounts: { a: { allowFrom: [] } } } } });
    expect(account.find((c) => c.id === "gateway.whatsapp-open-paths")).toMatchObject({ status: "fail", summary: expect.stringContaining("channels.whatsapp.accounts.a.allowFrom does not limit") });
    expect(checkGaps({ channels: { whatsapp: { allowFrom: ["+1"] } } }).map((c) => c.id)).toContain("gateway.pairing-replies");
  });
});

describe("gateway layer: the assistant's tools that can switch the plugin off", () => {
  it("fails while the plugins, gateway or openclaw tool is offered to the assistant, ok once tools.deny takes all three", () => {
    expect(checkGuardTools({})).toMatchObject({ status: "fail", summary: expect.stringContaining("plugins, gateway, openclaw tools") });
    expect(checkGuardTools({ tools: { deny: ["plugins"] } })).toMatchObject({ status: "fail", fix: expect.stringContaining('["gateway","openclaw"]') });
    // The owner-only delegate to OpenClaw's system agent writes config and plugins too.
    expect(checkGuardTools({ tools: { deny: ["gateway", "plugins"] } })).toMatchObject({ status: "fail", fix: expect.stringContaining('["openclaw"]') });
    expect(checkGuardTools({ tools: { deny: ["gateway", "plugins", "openclaw"] } })).toMatchObject({ status: "ok" });
    expect(checkGuardTools({ tools: { deny: ["*"] } })).toMatchObject({ status: "ok" });
  });
});

describe("gateway layer: where a confirm finding is asked", () => {
  const guarded = { plugins: { entries: { "openclaw-guard": { enabled: true } } } };
  it("says nothing without the plugin, notes the refusal without an approver, ok with one", () => {
    expect(checkApprovalRoute({ channels: { telegram: {} } })).toBeUndefined();
    expect(checkApprovalRoute({ ...guarded, channels: { telegram: {} } })).toMatchObject({ status: "note", summary: expect.stringContaining("is refused, not asked"), fix: expect.stringContaining("execApprovals") });
    expect(checkApprovalRoute({ ...guarded, channels: { telegram: { execApprovals: { enabled: true, approvers: ["4343"] } } } })).toMatchObject({ status: "ok", summary: expect.stringContaining("channels.telegram.execApprovals") });
    expect(checkApprovalRoute({ ...guarded, channels: { telegram: { accounts: { work: { execApprovals: { approvers: ["1"] } } } } } })).toMatchObject({ status: "ok", summary: expect.stringContaining("accounts.work.execApprovals") });
    // Turned off, or no one named: no route.
    expect(checkApprovalRoute({ ...guarded, channels: { telegram: { execApprovals: { enabled: false, approvers: ["4343"] } } } })).toMatchObject({ status: "note" });
    expect(checkApprovalRoute({ ...guarded, channels: { telegram: { execApprovals: { enabled: true, approvers: [] } } } })).toMatchObject({ status: "note" });
    expect(checkApprovalRoute({ ...guarded, approvals: { plugin: { enabled: true } } })).toMatchObject({ status: "ok", summary: expect.stringContaining("approvals.plugin") });
  });
});

describe("gateway layer: the agent's credential", () => {
  const device = { kind: "device" as const, source: "the paired device in /h/x.json (scopes operator.write)", scopes: ["operator.write"], sharedReachable: [] };
  it("is ok only for a device token without admin while the shared token is out of reach", () => {
    expect(checkCredential(device)).toMatchObject({ status: "ok", summary: expect.stringContaining("cannot switch the plugin off") });
    // Paired already: the readable shared token is the single-user limit, and the advice no longer says to pair.
    const reachable = checkCredential({ ...device, sharedReachable: ["/h/.openclaw/openclaw.json"] });
    expect(reachable).toMatchObject({ status: "note", summary: expect.stringContaining("still readable from /h/.openclaw/openclaw.json") });
    expect(reachable.fix).not.toContain("--pair");
    expect(checkCredential({ ...device, scopes: ["operator.admin"] })).toMatchObject({ status: "fail" });
    expect(checkCredential({ kind: "token", source: "OPENCLAW_GATEWAY_TOKEN", sharedReachable: [] })).toMatchObject({ status: "warn", summary: expect.stringContaining("shared gateway token"), fix: expect.stringContaining("init openclaw --pair") });
    expect(checkCredential({ kind: "token", source: "x", sharedReachable: [], deviceProblem: "the device in /f is not approved yet" }).summary).toContain("not approved yet");
    expect(checkCredential({ kind: "none", source: "none", sharedReachable: [] })).toMatchObject({ status: "warn" });
  });
});

describe("checkAllowTo", () => {
  const withAllowTo = (allowTo: unknown) => ({ plugins: { entries: { "openclaw-guard": { enabled: true, config: { allowTo } } } } });
  it("shows the effective list per channel, masked, beside the book's contacts", () => {
    const c = checkAllowTo(withAllowTo({ telegram: ["123456789"], whatsapp: ["+27821234567"] }), [{ channel: "telegram" }, { channel: "telegram" }]);
    expect(c).toMatchObject({ status: "ok" });
    expect(c!.summary).toContain("telegram: \u2022\u2022\u2022\u2022\u2022\u2022789 + 2 book contacts");
    expect(c!.summary).toContain("whatsapp: +27\u2022\u2022\u2022\u2022\u20224567 + 0 book contacts");
    expect(c!.summary).not.toMatch(/\d{5}/);
  });
  it("fails on an invalid entry, naming it masked, and says nothing when allowTo is absent", () => {
    const c = checkAllowTo(withAllowTo({ whatsapp: ["0821234567"] }));
    expect(c).toMatchObject({ status: "fail", summary: expect.stringMatching(/allowTo\.whatsapp\.0: .* is not a valid whatsapp target.*cancels every outbound message/) });
    expect(c!.summary).not.toContain("0821234567");
    expect(checkAllowTo(withAllowTo({ sms: ["x"] }))).toMatchObject({ status: "fail" });
    expect(checkAllowTo({ plugins: { entries: { "openclaw-guard": { enabled: true } } } })).toBeUndefined();
  });
});
