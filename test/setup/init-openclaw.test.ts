// `openclaw-guard init openclaw`: the plugin entry in openclaw.json, through the real command and file
// I/O against fixture homes; and `--pair`'s report (the pairing itself runs on the real gateway in
// test/e2e/gateway-backstop.test.ts).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import { configCommands, configPath } from "../../src/setup/clients/openclaw.js";
import { valueChanges } from "../../src/setup/init-plan.js";
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
    expect(json).toEqual({ plugins: { load: { paths: [ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: config } } } }, tools: { deny: ["plugins", "gateway", "openclaw"] } });
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
    ["a JSON5 file with comments, when no openclaw CLI is on PATH", "{\n  // mine\n  gateway: { port: 1 },\n}\n", /openclaw\.json is JSON5 \(comments, unquoted keys, trailing commas\).*`openclaw config set`.*no `openclaw` CLI is on PATH/],
    ["a JSON5 file with only unquoted keys, when no openclaw CLI is on PATH", "{\n  gateway: { port: 1 }\n}\n", /openclaw\.json is JSON5 \(unquoted keys\), which a JSON rewrite would lose.*no `openclaw` CLI is on PATH/],
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

const JSON5_FILE = `// my gateway (hand-edited)
{
  gateway: { mode: "local", port: 18789 }, // the port
  tools: { deny: ["plugins"] },
  /* channels */
  channels: { telegram: { botToken: "1:X", actions: { poll: true } } },
  plugins: { entries: { other: { enabled: true, }, }, },
}
`;

