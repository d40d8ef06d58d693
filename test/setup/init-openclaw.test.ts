// `openclaw-guard init openclaw`: the plugin entry in openclaw.json, through the real command and file
// I/O against fixture homes; and `--pair`'s report (the pairing itself runs on the real gateway in
// test/e2e/gateway-backstop.test.ts).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, init } from "./init-fixture.js";

const ROOT = "/opt/ocg";
const read = (file: string) => readFileSync(file, "utf8");
const openclawJson = (home: string) => path.join(home, ".openclaw", "openclaw.json");

function writeOpenclaw(home: string, value: unknown) {
  mkdirSync(path.join(home, ".openclaw"), { recursive: true });
  writeFileSync(openclawJson(home), typeof value === "string" ? value : JSON.stringify(value, null, 2), { mode: 0o600 });
}

const EXISTING = {
  gateway: { mode: "local", port: 18789, auth: { mode: "token", token: "secret-token-value" } },
  channels: {
    telegram: { enabled: true, botToken: "1:X", actions: { sendMessage: true, poll: true }, accounts: { work: { botToken: "2:Y" }, home: { botToken: "3:Z", actions: { createForumTopic: true } } } },
  },
  plugins: { load: { paths: ["/srv/other-plugin"] }, entries: { other: { enabled: true }, "openclaw-guard": { enabled: false, config: { alert: { to: "ops", maxPerHour: 3 }, configPath: "/old/config.json5" } } } },
};

