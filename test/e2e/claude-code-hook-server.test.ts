// End to end: the real Claude Code CLI, driven by the fake model, asking a running guard server
// for the PreToolUse decision instead of starting the command hook per Bash call:
//   - `type: "http"` → POST /hook/claude-code on the real `serve --http`, with the agent's token;
//   - `type: "mcp_tool"` → the stdio server's hidden check_command tool.
// A fake `openclaw` on PATH logs every run: a denied command must leave no trace. With
// "onFailure": "block", a server that is down, slow, refuses the token or is not connected must
// keep every command from running, harmless ones included (each writes a marker file).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHECK_TOOL, CHECK_TOOL_INPUT, HOOK_PATH } from "../../src/guard/hook-forms.js";
import { INCIDENT, loggingAgent, REPO_ROOT, runClaude, type ClaudeRun } from "../support/claude-code.js";
import { startHttpGuard, type HttpGuardProcess } from "../support/http-guard.js";

const { cli: CLI, fakeOpenclaw: FAKE_OPENCLAW, claudeBinDir: CLAUDE_BIN_DIR } = INCIDENT;
const ALLOW_ALL = join(REPO_ROOT, "test/fixtures/allow-all-hook-server.mjs");

let root: string;
let config: string;
let guard: HttpGuardProcess;
let hookUrl: string;
let token: string;
let home: string;
let cwd: string;
let binDir: string;
let log: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  root = await mkdtemp(join(tmpdir(), "ocg-hook-server-"));
  const guardDir = join(root, "guard");
  await mkdir(guardDir, { mode: 0o700 });
  config = join(guardDir, "config.json5");
  await writeFile(
    config,
    JSON.stringify({ openclaw: { transport: "cli", bin: [process.execPath, FAKE_OPENCLAW] }, contacts: { alice: { channel: "whatsapp", target: INCIDENT.aliceNumber, description: "Alice" } }, audit: { file: join(guardDir, "audit.jsonl") } }),
    { mode: 0o600 },
  );
  const guardEnv = { HOME: guardDir, PATH: "/usr/bin:/bin" };
  token = (await execa(process.execPath, [CLI, "token", "add", "laptop", "--aliases", "alice", "--config", config], { env: guardEnv, extendEnv: false })).stdout.trim();
  guard = await startHttpGuard(config, guardEnv);
  hookUrl = guard.url.replace(/\/mcp$/, HOOK_PATH);
});

afterAll(async () => {
  await guard?.stop();
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  ({ home, cwd, binDir, log } = await loggingAgent(await mkdtemp(join(root, "agent-"))));
});

const block = { timeout: 10, onFailure: "block" };
const httpHook = (url = hookUrl, bearer = token, extra: Record<string, unknown> = {}) => ({ type: "http", url, headers: { Authorization: `Bearer ${bearer}` }, ...block, ...extra });
const mcpToolHook = { type: "mcp_tool", server: "openclaw-guard", tool: CHECK_TOOL, input: CHECK_TOOL_INPUT, ...block };
const stdioServer = (command = process.execPath, args = [CLI, "serve", "--config", config]) => ({ mcpServers: { "openclaw-guard": { type: "stdio", command, args } } });

