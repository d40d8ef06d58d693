// Proves the fake-model harness drives the real Claude Code CLI: tools run, hooks deny,
// and the fake model receives the tool results a real model would see.
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runClaude, type PermissionMode } from "./claude-code.js";

const DENY_REASON = "commands containing forbidden are blocked; use the send_message tool instead";

let root: string;
let home: string;
let cwd: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "claude-harness-"));
  home = join(root, "home");
  cwd = join(root, "work");
  await mkdir(home);
  await mkdir(cwd);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A trivial PreToolUse hook: exit 2 (deny, reason on stderr) when the input mentions "forbidden". */
async function writeHook(): Promise<string> {
  const file = join(root, "deny-forbidden.sh");
  await writeFile(file, `#!/bin/sh\nif grep -q forbidden; then echo "${DENY_REASON}" >&2; exit 2; fi\nexit 0\n`);
  await chmod(file, 0o755);
  return file;
}

describe.each<PermissionMode>(["default", "bypassPermissions"])("Claude Code harness (%s mode)", (permissionMode) => {
  // In default mode a headless run denies Bash unless it is allowed up front.
  const allowedTools = permissionMode === "default" ? ["Bash"] : undefined;

  it("runs a scripted Bash call and shows its result to the model", async () => {
    const run = await runClaude({
      home,
      cwd,
      permissionMode,
      allowedTools,
      script: [{ tool: "Bash", input: { command: "echo hello > marker && echo wrote-marker", description: "write marker" } }],
    });
    console.info(`claude run (${permissionMode}, 1 Bash call): ${run.durationMs} ms`);

    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(cwd, "marker"), "utf8")).toBe("hello\n");
    expect(run.toolResults).toEqual([expect.objectContaining({ tool: "Bash", is_error: false, text: expect.stringContaining("wrote-marker") })]);
    expect(run.events.at(-1)).toMatchObject({ type: "result", subtype: "success" });
  });

  it("lets a PreToolUse hook deny a command and shows the reason to the model", async () => {
    const hook = await writeHook();
    const run = await runClaude({
      home,
      cwd,
      permissionMode,
      allowedTools,
      settings: { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: hook, timeout: 10, onFailure: "block" }] }] } },
      script: [
        { tool: "Bash", input: { command: "echo forbidden > marker", description: "try forbidden" } },
        { tool: "Bash", input: { command: "echo allowed > other", description: "harmless" } },
      ],
    });

    expect(run.exitCode).toBe(0);
    expect(existsSync(join(cwd, "marker"))).toBe(false);
    expect(existsSync(join(cwd, "other"))).toBe(true);
    const [denied, allowed] = run.toolResults;
    expect(denied).toMatchObject({ is_error: true, text: expect.stringContaining(DENY_REASON) });
    expect(allowed).toMatchObject({ is_error: false });
  });
});
