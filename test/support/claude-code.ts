// Runs the real Claude Code CLI headless against the scripted fake model, so tests see
// exactly what the permission engine, hooks and MCP client do with each tool call.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { startFakeAnthropic, type RecordedRequest, type ScriptStep, type ToolResult } from "./fake-anthropic.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLAUDE_BIN = join(REPO_ROOT, "node_modules/.bin/claude");

/** The incident scenario both replays use (incident.test.ts locally, remote-clients.test.ts over HTTP). */
export const INCIDENT = {
  cli: join(REPO_ROOT, "dist/cli.js"),
  claudeBinDir: join(REPO_ROOT, "node_modules/.bin"),
  fakeOpenclaw: join(REPO_ROOT, "test/fixtures/fake-openclaw.mjs"),
  sendTool: "mcp__openclaw-guard__send_message",
  inventedNumber: "+15559876543",
  aliceNumber: "+27821234567",
} as const;

/** The agent's environment in those replays: a PATH whose `openclaw` is the fake (logging to `calls`), then Claude Code. */
export function incidentEnv(home: string, binDir: string, calls: string): Record<string, string> {
  return {
    HOME: home,
    PATH: `${binDir}:${INCIDENT.claudeBinDir}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    OPENCLAW_FAKE_LOG: calls,
    OPENCLAW_FAKE_MODE: "ok-core",
  };
}

/**
 * A fresh agent under `root`: its HOME, a working directory, and a bin directory whose fake
 * `openclaw` only appends its arguments to `log` (a denied command must leave the log empty).
 */
export async function loggingAgent(root: string): Promise<{ home: string; cwd: string; binDir: string; log: string }> {
  const agent = { home: join(root, "home"), cwd: join(root, "work"), binDir: join(root, "bin"), log: join(root, "openclaw-calls.log") };
  await Promise.all([mkdir(agent.home), mkdir(agent.cwd), mkdir(agent.binDir)]);
  await writeFile(agent.log, "");
  await writeFile(join(agent.binDir, "openclaw"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${agent.log}'\necho 'OpenClaw 2026.9.6 (fake)'\n`);
  await chmod(join(agent.binDir, "openclaw"), 0o755);
  return agent;
}

export type PermissionMode = "default" | "acceptEdits" | "bypassPermissions" | "plan";

export interface RunClaudeOptions {
  /** Isolated HOME (Claude Code writes ~/.claude.json and ~/.claude/ there). */
  home: string;
  cwd: string;
  /** Settings JSON, written to a file under `home` and passed with --settings. */
  settings?: Record<string, unknown>;
  /** MCP config JSON, passed with --mcp-config --strict-mcp-config. */
  mcpConfig?: Record<string, unknown>;
  allowedTools?: string[];
  permissionMode?: PermissionMode;
  script: ScriptStep[];
  /** PATH for Claude Code and everything it spawns. */
  path?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface StreamEvent {
  type: string;
  subtype?: string;
  [key: string]: unknown;
}

export interface ClaudeRun {
  exitCode: number | undefined;
  timedOut: boolean;
  events: StreamEvent[];
  /** Tool results the fake model was shown. */
  toolResults: ToolResult[];
  requests: RecordedRequest[];
  stderr: string;
  durationMs: number;
}

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

export async function runClaude(options: RunClaudeOptions): Promise<ClaudeRun> {
  const model = await startFakeAnthropic(options.script);
  try {
    const args = ["-p", "go", "--output-format", "stream-json", "--verbose"];
    if (options.settings) {
      const file = join(options.home, "test-settings.json");
      await writeFile(file, JSON.stringify(options.settings));
      args.push("--settings", file);
    }
    if (options.mcpConfig) {
      const file = join(options.home, "test-mcp.json");
      await writeFile(file, JSON.stringify(options.mcpConfig));
      args.push("--mcp-config", file, "--strict-mcp-config");
    }
    if (options.allowedTools?.length) args.push("--allowedTools", ...options.allowedTools);
    if (options.permissionMode) args.push("--permission-mode", options.permissionMode);

    const started = performance.now();
    const result = await execa(CLAUDE_BIN, args, {
      cwd: options.cwd,
      extendEnv: false,
      env: {
        PATH: options.path ?? DEFAULT_PATH,
        HOME: options.home,
        ANTHROPIC_BASE_URL: model.url,
        ANTHROPIC_API_KEY: "dummy",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_AUTOUPDATER: "1",
        // Claude Code refuses bypassPermissions as root unless it is told it runs in a sandbox.
        IS_SANDBOX: "1",
        ...options.env,
      },
      stdin: "ignore",
      reject: false,
      timeout: options.timeoutMs ?? 60_000,
      forceKillAfterDelay: 2_000,
    });
    return {
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      events: parseStreamJson(result.stdout),
      toolResults: model.toolResults(),
      requests: model.requests,
      stderr: result.stderr,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await model.close();
  }
}

function parseStreamJson(stdout: string): StreamEvent[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as StreamEvent);
}
