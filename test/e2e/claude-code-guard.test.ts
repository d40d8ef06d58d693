// End to end: the real Claude Code CLI, driven by the fake model, with the real
// `openclaw-guard hook claude-code` as its PreToolUse hook and a fake `openclaw` on PATH
// that logs every invocation. Hostile commands must never reach the fake binary.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loggingAgent, REPO_ROOT, runClaude, type ClaudeRun, type PermissionMode } from "../support/claude-code.js";

const CLI = join(REPO_ROOT, "dist/cli.js");

let root: string;
let home: string;
let cwd: string;
let binDir: string;
let log: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "claude-guard-e2e-"));
  ({ home, cwd, binDir, log } = await loggingAgent(root));
  await writeFile(join(cwd, "NOTES.md"), "Agents must never call openclaw message send directly.\n");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function run(permissionMode: PermissionMode, commands: string[]): Promise<ClaudeRun> {
  const hook = `'${process.execPath}' '${CLI}' hook claude-code`;
  return runClaude({
    home,
    cwd,
    permissionMode,
    // Allow Bash up front in default mode, so the hook is the only thing that can deny.
    allowedTools: permissionMode === "default" ? ["Bash"] : undefined,
    settings: { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: hook, timeout: 10, onFailure: "block" }] }] } },
    path: `${binDir}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    env: { XDG_CONFIG_HOME: join(home, ".config") },
    script: commands.map((command) => ({ tool: "Bash", input: { command, description: "test command" } })),
    timeoutMs: 120_000,
  });
}

/** One row per command, so a failure names the command it is about. */
function outcomes(commands: string[], result: ClaudeRun) {
  expect(result.timedOut).toBe(false);
  expect(result.toolResults).toHaveLength(commands.length);
  return commands.map((command, i) => {
    const r = result.toolResults[i];
    return { command, denied: r?.is_error, mentionsSendMessage: r?.text.includes("send_message") };
  });
}

describe.each<PermissionMode>(["default", "bypassPermissions"])("guard hook in Claude Code (%s mode)", (mode) => {
  it("denies raw openclaw sends and tells the model to use send_message", async () => {
    const hostile = [
      "openclaw message send --target +15551234567 --message hi",
      "bash -c 'openclaw message send -t +1 -m x'",
      `${binDir}/openclaw message send --target 123456789 --message hi`,
      "openclaw --profile x message send --target 123456789 --message hi",
    ];
    const result = await run(mode, hostile);

    expect(outcomes(hostile, result)).toEqual(hostile.map((command) => ({ command, denied: true, mentionsSendMessage: true })));
    expect(await readFile(log, "utf8")).toBe("");
  });

  it("lets harmless commands that mention openclaw run", async () => {
    const harmless = ["echo openclaw message", "openclaw --version", 'grep -rn "openclaw message" .'];
    const result = await run(mode, harmless);

    expect(outcomes(harmless, result)).toEqual(harmless.map((command) => ({ command, denied: false, mentionsSendMessage: false })));
    expect(await readFile(log, "utf8")).toBe("--version\n");
  });
});
