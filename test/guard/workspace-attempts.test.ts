// Issue 21 (guard5): hostile and harmless commands that are only decidable with the files they name
// (a script run through a glob, a package.json script in a workspace, an ssh config, a module the
// inline code imports), and hook inputs of other shapes. The corpus (test/corpus/workspace-attempts.json)
// holds the files; each command goes through decideHookInput as the hook reads it, with the real disk.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideHookInput, type HookContext } from "../../src/guard/hook-command.js";
import { DEFAULT_ALLOW_LIST } from "../../src/guard/openclaw-policy.js";
import { repoRoot } from "./corpus.js";

interface WorkspaceCorpus {
  readonly files: Record<string, string>;
  readonly hostile: string[];
  readonly harmless: string[];
  readonly inputs: { id: string; expect: "deny" | "allow"; tool: string; input: Record<string, unknown> }[];
}
const corpus = JSON.parse(readFileSync(path.join(repoRoot, "test/corpus/workspace-attempts.json"), "utf8")) as WorkspaceCorpus;

const root = mkdtempSync(path.join(tmpdir(), "guard-workspace-"));
const home = path.join(root, "home");
const project = path.join(home, "project");
const context: HookContext = { allowList: DEFAULT_ALLOW_LIST, guardConfigFile: path.join(home, ".config/openclaw-guard/config.json5"), homeDir: home, env: { PATH: "/usr/bin:/bin" } };

beforeAll(() => {
  for (const [name, content] of Object.entries(corpus.files)) {
    const file = name.startsWith("~/") ? path.join(home, name.slice(2)) : path.join(project, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  mkdirSync(path.join(project, ".git", "hooks"), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const decide = async (tool: string, toolInput: Record<string, unknown>) => {
  // Patches name the home as /HOME (the corpus cannot know the test's home).
  const input = JSON.parse(JSON.stringify(toolInput).replaceAll("/HOME/", `${home}/`)) as Record<string, unknown>;
  try {
    return await decideHookInput(JSON.stringify({ hook_event_name: "PreToolUse", tool_name: tool, cwd: project, tool_input: input }), context);
  } catch (error) {
    return { decision: "deny" as const, reasons: [String(error)] }; // run() exits 2 on a throw
  }
};

describe("commands judged against the files they name", () => {
  it("has the cases (guards against a truncated corpus)", () => {
    expect(corpus.hostile.length).toBeGreaterThanOrEqual(70);
    expect(corpus.inputs.length).toBeGreaterThanOrEqual(12);
  });

  it.each(corpus.hostile)("denies %j", async (command) => {
    expect((await decide("Bash", { command })).decision).toBe("deny");
  });

  it.each(corpus.harmless.length > 0 ? corpus.harmless : ["git status"])("allows %j", async (command) => {
    expect(await decide("Bash", { command })).toEqual({ decision: "allow", reasons: [] });
  });

  it.each(corpus.inputs.map((entry) => [entry.id, entry] as const))("decides the hook input %s", async (_id, entry) => {
    const verdict = await decide(entry.tool, entry.input);
    expect(verdict.decision, JSON.stringify(verdict.reasons)).toBe(entry.expect);
  });
});
