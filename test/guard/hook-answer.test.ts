import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { answerClaudeHook } from "../../src/guard/hook-answer.js";
import { decideHookInput } from "../../src/guard/hook-command.js";
import { hookPayloadFromToolArgs, toolArgsFromHookPayload } from "../../src/guard/hook-forms.js";
import { DEFAULT_ALLOW_LIST } from "../../src/guard/openclaw-policy.js";
import { loadCorpus } from "./corpus.js";

const root = mkdtempSync(path.join(tmpdir(), "guard-hook-answer-"));
const home = path.join(root, "agent");
const configFile = path.join(root, "guard", "config.json5");
mkdirSync(path.dirname(configFile), { recursive: true });
mkdirSync(path.join(home, ".openclaw"), { recursive: true });
writeFileSync(configFile, "{ contacts: {} }\n");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const payload = (tool_name: string, tool_input: object) => JSON.stringify({ hook_event_name: "PreToolUse", cwd: root, tool_name, tool_input });
const answer = (raw: string, homeDir = home) => answerClaudeHook(raw, { configFile, homeDir, env: {} });

type Deny = { hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string } };

describe("answerClaudeHook (the http and mcp_tool hook forms)", () => {
  it("allows with {} and denies with Claude Code's PreToolUse output, the reason naming send_message", async () => {
    expect(await answer(payload("Bash", { command: "git status" }))).toEqual({});
    const denied = (await answer(payload("Bash", { command: "bash -c 'openclaw message send -t +1 -m x'" }))) as Deny;
    expect(denied.hookSpecificOutput).toMatchObject({ hookEventName: "PreToolUse", permissionDecision: "deny" });
    expect(denied.hookSpecificOutput.permissionDecisionReason).toContain("`mcp__openclaw-guard__send_message`");
  });

  it("gives the command hook's own verdict on both corpora (one decision function, not a twin)", async () => {
    const context = { allowList: DEFAULT_ALLOW_LIST, guardConfigFile: configFile, auditFile: path.join(home, ".local/state/openclaw-guard/audit.jsonl"), homeDir: home, env: {} };
    const entries = [...loadCorpus("raw-cli-attempts"), ...loadCorpus("benign-commands")];
    const served: string[] = [];
    const direct: string[] = [];
    for (const { command } of entries) {
      const raw = payload("Bash", { command });
      served.push("hookSpecificOutput" in (await answer(raw)) ? "deny" : "allow");
      direct.push((await decideHookInput(raw, context)).decision);
    }
    expect(served).toEqual(direct);
    expect(new Set(served)).toEqual(new Set(["allow", "deny"]));
  });

  it("judges protected places against the agent's home it is given", async () => {
    const write = payload("Write", { file_path: path.join(home, ".openclaw", "openclaw.json"), content: "{}" });
    expect(await answer(write)).toHaveProperty("hookSpecificOutput.permissionDecision", "deny");
    expect(await answer(write, path.join(root, "someone-else"))).toEqual({});
  });

  it("denies what it cannot decide: malformed payloads, an invalid guard config", async () => {
    for (const raw of ["", "not json", "null", "[1"]) expect(await answer(raw)).toHaveProperty("hookSpecificOutput.permissionDecision", "deny");
    const broken = path.join(root, "broken.json5");
    writeFileSync(broken, "{ guard: { allowOpenclawCommands: 5 } }");
    const refused = (await answerClaudeHook(payload("Bash", { command: "ls" }), { configFile: broken, homeDir: home })) as Deny;
    expect(refused.hookSpecificOutput.permissionDecisionReason).toMatch(/could not check this .*allowOpenclawCommands must be an array/);
  });
});

describe("hookPayloadFromToolArgs (the mcp_tool form's input, filled in as Claude Code fills CHECK_TOOL_INPUT)", () => {
  it("gives back the payload the command hook reads, and the same answer", async () => {
    const hook = { hook_event_name: "PreToolUse", tool_name: "Bash", cwd: root, tool_input: { command: "openclaw message send -t x -m 'a \"quoted\" ${x}'", description: "d" } };
    const raw = hookPayloadFromToolArgs(toolArgsFromHookPayload(hook));
    expect(JSON.parse(raw)).toEqual(hook);
    expect(await answer(raw)).toHaveProperty("hookSpecificOutput.permissionDecision", "deny");
  });

  it("gives nothing to allow when tool_input is missing or not a JSON object", async () => {
    for (const args of [{}, { tool_name: "Bash", tool_input: "" }, { tool_input: "{oops" }, { tool_input: "null" }, { tool_input: "\"ls\"" }, { tool_input: { command: "ls" } }]) {
      const raw = hookPayloadFromToolArgs(args);
      expect(raw).toBe("");
      expect(await answer(raw)).toHaveProperty("hookSpecificOutput.permissionDecision", "deny");
    }
  });
});