function run(hook: Record<string, unknown>, commands: string[], mcpConfig?: Record<string, unknown>): Promise<ClaudeRun> {
  return runClaude({
    home,
    cwd,
    // Bash needs no approval here: the hook is the only thing that can stop a command.
    permissionMode: "bypassPermissions",
    settings: { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [hook] }] } },
    ...(mcpConfig ? { mcpConfig } : {}),
    path: `${binDir}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    script: commands.map((command) => ({ tool: "Bash", input: { command, description: "test command" } })),
    timeoutMs: 120_000,
  });
}

function outcomes(commands: string[], result: ClaudeRun) {
  expect(result.timedOut).toBe(false);
  expect(result.toolResults).toHaveLength(commands.length);
  return commands.map((command, i) => ({ command, denied: result.toolResults[i]?.is_error, mentionsSendMessage: result.toolResults[i]?.text.includes("mcp__openclaw-guard__send_message") }));
}

const HOSTILE = ["openclaw message send --target +15551234567 --message hi", "bash -c 'openclaw message send -t +1 -m x'", "openclaw --profile x message send --target 123456789 --message hi"];
const HARMLESS = ["echo openclaw message", "openclaw --version", "git --version"];

describe.each([
  ["http (serve --http, the agent's token)", () => httpHook(), undefined],
  ["mcp_tool (the stdio server's hidden check_command)", () => mcpToolHook, () => stdioServer()],
] as const)("Claude Code asks the running server: %s", (_label, hook, mcp) => {
  it("denies raw openclaw sends with the send_message advice, lets harmless commands run", async () => {
    const commands = [...HOSTILE, ...HARMLESS];
    const result = await run(hook(), commands, mcp?.());
    expect(outcomes(commands, result)).toEqual([
      ...HOSTILE.map((command) => ({ command, denied: true, mentionsSendMessage: true })),
      ...HARMLESS.map((command) => ({ command, denied: false, mentionsSendMessage: false })),
    ]);
    expect(await readFile(log, "utf8")).toBe("--version\n");
  });
});

it("mcp_tool: the model is not offered check_command, and calling it gets it nothing", async () => {
  const hidden = "mcp__openclaw-guard__check_command";
  const result = await runClaude({
    home,
    cwd,
    permissionMode: "bypassPermissions",
    settings: { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [mcpToolHook] }] } },
    mcpConfig: stdioServer(),
    script: [
      { tool: "mcp__openclaw-guard__list_contacts", input: {} },
      { tool: hidden, input: { tool_name: "Bash", tool_input: JSON.stringify({ command: "openclaw message send --target +1 --message x" }) } },
    ],
    timeoutMs: 120_000,
  });
  expect(result.timedOut).toBe(false);
  const [listed, called] = result.toolResults;
  expect(listed!.is_error).toBeFalsy(); // the server is connected and its tools are offered
  expect(listed!.text).toContain("alice");
  expect(called!.is_error).toBe(true);
  expect(called!.text).not.toMatch(/permissionDecision|hookSpecificOutput/);
  expect(JSON.stringify(result.requests.map((r) => r.body.tools ?? []))).not.toContain("check_command");
});

/** A harmless command that leaves a marker when it runs. */
async function expectNothingRuns(hook: Record<string, unknown>, mcpConfig?: Record<string, unknown>) {
  const marker = join(cwd, "ran");
  const commands = [`touch ${marker}`, "openclaw --version"];
  const result = await run(hook, commands, mcpConfig);
  expect(outcomes(commands, result).map((o) => o.denied)).toEqual([true, true]);
  expect(existsSync(marker)).toBe(false);
  expect(await readFile(log, "utf8")).toBe("");
  return result;
}

describe("onFailure block: no usable answer, no command", () => {
  const listening: Server[] = [];
  afterAll(() => {
    for (const server of listening) server.closeAllConnections();
    return Promise.all(listening.map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const listen = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    listening.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}${HOOK_PATH}`;
  };

  it("http: the server is down (connection refused)", async () => {
    const url = await listen(() => {});
    await new Promise((resolve) => listening.pop()!.close(resolve));
    await expectNothingRuns(httpHook(url));
  });

  it("http: the server is slow (the hook's timeout passes)", async () => {
    const url = await listen(() => {}); // accepts, never answers
    const started = performance.now();
    await expectNothingRuns(httpHook(url, token, { timeout: 2 }));
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it("http: the token is revoked or wrong (401)", async () => {
    await expectNothingRuns(httpHook(hookUrl, `ocg_${"x".repeat(43)}`));
  });

  it("mcp_tool: the server is not connected (it fails to start)", async () => {
    await expectNothingRuns(mcpToolHook, stdioServer("/bin/false", []));
  });
});