/** A stand-in for `openclaw config` in unit tests: applies set/unset as OpenClaw does (the real CLI runs in test/e2e/init-json5.test.ts). */
function fakeOpenclaw(calls: string[][]) {
  return async (_bin: string, args: readonly string[], env: NodeJS.ProcessEnv) => {
    calls.push([...args]);
    const file = env.OPENCLAW_CONFIG_PATH!;
    const value = JSON5.parse(read(file)) as Record<string, unknown>;
    const walk = (keys: string[], create: boolean) => {
      let node = value;
      for (const key of keys.slice(0, -1)) node = (node[key] ??= create ? {} : undefined) as Record<string, unknown>;
      return node;
    };
    const keysOf = (at: string) => [...at.matchAll(/([^.[\]"]+)|\["((?:[^"\\]|\\.)*)"\]/g)].map((m) => m[1] ?? JSON.parse(`"${m[2]}"`));
    if (args[1] === "unset") delete walk(keysOf(args[2]!), false)[keysOf(args[2]!).at(-1)!];
    else for (const op of JSON.parse(args[3]!) as { path: string; value: unknown }[]) walk(keysOf(op.path), true)[keysOf(op.path).at(-1)!] = op.value;
    writeFileSync(file, JSON.stringify(value, null, 2));
    return { exitCode: 0, output: "Updated." };
  };
}

describe("init openclaw on a JSON5 openclaw.json (comments, unquoted keys)", () => {
  it("changes it through `openclaw config set` in one batch, says first what is lost and where the backup is, and a re-run changes nothing", async () => {
    const { home, cwd, config } = fixture();
    writeOpenclaw(home, JSON5_FILE);
    const calls: string[][] = [];
    const deps = { findOpenclaw: () => "/usr/bin/openclaw", runOpenclaw: fakeOpenclaw(calls) };
    const first = await init(home, cwd, ["openclaw"], undefined, deps);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.slice(0, 3)).toEqual(["config", "set", "--batch-json"]);
    expect(JSON.parse(calls[0]![3]!)).toEqual([
      { path: "tools.deny", value: ["plugins", "gateway", "openclaw"] },
      ...["poll", "createForumTopic", "editForumTopic", "sticker"].map((action) => ({ path: `channels.telegram.actions.${action}`, value: false })),
      { path: "plugins.entries.openclaw-guard", value: { enabled: true, config: { configPath: config } } },
      { path: "plugins.load", value: { paths: [ROOT] } },
    ]);
    expect(first.stdout).toMatch(/~\/\.openclaw\/openclaw\.json is JSON5 \(comments, unquoted keys, trailing commas\).*`openclaw config`.*Its comments, unquoted keys, trailing commas and its layout are lost.*Backup first: ~\/\.openclaw\/openclaw\.json\.bak-<time>/);
    expect(first.stdout).toMatch(/\(changed by openclaw config set, backup: ~\/\.openclaw\/openclaw\.json\.bak-20261122T100000000Z\)/);
    expect(read(`${openclawJson(home)}.bak-20261122T100000000Z`)).toBe(JSON5_FILE);
    const text = read(openclawJson(home));
    const second = await init(home, cwd, ["openclaw"], undefined, deps);
    expect(second.code).toBe(0);
    expect(calls).toHaveLength(1); // now plain JSON with nothing to change: no command, no write
    expect(read(openclawJson(home))).toBe(text);
  });

  it("--dry-run lists the exact commands and runs none", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, JSON5_FILE);
    const calls: string[][] = [];
    const dry = await init(home, cwd, ["openclaw", "--dry-run"], undefined, { findOpenclaw: () => "/usr/bin/openclaw", runOpenclaw: fakeOpenclaw(calls) });
    expect(dry.code, dry.stderr).toBe(0);
    expect(calls).toEqual([]);
    expect(dry.stdout).toMatch(/the commands init runs \(OPENCLAW_CONFIG_PATH=.*openclaw\.json\):\n {2}openclaw config set --batch-json '\[\{"path":/);
    expect(dry.stdout).toContain("would change");
    expect(read(openclawJson(home))).toBe(JSON5_FILE);
  });

  it("--remove on a JSON5 file takes out only what init added, through `openclaw config unset` and `config set`", async () => {
    const { home, cwd, config } = fixture();
    const installed = JSON5_FILE.replace("actions: { poll: true }", "actions: { poll: false, createForumTopic: false, editForumTopic: false, sticker: false }").replace("tools: { deny: [\"plugins\"] },", `tools: { deny: ["plugins", "gateway", "openclaw"] },\n  plugins: { load: { paths: ["/srv/x", "${ROOT}"] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: "${config}" } } } },`).replace("  plugins: { entries: { other: { enabled: true, }, }, },\n", "");
    writeOpenclaw(home, installed);
    const calls: string[][] = [];
    const removed = await init(home, cwd, ["--remove", "openclaw"], undefined, { findOpenclaw: () => "/usr/bin/openclaw", runOpenclaw: fakeOpenclaw(calls) });
    expect(removed.code, removed.stderr).toBe(0);
    expect(calls).toEqual([
      ["config", "unset", "tools"],
      ["config", "unset", "plugins.entries"],
      ["config", "set", "--batch-json", JSON.stringify([{ path: "plugins.load.paths", value: ["/srv/x"] }])],
    ]);
    const json = JSON.parse(read(openclawJson(home)));
    expect(json.plugins).toEqual({ load: { paths: ["/srv/x"] } });
    expect(json.gateway).toEqual({ mode: "local", port: 18789 });
    expect(removed.stdout).toContain("changed by openclaw config");
  });

  it("reports a failing `openclaw config set` with its output and the backup, and exits 1", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, JSON5_FILE);
    const result = await init(home, cwd, ["openclaw"], undefined, { findOpenclaw: () => "/usr/bin/openclaw", runOpenclaw: async () => ({ exitCode: 1, output: "Error: Config validation failed: plugins.entries.openclaw-guard: plugin not found" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/`openclaw config set` failed on ~\/\.openclaw\/openclaw\.json \(exit 1\): Error: Config validation failed.*\nIt was not changed; the backup is ~\/\.openclaw\/openclaw\.json\.bak-/);
    expect(read(openclawJson(home))).toBe(JSON5_FILE);
  });

  it("says so when the writer left the file different from what init writes", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, JSON5_FILE);
    const result = await init(home, cwd, ["openclaw"], undefined, { findOpenclaw: () => "/usr/bin/openclaw", runOpenclaw: async () => ({ exitCode: 0, output: "" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/still differs from what init writes/);
  });

  it("spells config paths the way OpenClaw parses them, and turns a value change into unsets and one batch", () => {
    expect(configPath(["plugins", "entries", "openclaw-guard"])).toBe("plugins.entries.openclaw-guard");
    expect(configPath(["channels", "telegram", "accounts", "my.bot", "actions"])).toBe('channels.telegram.accounts["my.bot"].actions');
    expect(configPath(["a", '"q"]'])).toBe('a["\\"q\\"]"]');
    expect(configCommands(valueChanges({ a: { b: 1, c: [1] }, d: 2 }, { a: { b: 1, c: [1, 2] }, e: { f: true } }))).toEqual([
      ["config", "unset", "d"],
      ["config", "set", "--batch-json", JSON.stringify([{ path: "a.c", value: [1, 2] }, { path: "e", value: { f: true } }])],
    ]);
    expect(configCommands([])).toEqual([]);
  });
});

describe("init --remove keeps what the user had before init (init-state.json)", () => {
  it("a tools.deny and plugins.allow entry the user wrote before init stay after --remove; the ones init added go", async () => {
    const { home, cwd, config } = fixture();
    writeOpenclaw(home, { tools: { deny: ["plugins", "exec"] }, plugins: { allow: ["voice-call"] } });
    const first = await init(home, cwd, ["openclaw"]);
    expect(first.code, first.stderr).toBe(0);
    const state = JSON.parse(read(path.join(path.dirname(config), "init-state.json")));
    expect(state.preexisting).toEqual({ [openclawJson(home)]: ["tools.deny: plugins"] });
    await init(home, cwd, ["openclaw"]); // a re-run (everything present now) records nothing new
    expect(JSON.parse(read(path.join(path.dirname(config), "init-state.json")))).toEqual(state);
    const removed = await init(home, cwd, ["--remove", "openclaw"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(read(openclawJson(home)))).toEqual({ tools: { deny: ["plugins", "exec"] }, plugins: { allow: ["voice-call"] } });
    expect(removed.stdout).toContain("- tools.deny: gateway");
    expect(removed.stdout).toContain("= tools.deny: plugins (there before init: kept)");
    expect(JSON.parse(read(path.join(path.dirname(config), "init-state.json"))).preexisting).toEqual({});
  });

  it("without a record (an install made before init kept one), --remove takes out every entry init writes, as before", async () => {
    const { home, cwd } = fixture();
    writeOpenclaw(home, { tools: { deny: ["plugins", "gateway", "openclaw", "exec"] }, plugins: { entries: { "openclaw-guard": { enabled: true } } } });
    const removed = await init(home, cwd, ["--remove", "openclaw"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(read(openclawJson(home))).tools).toEqual({ deny: ["exec"] });
  });

  it("an install over an older one records nothing (the entries present may be init's own)", async () => {
    const { home, cwd, config } = fixture();
    writeOpenclaw(home, { tools: { deny: ["plugins", "gateway", "openclaw"] }, plugins: { entries: { "openclaw-guard": { enabled: true } } } });
    await init(home, cwd, ["openclaw"]);
    expect(() => read(path.join(path.dirname(config), "init-state.json"))).toThrow(/ENOENT/);
  });
});
