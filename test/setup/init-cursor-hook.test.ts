// The Cursor beforeShellExecution adapter: same decisions as the Claude Code hook, Cursor's answer
// format, and it fails closed. The last test runs the built script as Cursor would.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { CLI, privateDir } from "../helpers.js";
import { answerCursorHook } from "../../src/setup/clients/cursor-hook.js";

const args = (dir: string) => ["--config", path.join(dir, "none.json5")];

describe("cursor-hook", () => {
  it("allows ordinary commands", async () => {
    const dir = privateDir();
    const answer = await answerCursorHook(JSON.stringify({ command: "ls -la", cwd: dir }), args(dir), {}, dir);
    expect(answer).toEqual({ stdout: '{"permission":"allow"}\n', stderr: "", exitCode: 0 });
  });

  it.each(["openclaw message send --target +15551234567 --message hi", "bash -lc 'openclaw message send -t +1 -m x'"])("denies %s and points to send_message", async (command) => {
    const dir = privateDir();
    const answer = await answerCursorHook(JSON.stringify({ command, cwd: dir }), args(dir), {}, dir);
    expect(answer.exitCode).toBe(2);
    const out = JSON.parse(answer.stdout);
    expect(out.permission).toBe("deny");
    expect(out.agent_message).toContain("send_message");
    expect(answer.stderr).toContain("send_message");
  });

  it.each(["not json", "{}", '{"command": 3}'])("fails closed on %j", async (raw) => {
    const dir = privateDir();
    const answer = await answerCursorHook(raw, args(dir), {}, dir);
    expect(answer.exitCode).toBe(2);
    expect(JSON.parse(answer.stdout).permission).toBe("deny");
  });

  it("runs as `openclaw-guard hook cursor` from dist/ (npm run build first), naming the server's tool", async () => {
    const dir = privateDir();
    const hook = [CLI, "hook", "cursor", ...args(dir)];
    writeFileSync(path.join(dir, "x"), "");
    const deny = await execa(process.execPath, hook, { input: JSON.stringify({ command: "openclaw message send -t +1 -m x", cwd: dir }), reject: false });
    expect(deny.exitCode).toBe(2);
    expect(JSON.parse(deny.stdout)).toMatchObject({ permission: "deny", agent_message: expect.stringContaining("Use the `send_message` (openclaw-guard MCP server) tool") });
    // A Claude-style payload has no top-level command: Cursor's adapter refuses it rather than allow.
    const wrongShape = await execa(process.execPath, hook, { input: JSON.stringify({ tool_input: { command: "ls" } }), reject: false });
    expect(wrongShape.exitCode).toBe(2);
    const allow = await execa(process.execPath, hook, { input: JSON.stringify({ command: "echo hi", cwd: dir }), reject: false });
    expect(allow.exitCode).toBe(0);
    expect(JSON.parse(allow.stdout)).toEqual({ permission: "allow" });
  });
});