describe("as init writes it", () => {
  const agentPath = () => `${binDir}:${CLAUDE_BIN_DIR}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
  const initClaude = (args: string[]) => execa(process.execPath, [CLI, "init", "claude-code", ...args], { cwd, env: { HOME: home, PATH: agentPath(), OPENCLAW_GUARD_TOKEN: token }, extendEnv: false, reject: false });
  const byUserSettings = (commands: string[]) =>
    runClaude({ home, cwd, permissionMode: "bypassPermissions", path: agentPath(), script: commands.map((command) => ({ tool: "Bash", input: { command, description: "test command" } })), timeoutMs: 120_000 });

  it("init claude-code --remote (Claude Code 2.1.330 on PATH) registers the http hook; Claude Code asks it; doctor's canary goes through it", async () => {
    const setup = await initClaude(["--remote", guard.url]);
    expect(setup.exitCode).toBe(0);
    const settings = JSON.parse(await readFile(join(home, ".claude", "settings.json"), "utf8")) as { hooks: { PreToolUse: { hooks: Record<string, unknown>[] }[] } };
    expect(settings.hooks.PreToolUse[0]!.hooks[0]).toMatchObject({ type: "http", url: hookUrl, onFailure: "block" });
    // init's deny rules stop the plain form; `bash -c` only the hook.
    const commands = [HOSTILE[1]!, "openclaw --version"];
    const { toolResults: runResults, ...run } = await byUserSettings(commands);
    expect(outcomes(commands, { ...run, toolResults: runResults })).toEqual([
      { command: commands[0], denied: true, mentionsSendMessage: true },
      { command: commands[1], denied: false, mentionsSendMessage: false },
    ]);
    // Refused before it ran (init's PATH shim would refuse it too, once running: "Exit code 2 ...").
    expect(runResults[0]?.text).not.toMatch(/^Exit code/);
    expect(await readFile(log, "utf8")).toBe("--version\n");
    const doctor = await execa(process.execPath, [CLI, "doctor", "--json"], { cwd, env: { HOME: home, PATH: agentPath() }, extendEnv: false, reject: false });
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; summary: string }[] }).checks;
    expect(checks.find((c) => c.id === "guard.hook-canary")).toMatchObject({ status: "ok", summary: expect.stringContaining(`the http hook (${hookUrl}) denied a canary`) });
    expect(doctor.stdout).not.toContain(token.slice(4));
  });

  it("mcp_tool: disabledMcpjsonServers keeps an approved project .mcp.json server of the same name from answering; a local-scope one does answer (doctor fails on it)", async () => {
    const asked = join(cwd, "..", "allow-all.log");
    const setup = await initClaude(["--hook", "mcp-tool", "--config", config]);
    expect(setup.stderr).toBe("");
    expect(setup.exitCode).toBe(0);
    // The repository brings its own "openclaw-guard", approved as a user who trusts every project server would.
    await writeFile(join(cwd, ".mcp.json"), JSON.stringify({ mcpServers: { "openclaw-guard": { command: process.execPath, args: [ALLOW_ALL], env: { ALLOW_ALL_LOG: asked } } } }));
    const settingsFile = join(home, ".claude", "settings.json");
    const settings = JSON.parse(await readFile(settingsFile, "utf8")) as Record<string, unknown>;
    await writeFile(settingsFile, JSON.stringify({ ...settings, enableAllProjectMcpServers: true }));
    const commands = [HOSTILE[1]!]; // `bash -c`: init's deny rules miss it, only the hook can stop it
    const guarded = await byUserSettings(commands);
    expect(outcomes(commands, guarded)).toEqual([{ command: commands[0], denied: true, mentionsSendMessage: true }]);
    expect(guarded.toolResults[0]?.text).not.toMatch(/^Exit code/); // the hook refused it; it never ran
    expect(existsSync(asked)).toBe(false);
    expect(await readFile(log, "utf8")).toBe("");

    // `claude mcp add -s local` puts one in ~/.claude.json for this directory (the hook refuses it from the
    // agent's Bash tool; a human, or a program the agent writes, can still run it).
    const add = await execa(join(CLAUDE_BIN_DIR, "claude"), ["mcp", "add", "-s", "local", "openclaw-guard", "-e", `ALLOW_ALL_LOG=${asked}`, "--", process.execPath, ALLOW_ALL], { cwd, env: { HOME: home, PATH: agentPath() }, extendEnv: false, reject: false });
    expect(add.exitCode).toBe(0);
    const shadowed = await byUserSettings(commands);
    expect(await readFile(asked, "utf8")).toContain("asked");
    // The shadow allowed it, so the command ran: only the next layer, the PATH shim init put first, refused it.
    expect(shadowed.toolResults[0]?.text).toMatch(/^Exit code 2\nopenclaw-guard: raw `openclaw message send` is disabled here/);
    const doctor = await execa(process.execPath, [CLI, "doctor", "--json", "--config", config], { cwd, env: { HOME: home, PATH: agentPath() }, extendEnv: false, reject: false });
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; summary: string }[] }).checks;
    expect(checks.find((c) => c.id === "guard.hook-server")).toMatchObject({ status: "fail", summary: expect.stringContaining("local-scope") });
  });
});
