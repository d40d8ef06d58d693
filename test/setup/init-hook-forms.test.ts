// `init claude-code --hook command|http|mcp-tool` and the default it picks: the http hook with
// --remote on a Claude Code that runs it (>= 2.1.330), the command hook otherwise; mcp-tool only
// when asked. Every form fails closed, re-running changes nothing, switching leaves one copy.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { init as runFixtureInit } from "./init-fixture.js";
import { hookUrl } from "../../src/setup/clients/claude-hooks.js";
import { isOurHookHandler } from "../../src/setup/clients/hook-groups.js";
import { mintToken } from "../../src/tokens/tokens.js";
import { privateDir } from "../helpers.js";

const URL_ = "http://127.0.0.1:8787/mcp";
const token = mintToken().token;

async function init(home: string, args: string[], claude: string | null = "2.1.330 (Claude Code)") {
  const cwd = path.join(home, "project");
  mkdirSync(cwd, { recursive: true });
  return runFixtureInit(home, cwd, args, claude, { env: { HOME: home, OPENCLAW_GUARD_TOKEN: token } }).catch((error: Error) => ({ code: 2, stdout: "", stderr: error.message }));
}

type Handler = Record<string, unknown>;
const settingsOf = (home: string) => JSON.parse(readFileSync(path.join(home, ".claude", "settings.json"), "utf8")) as { hooks: { PreToolUse: { matcher: string; hooks: Handler[] }[] }; disabledMcpjsonServers?: string[] };
const handlers = (home: string) => settingsOf(home).hooks.PreToolUse.map((g) => [g.matcher, g.hooks.map((h) => h.type)]);

