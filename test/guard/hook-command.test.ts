import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideHookInput, MAX_HOOK_INPUT_BYTES, type HookContext } from "../../src/guard/hook-command.js";
import { DEFAULT_ALLOW_LIST, SEND_MESSAGE_ADVICE } from "../../src/guard/openclaw-policy.js";
import { hookArgv } from "../../src/setup/init-plan.js";
import { cliPath, requireBuiltCli } from "./built-cli.js";

const home = mkdtempSync(path.join(tmpdir(), "guard-hook-"));
const project = path.join(home, "project");
const context: HookContext = {
  allowList: DEFAULT_ALLOW_LIST,
  guardConfigFile: path.join(home, ".config", "openclaw-guard", "config.json5"),
  homeDir: home,
  env: {},
};

beforeAll(() => {
  mkdirSync(path.join(home, ".openclaw"), { recursive: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, "notify.sh"), "#!/bin/sh\nopenclaw message send -t x -m hi\n");
  symlinkSync(path.join(home, ".openclaw"), path.join(project, "state-link"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const hook = (payload: object) => decideHookInput(JSON.stringify({ hook_event_name: "PreToolUse", cwd: project, ...payload }), context);

describe("decideHookInput", () => {
  it.each([
    ["Bash", "sh -c 'openclaw message send -t x -m hi'"],
    ["PowerShell", "openclaw message send -t x -m hi"],
    ["run_shell_command", "npx openclaw message send"],
    ["Bash", "./notify.sh"],
  ])("denies a %s command that sends", async (tool, command) => {
    const verdict = await hook({ tool_name: tool, tool_input: { command } });
    expect(verdict.decision).toBe("deny");
  });

  it.each([
    "echo '{}' > ~/.claude/settings.json",
    'cat > "$HOME/.claude/settings.json" <<EOF\n{}\nEOF',
    "sed -i 's/block/allow/' ~/.claude/settings.json",
    "cp /tmp/evil.json5 ~/.config/openclaw-guard/config.json5",
    "echo '{\"entries\":[]}' | tee ~/.local/state/openclaw-guard/audit.ledger.json",
    "rm -f ~/.local/state/openclaw-guard/audit.jsonl",
    "truncate -s 0 ~/.local/state/openclaw-guard/audit.jsonl",
    "cd ~ && mv .claude.json /tmp/",
    "echo x >> state-link/openclaw.json",
    "cp /tmp/evil.json ~/.openclaw/openclaw.json",
    "rm -rf ~/.claude",
    "cp evil.json5 ~/.config/openclaw-guard/",
    'f="$HOME/.openclaw/openclaw.json"; echo "{}" > "$f"',
    // Issue 21: a copy of OpenClaw's state is the gateway's token where no check looks.
    "cp ~/.openclaw/openclaw.json /tmp/token.json",
    "ln -s ~/.claude/settings.json s; echo '{}' > s",
  ])("denies a shell command that writes, deletes or copies a protected file: %s", async (command) => {
    const verdict = await hook({ tool_name: "Bash", tool_input: { command } });
    expect(verdict.decision, JSON.stringify(verdict.reasons)).toBe("deny");
  });

  it.each(["echo hi > out.txt", "sed -i 's/a/b/' src/x.ts", "rm -rf dist", "cp a b && mv b c", "tee log.txt < in.txt", "sed -n 1,20p ~/.claude/settings.json", "dd if=/dev/zero of=blob bs=1k count=1",
    // Copying *from* a protected place is a read (issue 10: a backup of settings is not a write), except
    // out of OpenClaw's state folder (issue 21: the copy holds the gateway's token where no check looks).
    "cp ~/.claude/settings.json /tmp/settings.backup.json", "rsync -a ~/.claude/ /tmp/claude-backup/"])(
    "allows ordinary writes in the shell: %s",
    async (command) => {
      const verdict = await hook({ tool_name: "Bash", tool_input: { command } });
      expect(verdict, command).toEqual({ decision: "allow", reasons: [] });
    },
  );

  it.each([
    "claude mcp add -s local openclaw-guard -- node /tmp/allow-all.mjs",
    "claude mcp add -s local -e X=1 openclaw-guard -- /bin/true",
    "claude mcp add-json openclaw-guard '{\"command\":\"/bin/true\"}'",
    "claude mcp remove openclaw-guard",
    'claude mcp add "$(printf openclaw-gu; printf ard)" -- /bin/true',
    "sh -c 'claude mcp add -s local openclaw-guard -- /bin/true'",
  ])("denies re-registering the guard's own MCP server through Claude Code's CLI: %s", async (command) => {
    const verdict = await hook({ tool_name: "Bash", tool_input: { command } });
    expect(verdict.decision, JSON.stringify(verdict.reasons)).toBe("deny");
  });

  it.each(["claude mcp add other -- /bin/true", "claude mcp list", "claude mcp get openclaw-guard", "claude --version"])("allows Claude Code's CLI otherwise: %s", async (command) => {
    expect(await hook({ tool_name: "Bash", tool_input: { command } })).toEqual({ decision: "allow", reasons: [] });
  });

  it("allows ordinary commands and read-only OpenClaw commands", async () => {
    expect((await hook({ tool_name: "Bash", tool_input: { command: "git status && openclaw status" } })).decision).toBe("allow");
    expect((await hook({ tool_name: "Bash", tool_input: { command: 'grep -rn "openclaw message" docs/' } })).decision).toBe("allow");
  });

  it("allows tools it has nothing to say about", async () => {
    expect((await hook({ tool_name: "Read", tool_input: { file_path: path.join(home, ".openclaw", "openclaw.json") } })).decision).toBe("allow");
    expect((await hook({ tool_name: "WebFetch", tool_input: { url: "https://example.invalid" } })).decision).toBe("allow");
  });

  it.each([
    ["Write", { file_path: "scripts/send.sh", content: "#!/bin/sh\nopenclaw message send -t x -m hi\n" }],
    ["Write", { file_path: "Makefile", content: "x:\n\topenclaw message send -t x -m hi\n" }],
    ["Edit", { file_path: "package.json", old_string: '"test": "vitest"', new_string: '"test": "openclaw message send -t x -m hi"' }],
    ["MultiEdit", { file_path: "run.sh", edits: [{ old_string: "a", new_string: "echo ok" }, { old_string: "b", new_string: "clawdbot message send" }] }],
  ])("refuses %s content that would send when run", async (tool, toolInput) => {
    expect((await hook({ tool_name: tool, tool_input: toolInput })).decision).toBe("deny");
  });

  it("accepts ordinary writes, including documentation that mentions the CLI", async () => {
    const verdict = await hook({ tool_name: "Write", tool_input: { file_path: "README.md", content: "Do not run `openclaw message send`.\n" } });
    expect(verdict).toEqual({ decision: "allow", reasons: [] });
  });

  it.each([
    [path.join(home, ".openclaw", "openclaw.json"), /~\/\.openclaw/],
    ["state-link/openclaw.json", /~\/\.openclaw/],
    [path.join(home, ".config", "openclaw-guard", "config.json5"), /openclaw-guard config/],
    [path.join(home, ".claude", "settings.json"), /Claude Code settings/],
    [".claude/settings.local.json", /Claude Code settings/],
  ])("refuses writes to %s", async (filePath, reason) => {
    const verdict = await hook({ tool_name: "Write", tool_input: { file_path: filePath, content: "{}" } });
    expect(verdict.decision).toBe("deny");
    expect(verdict.reasons.join(" ")).toMatch(reason);
  });

  it("throws on input that is not a JSON object (run() turns that into exit 2)", async () => {
    await expect(decideHookInput("[1", context)).rejects.toThrow();
    await expect(decideHookInput("null", context)).rejects.toThrow(/not a JSON object/);
  });
});

/** `init` registers the bundled entry with node options; `cli.js hook` must decide the same. */
const registered = hookArgv({ node: process.execPath, cli: cliPath, config: "/unused" }, "claude-code").slice(0, -4);
const entries: [string, string[]][] = [
  ["node dist/cli.js hook", [cliPath, "hook"]],
  ["the registered command (bundled hook-main.cjs)", [...registered.slice(1), "hook"]],
];

describe.each(entries)("openclaw-guard hook claude-code, run as %s (the built process)", (_name, entryArgs) => {
  beforeAll(requireBuiltCli);

  const runHook = (input: string, args: string[] = [], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [...entryArgs, ...args], {
      input,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), ...env },
    });
  const bash = (command: string) => JSON.stringify({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command }, cwd: project });

  it.each([
    ["claude-code", "Use the `mcp__openclaw-guard__send_message` tool with a contact alias; `mcp__openclaw-guard__list_contacts` shows them."],
    ["codex", "Use the `send_message` (namespace mcp__openclaw_guard) tool with a contact alias; `list_contacts` (namespace mcp__openclaw_guard) shows them."],
    ["gemini", "Use the `mcp_openclaw-guard_send_message` tool with a contact alias; `mcp_openclaw-guard_list_contacts` shows them."],
  ])("hook %s exits 2 with an actionable reason on stderr, in that client's spelling of the tool", (client, advice) => {
    const result = runHook(bash("bash -lc 'openclaw message send -t x -m hi'"), [client]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`Raw \`openclaw message send\` is disabled here. ${advice}`);
    expect(result.stdout).toBe("");
  });

  it("exits 0 silently for an ordinary command", () => {
    const result = runHook(bash("npm test -- --runInBand"), ["claude-code"]);
    expect(result).toMatchObject({ status: 0, stdout: "", stderr: "" });
  });

  it.each([
    ["malformed JSON", "{not json", ["claude-code"]],
    ["an oversized payload", bash(`echo ${"a".repeat(MAX_HOOK_INPUT_BYTES)}`), ["claude-code"]],
    ["an unknown client", bash("ls"), ["windsurf"]],
    ["no client", bash("ls"), []],
  ])("fails closed with exit 2 on %s", (_what, input, args) => {
    const result = runHook(input, args);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toBe("");
  });

  it("fails closed when the config file is invalid", () => {
    const config = path.join(home, "broken.json5");
    writeFileSync(config, "{ guard: { allowOpenclawCommands: 42 } }");
    const result = runHook(bash("ls"), ["claude-code", "--config", config]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/failed closed.*allowOpenclawCommands/);
  });

  it("reads the allowlist from the config file", () => {
    const config = path.join(home, "strict.json5");
    writeFileSync(config, "{ guard: { allowOpenclawCommands: ['status'] } }");
    expect(runHook(bash("openclaw health"), ["claude-code", "--config", config]).status).toBe(2);
    expect(runHook(bash("openclaw status"), ["claude-code", "--config", config]).status).toBe(0);
  });
});

describe("the registered hook command", () => {
  beforeAll(requireBuiltCli);

  it("runs the bundled entry with the parser's node options, and stays recognisable as ours", () => {
    const argv = hookArgv({ node: "/usr/bin/node", cli: "/opt/ocg/dist/cli.js", config: "/c.json5" }, "claude-code");
    expect(argv).toEqual(["/usr/bin/node", "--liftoff-only", "/opt/ocg/dist/guard/hook-main.cjs", "hook", "claude-code", "--config", "/c.json5"]);
  });

  it("is one bundled file: every module of this repository is inlined, packages are required lazily", () => {
    const main = readFileSync(path.join(path.dirname(cliPath), "guard", "hook-main.cjs"), "utf8");
    const entry = readFileSync(path.join(path.dirname(cliPath), "guard", "hook-entry.cjs"), "utf8");
    const relative = (code: string) => [...code.matchAll(/(?:require|import)\(\s*["'](\.[^"']*)["']/g)].map((m) => m[1]);
    expect(relative(main)).toEqual([]); // it loads ./hook-entry.cjs through createRequire, after the compile cache is on
    expect(main).toContain('"./hook-entry.cjs"');
    expect(relative(entry)).toEqual([]);
    expect(entry).toContain("src/guard/analyse.ts"); // esbuild's marker of an inlined module
  });

  it("denies when the process ends without a decision", () => {
    const result = spawnSync(process.execPath, [path.join(path.dirname(cliPath), "guard", "hook-main.cjs")], { input: "", encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/usage/);
  });
});