describe("init openclaw", () => {
  it("loads and enables the plugin for our address book, turns off the unhooked Telegram actions, keeps the rest, and a re-run changes nothing", async () => {
    const { home, cwd, config } = fixture();
    writeOpenclaw(home, EXISTING);
    const first = await init(home, cwd, ["openclaw"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const json = JSON.parse(read(openclawJson(home)));
    expect(json.gateway).toEqual(EXISTING.gateway);
    expect(json.plugins.load.paths).toEqual(["/srv/other-plugin", ROOT]);
    expect(json.plugins.entries.other).toEqual({ enabled: true });
    // Ours: enabled, pointed at this config; the user's alert setting stays.
    expect(json.plugins.entries["openclaw-guard"]).toEqual({ enabled: true, config: { alert: { to: "ops", maxPerHour: 3 }, configPath: config } });
    const off = { poll: false, createForumTopic: false, editForumTopic: false, sticker: false };
    expect(json.channels.telegram.actions).toEqual({ sendMessage: true, ...off });
    expect(json.channels.telegram.accounts.work).toEqual({ botToken: "2:Y", actions: off });
    expect(json.channels.telegram.accounts.home.actions).toEqual(off);
    expect(first.stdout).toMatch(/~ plugins\.entries\.openclaw-guard: .*\(changed: enabled, config\.configPath; kept: config\.alert\)/);
    expect(first.stdout).toContain("+ plugins.load.paths: /opt/ocg");
    expect(first.stdout).toContain("turned off: poll, createForumTopic, editForumTopic, sticker");
    expect(first.stdout).toMatch(/hot-reloads/);
    expect(first.stdout).toContain("init openclaw --pair");
    expect(first.stdout + first.stderr).not.toContain("secret-token-value");
    expect(readdirSync(path.join(home, ".openclaw")).filter((f) => f.includes(".bak-"))).toHaveLength(1);

    const text = read(openclawJson(home));
    const second = await init(home, cwd, ["openclaw"]);
    expect(second.code).toBe(0);
    expect(second.stdout.split("\nnotes:")[0]).not.toMatch(/^ {2}[+~-] /m);
    expect(read(openclawJson(home))).toBe(text);
  });

  it("turns off WhatsApp reactions (CLI react runs no hook) on the channel and every account, says what stays open, and a re-run changes nothing", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, { channels: { whatsapp: { enabled: true, allowFrom: ["*"], actions: { polls: true }, accounts: { work: {}, home: { actions: { reactions: true } } } } } });
    const first = await init(home, cwd, ["openclaw"]);
    expect(first.code, first.stderr).toBe(0);
    const json = JSON.parse(read(openclawJson(home)));
    expect(json.channels.whatsapp.actions).toEqual({ polls: true, reactions: false });
    expect(json.channels.whatsapp.accounts).toEqual({ work: { actions: { reactions: false } }, home: { actions: { reactions: false } } });
    expect(json.channels.whatsapp.allowFrom).toEqual(["*"]); // inbound policy too: the human's to change, doctor says so
    expect(first.stdout).toContain("~ channels.whatsapp.accounts.home.actions: reactions false (turned off: reactions)");
    expect(first.stdout).toMatch(/On WhatsApp the `poll` RPC, .*upload-file .* reach any chat without any hook/);
    const text = read(openclawJson(home));
    const second = await init(home, cwd, ["openclaw"]);
    expect(second.stdout.split("\nnotes:")[0]).not.toMatch(/^ {2}[+~-] /m);
    expect(read(openclawJson(home))).toBe(text);
  });

  it("creates openclaw.json when there is none, without inventing a Telegram channel", async () => {
    const { home, cwd, config } = fixture();
    const result = await init(home, cwd, ["openclaw"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(read(openclawJson(home)));
    expect(json).toEqual({ plugins: { load: { paths: [ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: config } } } }, tools: { deny: ["plugins", "gateway"] } });
    expect(result.stdout).toContain("channels.telegram not configured");
  });

  it("honours OPENCLAW_CONFIG_PATH", async () => {
    const { home, cwd } = fixture();
    const elsewhere = path.join(home, "oc", "custom.json");
    const result = await init(home, cwd, ["openclaw"], undefined, { env: { HOME: home, OPENCLAW_CONFIG_PATH: elsewhere } });
    expect(result.code).toBe(0);
    expect(JSON.parse(read(elsewhere)).plugins.entries["openclaw-guard"].enabled).toBe(true);
  });

  it("replaces another copy of this plugin in plugins.load.paths (a moved checkout), not other plugins", async () => {
    const { home, cwd } = fixture();
    const old = path.join(home, "old-checkout");
    mkdirSync(old);
    writeFileSync(path.join(old, "openclaw.plugin.json"), JSON.stringify({ id: "openclaw-guard", configSchema: {} }));
    const other = path.join(home, "other");
    mkdirSync(other);
    writeFileSync(path.join(other, "openclaw.plugin.json"), JSON.stringify({ id: "other", configSchema: {} }));
    writeOpenclaw(home, { plugins: { load: { paths: [old, other] } } });
    const result = await init(home, cwd, ["openclaw"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(read(openclawJson(home))).plugins.load.paths).toEqual([other, ROOT]);
    expect(result.stdout).toContain("- 1 stale openclaw-guard entry removed");
  });

  it.each([
    ["a JSON5 file with comments", "{\n  // mine\n  gateway: { port: 1 },\n}\n", /is JSON5, not JSON \(comments, unquoted keys, trailing commas\)/],
    ["a JSON5 file with only unquoted keys", "{\n  gateway: { port: 1 }\n}\n", /is JSON5, not JSON \(unquoted keys\); refusing/],
    ["plugins.deny naming the plugin", JSON.stringify({ plugins: { deny: ["openclaw-guard"] } }), /plugins\.deny lists "openclaw-guard"/],
    ["plugins switched off altogether", JSON.stringify({ plugins: { enabled: false } }), /plugins\.enabled is false/],
    ["accounts that are not an object", JSON.stringify({ channels: { telegram: { accounts: ["a"] } } }), /channels\.telegram\.accounts" is not an object/],
  ])("refuses %s and writes nothing", async (_, text, why) => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, text);
    const result = await init(home, cwd, ["openclaw"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(why);
    expect(result.stderr).toContain("Nothing was written");
    expect(read(openclawJson(home))).toBe(text);
  });

  it("--remove takes out the plugin entry and its load path, and keeps everything else", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, EXISTING);
    await init(home, cwd, ["openclaw"]);
    const removed = await init(home, cwd, ["--remove", "openclaw"]);
    expect(removed.code).toBe(0);
    const json = JSON.parse(read(openclawJson(home)));
    expect(json.plugins.entries).toEqual({ other: { enabled: true } });
    expect(json.plugins.load.paths).toEqual(["/srv/other-plugin"]);
    expect(json.gateway).toEqual(EXISTING.gateway);
    expect(json.channels.telegram.actions.poll).toBe(false); // a safety setting, left as it is
  });

  it("adds the plugin to a plugins.allow list the user keeps", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, { plugins: { allow: ["voice-call"] } });
    await init(home, cwd, ["openclaw"]);
    expect(JSON.parse(read(openclawJson(home))).plugins.allow).toEqual(["voice-call", "openclaw-guard"]);
  });

  it("--dry-run writes nothing; --print shows the entry", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, EXISTING);
    const before = read(openclawJson(home));
    const dry = await init(home, cwd, ["openclaw", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would change");
    expect(read(openclawJson(home))).toBe(before);
    const printed = await init(home, cwd, ["--print", "openclaw"]);
    expect(printed.stdout).toContain('"openclaw-guard": {');
    expect(printed.stdout).toContain(ROOT);
  });
});

describe("init openclaw --pair", () => {
  it("reports a paired device, a pending approval with the exact command, and a failure, never a token", async () => {
    const { home, cwd } = fixture();
    const deviceId = "ab".repeat(32);
    const paired = await init(home, cwd, ["openclaw", "--pair"], undefined, { pair: async () => ({ status: "paired", deviceId, scopes: ["operator.write"], reused: false }) });
    expect(paired.code).toBe(0);
    expect(paired.stdout).toContain("+ paired device abababababab… (scopes operator.write)");
    expect(paired.stdout).toMatch(/Remove the shared token/);
    const pending = await init(home, cwd, ["openclaw", "--pair"], undefined, { pair: async () => ({ status: "pending", deviceId, requestId: "1b4e28ba-2fa1-11d2-883f-0016d3cca427" }) });
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain("openclaw devices approve 1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    const failed = await init(home, cwd, ["openclaw", "--pair"], undefined, { pair: async () => ({ status: "failed", reason: "no gateway token for ws://127.0.0.1:1" }) });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("no gateway token");
  });

  it("is for the openclaw target only", async () => {
    const { home, cwd } = fixture();
    await expect(init(home, cwd, ["codex", "--pair"])).rejects.toThrow(/--pair is for the openclaw target only/);
  });
});