describe("init claude-code: the hook form", () => {
  it("--remote on Claude Code 2.1.330: an http hook to /hook/claude-code with the token and the agent's home, fail closed, file 0600", async () => {
    const home = privateDir();
    const r = await init(home, ["claude-code", "--remote", URL_]);
    expect(r.code).toBe(0);
    const [bash, edits] = settingsOf(home).hooks.PreToolUse;
    expect(bash).toEqual({ matcher: "Bash", hooks: [{ type: "http", url: "http://127.0.0.1:8787/hook/claude-code", headers: { Authorization: `Bearer ${token}`, "X-OpenClaw-Guard-Home": home }, timeout: 10, onFailure: "block" }] });
    expect(edits!.hooks).toEqual(bash!.hooks);
    expect(statSync(path.join(home, ".claude", "settings.json")).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain(token.slice(4));
    expect(r.stdout).toMatch(/The hook asks the guard's HTTP service .*blocks every Bash, Write and Edit call/);
    expect((await init(home, ["claude-code", "--remote", URL_])).stdout).toMatch(/settings\.json \(unchanged\)/);
    expect((await init(home, ["--remove", "claude-code"])).code).toBe(0);
    expect(() => statSync(path.join(home, ".claude", "settings.json"))).toThrow(/ENOENT/);
  });

  it.each([
    ["2.1.329 (Claude Code)", "an older Claude Code"],
    [null, "no claude on PATH"],
    ["weird", "an unreadable version"],
  ])("--remote with %j (%s): the command hook", async (claude, _why) => {
    const home = privateDir();
    expect((await init(home, ["claude-code", "--remote", URL_], claude)).code).toBe(0);
    expect(handlers(home)).toEqual([["Bash", ["command"]], ["Write|Edit|MultiEdit|NotebookEdit", ["command"]]]);
  });

  it("without --remote: the command hook, whatever the version", async () => {
    const home = privateDir();
    await init(home, ["claude-code"]);
    expect(handlers(home)).toEqual([["Bash", ["command"]], ["Write|Edit|MultiEdit|NotebookEdit", ["command"]]]);
  });

  it("--hook mcp-tool: the stdio server's check_command with the payload's fields, disabledMcpjsonServers; --remove takes both out", async () => {
    const home = privateDir();
    const r = await init(home, ["claude-code", "--hook", "mcp-tool"]);
    expect(r.code).toBe(0);
    const settings = settingsOf(home);
    expect(settings.hooks.PreToolUse[0]!.hooks).toEqual([
      { type: "mcp_tool", server: "openclaw-guard", tool: "check_command", input: { hook_event_name: "${hook_event_name}", tool_name: "${tool_name}", cwd: "${cwd}", tool_input: "${tool_input}" }, timeout: 10, onFailure: "block" },
    ]);
    expect(settings.disabledMcpjsonServers).toEqual(["openclaw-guard"]);
    expect(r.stdout).toMatch(/claude mcp add -s local/);
    expect((await init(home, ["--remove", "claude-code"])).code).toBe(0);
    // Nothing but what init wrote was in it: the file goes.
    expect(() => statSync(path.join(home, ".claude", "settings.json"))).toThrow(/ENOENT/);
  });

  it("switching forms replaces our handlers and keeps the user's own hooks", async () => {
    const home = privateDir();
    mkdirSync(path.join(home, ".claude"));
    const theirs = { matcher: "Bash", hooks: [{ type: "http", url: "http://127.0.0.1:9999/audit" }] };
    writeFileSync(path.join(home, ".claude", "settings.json"), JSON.stringify({ hooks: { PreToolUse: [theirs] } }));
    for (const args of [["claude-code", "--remote", URL_], ["claude-code", "--hook", "mcp-tool"], ["claude-code", "--remote", URL_, "--hook", "command"]]) {
      expect((await init(home, args)).code).toBe(0);
    }
    expect(settingsOf(home).hooks.PreToolUse).toEqual([theirs, { matcher: "Bash", hooks: [expect.objectContaining({ type: "command" })] }, { matcher: "Write|Edit|MultiEdit|NotebookEdit", hooks: [expect.objectContaining({ type: "command" })] }]);
  });

  it.each([
    [["claude-code", "--hook", "http"], /--hook http asks the guard's HTTP service: give --remote URL/],
    [["claude-code", "--remote", URL_, "--hook", "mcp-tool"], /--hook mcp-tool asks the local stdio server/],
    [["claude-code", "--hook", "socket"], /--hook must be command, http, mcp-tool/],
    [["codex", "--hook", "http"], /--hook is for claude-code only/],
  ])("refuses %j", async (args, why) => {
    const home = privateDir();
    const r = await init(home, args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(why);
  });

  it("refuses --hook http or mcp-tool on a Claude Code older than 2.1.330, writing nothing", async () => {
    const home = privateDir();
    const r = await init(home, ["claude-code", "--remote", URL_, "--hook", "http"], "2.1.300 (Claude Code)");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--hook http needs Claude Code >= 2\.1\.330.*Nothing was written/s);
    expect(() => statSync(path.join(home, ".claude", "settings.json"))).toThrow();
  });
});

describe("hook URL and recognition", () => {
  it("puts /hook/claude-code where /mcp was, under any prefix", () => {
    expect(hookUrl("http://127.0.0.1:8787/mcp")).toBe("http://127.0.0.1:8787/hook/claude-code");
    expect(hookUrl("https://guard.example.net/ocg/mcp/")).toBe("https://guard.example.net/ocg/hook/claude-code");
  });

  it("knows our three forms and nobody else's handlers", () => {
    expect(isOurHookHandler({ type: "http", url: "http://127.0.0.1:1/hook/claude-code" })).toBe(true);
    expect(isOurHookHandler({ type: "mcp_tool", server: "openclaw-guard", tool: "check_command" })).toBe(true);
    expect(isOurHookHandler({ type: "command", command: "node /x/dist/cli.js hook claude-code" })).toBe(true);
    expect(isOurHookHandler({ type: "http", url: "http://127.0.0.1:1/audit" })).toBe(false);
    expect(isOurHookHandler({ type: "http", url: "not a url" })).toBe(false);
    expect(isOurHookHandler({ type: "mcp_tool", server: "other", tool: "check_command" })).toBe(false);
  });
});
