// Confirmation through the real Claude Code CLI: our server asks by MCP elicitation, and an
// `Elicitation` hook in the user's settings answers it (headless mode has no human to ask).
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "../helpers.js";
import { REPO_ROOT, runClaude } from "../support/claude-code.js";

const CLI = join(REPO_ROOT, "dist/cli.js");
const TOOL = "mcp__openclaw-guard__send_message";
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "claude-elicit-e2e-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function session(hookAnswer: Record<string, unknown> | undefined) {
  const home = join(root, "home");
  const cwd = join(root, "work");
  await Promise.all([mkdir(home), mkdir(cwd)]);
  const audit = join(root, "audit.jsonl");
  const config = join(root, "config.json5");
  await writeFile(
    config,
    JSON.stringify({ openclaw: { transport: "dry-run" }, contacts: { alice: { channel: "whatsapp", target: "+27821234567", description: "Alice", confirm: "always" } }, audit: { file: audit } }),
    { mode: 0o600 },
  );
  const settings: Record<string, unknown> = {};
  if (hookAnswer) {
    const hook = join(root, "answer-elicitation.sh");
    await writeFile(hook, `#!/bin/sh\ncat > '${join(root, "elicitation-input.json")}'\necho '${JSON.stringify({ hookSpecificOutput: { hookEventName: "Elicitation", ...hookAnswer } })}'\n`);
    await chmod(hook, 0o755);
    settings.hooks = { Elicitation: [{ matcher: "openclaw-guard", hooks: [{ type: "command", command: hook, timeout: 10 }] }] };
  }
  const run = await runClaude({
    home,
    cwd,
    settings,
    mcpConfig: { mcpServers: { "openclaw-guard": { command: process.execPath, args: [CLI, "serve", "--config", config] } } },
    allowedTools: [TOOL],
    script: [{ tool: TOOL, input: { to: "alice", message: "Quarterly numbers are in the shared drive" } }],
    timeoutMs: 120_000,
  });
  return { run, records: readAudit(audit) };
}

describe("confirmation by elicitation in the real Claude Code CLI", () => {
  it("an Elicitation hook that accepts with an explicit yes lets the message through", async () => {
    const { run, records } = await session({ action: "accept", content: { send: true } });
    expect(run.toolResults).toHaveLength(1);
    expect(run.toolResults[0]!.is_error).toBeFalsy();
    expect(run.toolResults[0]!.text).toMatch(/"status":"sent"/);
    expect(records.filter((r) => r.event === "outcome").map((r) => r.status)).toEqual(["sent"]);
  });

  it("an Elicitation hook that declines refuses the send, and the model is told how to proceed", async () => {
    const { run, records } = await session({ action: "decline" });
    expect(run.toolResults[0]!.is_error).toBe(true);
    expect(run.toolResults[0]!.text).toMatch(/declined.*Nothing was sent.*the human can send it themselves/s);
    expect(records.filter((r) => r.event === "outcome").map((r) => r.status)).toEqual(["refused"]);
  });

  it("without a hook, headless Claude Code cancels the elicitation and nothing is sent", async () => {
    const { run, records } = await session(undefined);
    expect(run.toolResults[0]!.is_error).toBe(true);
    expect(run.toolResults[0]!.text).toMatch(/cancelled|No human could be asked/);
    expect(records.filter((r) => r.event === "outcome").map((r) => r.status)).toEqual(["refused"]);
  });
});
