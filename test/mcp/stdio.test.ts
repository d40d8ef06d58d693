// The built server over real stdio: the SDK's client, the MCP Inspector CLI, and raw stdout hygiene.
import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { BOOK, CLI, privateDir, REPO_ROOT, writeConfig } from "../helpers.js";

const run = promisify(execFile);
const INSPECTOR = join(REPO_ROOT, "node_modules", ".bin", "mcp-inspector");

function setup(text = BOOK) {
  const home = privateDir();
  const config = writeConfig(home, text.replace("openclaw:", `audit: { file: "${join(home, "audit.jsonl")}" }, openclaw:`));
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
  const auditLines = () => readFileSync(join(home, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  return { home, config, env, auditLines };
}

describe("dist/cli.js serve over stdio", () => {
  it("serves the SDK's own stdio client", async () => {
    const { config, env, auditLines } = setup();
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "pipe" });
    const client = new Client({ name: "stdio-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["send_message", "list_contacts"]);
      const sent = await client.callTool({ name: "send_message", arguments: { to: "ops", message: "deploy done" } });
      expect(sent.structuredContent).toMatchObject({ status: "sent", to: "ops", channel: "telegram", dryRun: true });
      const refused = await client.callTool({ name: "send_message", arguments: { to: "tel:+27821234567", message: "x" } });
      expect(refused.isError).toBe(true);
    } finally {
      await client.close();
    }
    expect(auditLines().map((r) => [r.event, r.status ?? r.decision])).toEqual([["attempt", "allow"], ["outcome", "sent"], ["attempt", "refused"]]);
  });

  it("keeps check_command out of tools/list and answers the mcp_tool hook with the guard's decision", async () => {
    const { config, env, home } = setup();
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "pipe" });
    const client = new Client({ name: "claude-code", version: "2.1.330" });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["send_message", "list_contacts"]);
      const check = async (command: string) => {
        const result = await client.callTool({ name: "check_command", arguments: { hook_event_name: "PreToolUse", tool_name: "Bash", cwd: home, tool_input: JSON.stringify({ command }) } });
        return JSON.parse((result.content as { text: string }[])[0]!.text) as { hookSpecificOutput?: { permissionDecision: string; permissionDecisionReason: string } };
      };
      expect(await check("git status")).toEqual({});
      const denied = await check("eval \"openclaw message send -t +15551234567 -m hi\"");
      expect(denied.hookSpecificOutput?.permissionDecision).toBe("deny");
      expect(denied.hookSpecificOutput?.permissionDecisionReason).toContain("mcp__openclaw-guard__send_message");
    } finally {
      await client.close();
    }
  });

  it("notifies the client when the aliases change, and lists the new ones", async () => {
    const { config, env } = setup();
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "pipe" });
    const client = new Client({ name: "watch", version: "1" });
    let notified = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void notified++);
    await client.connect(transport);
    try {
      writeFileSync(config, readFileSync(config, "utf8").replace("ops:", "oncall:"));
      const deadline = Date.now() + 5000;
      while (notified === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(notified).toBeGreaterThanOrEqual(1);
      expect((await client.listTools()).tools[0]!.description).toContain("oncall (telegram");
    } finally {
      await client.close();
    }
  });

  it("writes nothing but JSON-RPC to stdout", async () => {
    const { config, env } = setup();
    const child = spawn(process.execPath, [CLI, "serve", "--config", config], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const lines = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "send_message", arguments: { to: "alice", message: "hi" } } },
    ];
    child.stdin.end(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    const out = stdout.trim().split("\n");
    expect(out).toHaveLength(2);
    for (const line of out) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(stderr).toMatch(/MCP server starting/);
  });

  it("starts on an invalid book, answers every call with the error and the fix (audited), and recovers when it is fixed", async () => {
    const { home, config, env } = setup(BOOK.replace('"telegram"', '"telegarm"'));
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (d) => (stderr += d));
    const client = new Client({ name: "broken-book", version: "1" });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["send_message", "list_contacts"]);
      const error = new RegExp(`${config}:\\d+: unknown channel "telegarm".*Use one of[\\s\\S]*Fix: a human corrects ${config}`);
      const sent = await client.callTool({ name: "send_message", arguments: { to: "ops", message: "x" } });
      expect(sent).toMatchObject({ isError: true, structuredContent: { status: "refused", reason: expect.stringMatching(error) } });
      const listed = await client.callTool({ name: "list_contacts", arguments: {} });
      expect(listed).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(error) }] });
      expect(stderr).toMatch(/invalid address book/);
      // The refusal is audited where an unreadable book's records go (the default state directory).
      const audit = readFileSync(join(home, ".local", "state", "openclaw-guard", "audit.jsonl"), "utf8");
      expect(audit).toContain('"code":"config-invalid"');
      writeFileSync(config, readFileSync(config, "utf8").replace('"telegarm"', '"telegram"'));
      const fixed = await client.callTool({ name: "send_message", arguments: { to: "ops", message: "after the fix" } });
      expect(fixed.structuredContent).toMatchObject({ status: "sent", to: "ops", dryRun: true });
    } finally {
      await client.close();
    }
  });

  it("starts and lists tools while the gateway is down; a send then fails without hanging", async () => {
    const { config, env } = setup(BOOK.replace('{ transport: "dry-run" }', '{ transport: "gateway", gateway: { url: "ws://127.0.0.1:9", token: "t0ken-never-shown" }, timeoutMs: 3000 }'));
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "pipe" });
    const client = new Client({ name: "down", version: "1" });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools).toHaveLength(2);
      const result = await client.callTool({ name: "send_message", arguments: { to: "ops", message: "x" } });
      expect(result.structuredContent).toMatchObject({ status: "failed", reason: expect.stringMatching(/not reachable.*nothing was sent/) });
      expect(JSON.stringify(result)).not.toContain("t0ken-never-shown");
    } finally {
      await client.close();
    }
  });
});

describe("MCP Inspector CLI (pinned 2.12.0) against dist/cli.js serve", () => {
  const inspect = (env: Record<string, string>, config: string, args: string[]) =>
    run(INSPECTOR, ["--cli", process.execPath, CLI, "serve", "-e", `OPENCLAW_GUARD_CONFIG=${config}`, "-e", `HOME=${env.HOME}`, ...args], { env: { ...env, HOME: env.HOME } }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );

  it("lists tools, sends to an alias, and gets isError (exit 5) for a raw number", async () => {
    const { config, env, auditLines } = setup();
    const listed = await inspect(env, config, ["--method", "tools/list"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).tools.map((t: { name: string }) => t.name)).toEqual(["send_message", "list_contacts"]);

    const sent = await inspect(env, config, ["--method", "tools/call", "--tool-name", "send_message", "--tool-arg", "to=alice", "--tool-arg", "message=hello from inspector"]);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout).structuredContent).toMatchObject({ status: "sent", to: "alice", dryRun: true });

    const refused = await inspect(env, config, ["--method", "tools/call", "--tool-name", "send_message", "--tool-arg", "to=+27821234567", "--tool-arg", "message=x"]);
    expect(refused.code).toBe(5);
    expect(refused.stdout).not.toContain("27821234567");
    expect(auditLines().filter((r) => r.event === "attempt").map((r) => r.decision)).toEqual(["allow", "refuse"]);
  }, 60_000);
});
