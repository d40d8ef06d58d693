// `openclaw-guard init <client> --remote URL`: the HTTP server with the agent's token in the
// client's own header setting, the local guard rail still installed, and switching back and forth
// between a local stdio server and the remote one leaving no keys of the other kind.
import { mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { init as runFixtureInit } from "./init-fixture.js";
import { mintToken } from "../../src/tokens/tokens.js";
import { privateDir } from "../helpers.js";

const URL_ = "https://guard.example.net:8787/mcp";

/** Through the shared fixture's entry point; a usage error becomes exit 2 with its message. */
async function init(home: string, args: string[], token?: string) {
  const cwd = path.join(home, "project");
  mkdirSync(cwd, { recursive: true });
  return runFixtureInit(home, cwd, args, "2.1.330 (Claude Code)", { env: { HOME: home, ...(token ? { OPENCLAW_GUARD_TOKEN: token } : {}) } }).catch((error: Error) => ({ code: 2, stdout: "", stderr: error.message }));
}

const json = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, any>;

describe("init <client> --remote", () => {
  const token = mintToken().token;

  it("claude-code: type http with the Authorization header in ~/.claude.json (0600), the hook still in settings; the token never printed", async () => {
    const home = privateDir();
    const r = await init(home, ["claude-code", "--remote", URL_], token);
    expect(r.code).toBe(0);
    const file = path.join(home, ".claude.json");
    expect(json(file).mcpServers["openclaw-guard"]).toEqual({ type: "http", url: URL_, headers: { Authorization: `Bearer ${token}` } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(json(path.join(home, ".claude", "settings.json")).hooks.PreToolUse.length).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toContain(token.slice(4));
    expect(r.stdout).toContain("Bearer <agent token>");
    expect((await init(home, ["claude-code", "--remote", URL_], token)).stdout).toMatch(/\.claude\.json \(unchanged\)/);
  });

  it("claude-code: switching from the local stdio server to --remote and back leaves no keys of the other kind", async () => {
    const home = privateDir();
    await init(home, ["claude-code"]);
    expect(json(path.join(home, ".claude.json")).mcpServers["openclaw-guard"]).toMatchObject({ type: "stdio", command: "/opt/node/bin/node" });
    const r = await init(home, ["claude-code", "--remote", URL_], token);
    expect(r.stdout).toMatch(/changed: type, url, headers, -command, -args, -env/);
    expect(json(path.join(home, ".claude.json")).mcpServers["openclaw-guard"]).toEqual({ type: "http", url: URL_, headers: { Authorization: `Bearer ${token}` } });
    await init(home, ["claude-code"]);
    expect(Object.keys(json(path.join(home, ".claude.json")).mcpServers["openclaw-guard"]).sort()).toEqual(["args", "command", "env", "type"]);
  });

  it("gemini: url, type http and headers (what `gemini mcp add -t http -H` writes), the hook and policy still installed", async () => {
    const home = privateDir();
    await init(home, ["gemini"]);
    expect((await init(home, ["gemini", "--remote", URL_], token)).code).toBe(0);
    const settings = json(path.join(home, ".gemini", "settings.json"));
    expect(settings.mcpServers["openclaw-guard"]).toEqual({ type: "http", url: URL_, headers: { Authorization: `Bearer ${token}` } });
    expect(settings.hooks.BeforeTool.length).toBeGreaterThan(0);
  });

  it("codex: url and http_headers in [mcp_servers.openclaw-guard], command and args removed", async () => {
    const home = privateDir();
    await init(home, ["codex"]);
    expect((await init(home, ["codex", "--remote", URL_], token)).code).toBe(0);
    const toml = readFileSync(path.join(home, ".codex", "config.toml"), "utf8");
    expect(toml).toMatch(/^allow_login_shell = false # openclaw-guard: .*\n\[mcp_servers\.openclaw-guard\]\n/);
    expect(toml).toContain(`[mcp_servers.openclaw-guard]\nurl = "${URL_}"\nhttp_headers = { Authorization = "Bearer ${token}" }\n\n[shell_environment_policy.set]\n`);
    expect(readFileSync(path.join(home, ".codex", "hooks.json"), "utf8")).toContain("hook-main.cjs hook codex");
    await init(home, ["codex"]);
    expect(readFileSync(path.join(home, ".codex", "config.toml"), "utf8")).not.toMatch(/url|http_headers/);
  });

  it.each([
    [["cursor", "--remote", URL_], /not for cursor/],
    [["claude-code", "--scope", "project", "--remote", URL_], /into the repository/],
    [["claude-code", "--remote", "http://192.168.1.9:8787/mcp"], /https:\/\//],
    [["claude-code", "--remote", "http://127.0.0.1.evil.example:8787/mcp"], /https:\/\//],
    [["claude-code", "--remote", "https://user:pw@guard.example.net/mcp"], /no credentials in the URL/],
    [["claude-code", "--remote", "not a url"], /not a URL/],
  ])("refuses %j", async (args, why) => {
    const home = privateDir();
    const r = await init(home, args, token);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(why);
  });

  it("refuses without a well-formed token in $OPENCLAW_GUARD_TOKEN, and allows plain http to loopback", async () => {
    expect((await init(privateDir(), ["claude-code", "--remote", URL_])).stderr).toMatch(/set OPENCLAW_GUARD_TOKEN/);
    expect((await init(privateDir(), ["claude-code", "--remote", URL_], "hunter2")).stderr).toMatch(/set OPENCLAW_GUARD_TOKEN/);
    expect((await init(privateDir(), ["claude-code", "--remote", "http://127.0.0.1:8787/mcp"], token)).code).toBe(0);
  });

  it("--print shows a placeholder, never a token", async () => {
    const r = await init(privateDir(), ["--print", "claude-code", "--remote", URL_]);
    expect(r.stdout).toContain('"Authorization": "Bearer <token from openclaw-guard token add>"');
  });
});

describe("init --remote: the token's file", () => {
  it("warns when a file that now holds the token is readable by others", async () => {
    const { chmodSync, writeFileSync } = await import("node:fs");
    const home = privateDir();
    mkdirSync(path.join(home, ".codex"));
    writeFileSync(path.join(home, ".codex", "config.toml"), "# mine\n");
    chmodSync(path.join(home, ".codex", "config.toml"), 0o644);
    const r = await init(home, ["codex", "--remote", URL_], mintToken().token);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/config\.toml is readable by other users \(mode 644\) and now holds the agent token: chmod 600/);
    expect(r.stderr).not.toMatch(/does not exist yet/);
  });
});
