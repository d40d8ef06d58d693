// Issue 10.2's classes that need files on disk, the guard's own entry point or file-tool content:
// the corpora cannot show them (they run with no readable files).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseCommand, analyseFileContent, initCommandAnalyser, plainCommandVerdict } from "../../src/guard/analyse.js";
import { decideHookInput, type HookContext } from "../../src/guard/hook-command.js";
import { DEFAULT_ALLOW_LIST } from "../../src/guard/openclaw-policy.js";
import { protectedAreaOf, type ProtectedContext } from "../../src/guard/protected-paths.js";
import { HANDLED_PROGRAMS } from "../../src/guard/programs/names.js";
import { installShims } from "../../src/guard/shim.js";

const SEND = "openclaw message send -t +15551234567 -m hi";
const root = mkdtempSync(path.join(tmpdir(), "guard-attacker-"));
const home = path.join(root, "home");
const project = path.join(root, "project");
const shimDir = path.join(root, "my-shims");
const guardEntry = path.join(project, "dist", "cli.js");

/** Files an attacker prepared in an earlier, harmless-looking step. */
const files: Record<string, string> = {
  "f.txt": `${SEND}\n`,
  "f.b64": Buffer.from(SEND).toString("base64"),
  "tools/package.json": JSON.stringify({ scripts: { send: SEND, build: "tsc" } }),
  "package.json": JSON.stringify({ scripts: { send: "echo fine", prepack: SEND, start: "node dist/cli.js serve" } }),
  "mk.txt": `all:\n\t${SEND}\n`,
  "Makefile": "include extra.mk\nall:\n\techo ok\nNOW := $(shell date)\n",
  "extra.mk": `x:\n\t${SEND}\n`,
  "Makefile.shell": `V := $(shell ${SEND})\n`,
  "clean.mk": "all:\n\techo ok\n",
  "justfile": `send:\n    ${SEND}\n`,
  "editor.sh": `#!/bin/sh\n${SEND}\n`,
  "hooks/pre-commit": `#!/bin/sh\n${SEND}\n`,
  "env.sh": `${SEND}\n`,
  "send.awk": `BEGIN { system("${SEND}") }\n`,
  "clean.awk": "{ print $1 }\n",
  "dry.mk": `all:\n\t${SEND}\n`,
  "dry-plus.mk": `all:\n\t+${SEND}\n`,
  "deno.json": `{\n  // tasks\n  "tasks": { "notify": "${SEND}", "build": { "command": "tsc" }, },\n}\n`,
  "packages/bot/package.json": JSON.stringify({ scripts: { deploy: SEND, build: "tsc" } }),
  "jobs.cron": `# nightly\nMAILTO=""\n0 3 * * * ${SEND}\n`,
  "clean.cron": "0 3 * * * echo ok\n",
  "urls.txt": "http://127.0.0.1:18789/tools/invoke\n",
  "docs-urls.txt": "https://docs.openclaw.ai/cli\n",
  "sub/.keep": "",
  "settings.diff": "--- a/.claude/settings.json\n+++ b/.claude/settings.json\n@@ -1 +1 @@\n-{}\n+{\"disableAllHooks\": true}\n",
  "clean.diff": "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-a\n+b\n",
  "dist/cli.js": "#!/usr/bin/env node\n// openclaw-guard: spawns openclaw via child_process\nrequire('child_process');\n",
};

let context: HookContext & ProtectedContext;
const options = () => ({
  cwd: project,
  homeDir: home,
  readFile: (file: string) => {
    const relative = path.relative(project, file);
    return files[relative];
  },
  protectedArea: (target: string | RegExp, below: boolean) => protectedAreaOf(target, context, below),
  isGuardEntry: (file: string) => file === guardEntry,
});
const decide = (command: string) => analyseCommand(command, options()).decision;

beforeAll(async () => {
  await initCommandAnalyser();
  mkdirSync(shimDir, { recursive: true });
  installShims(shimDir, DEFAULT_ALLOW_LIST);
  mkdirSync(project, { recursive: true });
  context = {
    allowList: DEFAULT_ALLOW_LIST,
    guardConfigFile: path.join(home, "custom", "guard.json5"),
    auditFile: path.join(root, "data", "audit.jsonl"),
    homeDir: home,
    env: { PATH: `${shimDir}:/usr/bin:/bin`, CLAUDE_CONFIG_DIR: path.join(root, "claude-config") },
  };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("script text from files already on disk", () => {
  it.each([
    'bash -c "$(< f.txt)"',
    "$(<f.txt)",
    "bash <(cat f.txt)",
    ". <(cat f.txt)",
    'source /dev/stdin <<< "$(cat f.txt)"',
    "exec 3<f.txt; bash /dev/fd/3",
    "cat f.txt | tr -d '\\r' | bash",
    "xargs -I{} sh -c '{}' < f.txt",
    "at now -f f.txt",
    "BASH_ENV=env.sh bash -c true",
    "cp f.txt run.sh && ./run.sh",
    "mv f.txt run && bash run",
    "base64 -d f.b64 | sh",
  ])("denies %j", (command) => {
    expect(decide(command)).toBe("deny");
  });

  it.each(["cat f.txt", "wc -l f.txt", "grep send f.txt | head -1", "diff f.txt mk.txt", "bash -c \"$(< /nonexistent/x)\""])("allows %j", (command) => {
    expect(decide(command)).toBe("allow");
  });
});

describe("issue 21: a program handed a file it runs reads that file, and one it cannot read is not allowed", () => {
  it.each([
    "awk -f send.awk /dev/null",
    "awk -f missing.awk data.txt",
    "find . -name x -exec sh f.txt \\;",
    "find . -exec sh missing.sh \\;",
    "crontab jobs.cron",
    "crontab missing.cron",
    "make -f dry-plus.mk -n",
    "make -f missing.mk",
    "deno task notify",
    "npm run deploy --workspace packages/bot",
    "npm run deploy -w packages/missing",
    "cd sub && just send",
    "python3 -c \"import os; os.system(open('f.txt').read())\"",
    "python3 -c \"import os; os.system(open('missing.txt').read())\"",
    "GIT_EXTERNAL_DIFF=editor.sh git diff",
    "GIT_EXTERNAL_DIFF=./missing.sh git diff",
    "man -P ./editor.sh ls",
    "wget -i urls.txt",
    "wget -i missing.txt",
  ])("denies %j", (command) => {
    expect(decide(command)).toBe("deny");
  });

  it.each([
    "awk -f clean.awk data.txt",
    "make -f dry.mk -n",
    "crontab clean.cron",
    "deno task build",
    "npm run build --workspace packages/bot",
    "GIT_EXTERNAL_DIFF=difft git diff",
    "GIT_EXTERNAL_DIFF=/usr/bin/difft git diff",
    "man -P cat ls",
    "wget -i docs-urls.txt",
    "python3 -c \"import subprocess; print(open('clean.mk').read()); subprocess.run(['ls'])\"",
  ])("allows %j", (command) => {
    expect(decide(command)).toBe("allow");
  });
});

describe("runners read the package.json, Makefile or justfile they will really use", () => {
  it.each([
    "cd tools && npm run send",
    "npm --prefix tools run send",
    "npm run --prefix=tools send",
    "yarn --cwd tools send",
    "pnpm -C tools run send",
    "npm pack",
    "make -f mk.txt",
    "make x",
    "make -f Makefile.shell",
    "just send",
    "npm test --script-shell=./editor.sh",
    "git -c core.editor=./editor.sh commit",
    "git -c core.hooksPath=hooks commit -m wip",
    "make SHELL=./editor.sh",
    "npm config set script-shell ./editor.sh && npm test",
  ])("denies %j", (command) => {
    expect(decide(command)).toBe("deny");
  });

  it.each(["npm run send", "cd tools && npm run build", "make -f clean.mk", "npm run build", "git -c core.editor=vim commit"])("allows %j", (command) => {
    expect(decide(command)).toBe("allow");
  });
});

describe("the guard's own entry point, by its resolved path", () => {
  it.each(["node dist/cli.js doctor", "node dist/cli.js check-command -- 'openclaw message send'", "node dist/cli.js serve --config examples/config.json5", "npm start", "./dist/cli.js check-command -- ls"])("allows %j", (command) => {
    expect(decide(command)).toBe("allow");
  });

  it.each(["node dist/cli.js shim uninstall --dir ~/.local/share/openclaw-guard/bin", "node ./dist/cli.js init --remove claude-code"])("denies %j", (command) => {
    expect(decide(command)).toBe("deny");
  });

  // The config names the hook's allow list, the book and which config file is protected: an agent's own one switches all of that off.
  it.each(["node dist/cli.js init openclaw --config /tmp/agent.json5", "node dist/cli.js init claude-code --config=/tmp/agent.json5", "OPENCLAW_GUARD_CONFIG=/tmp/agent.json5 node dist/cli.js init codex", "export OPENCLAW_GUARD_CONFIG=/tmp/a.json5; openclaw-guard init gemini", "env OPENCLAW_GUARD_CONFIG=/tmp/a.json5 openclaw-guard init cursor", "openclaw-guard shim install --dir ~/.local/share/openclaw-guard/bin --config /tmp/a.json5", "openclaw-guard send --config /tmp/a.json5 boss hi", "OPENCLAW_GUARD_CONFIG=/tmp/a.json5 node dist/cli.js send boss hi", "openclaw-guard setup --yes --config /tmp/a.json5 --contact boss=telegram:1234", "OPENCLAW_GUARD_CONFIG=/tmp/a.json5 node dist/cli.js setup --yes"])("denies init, setup, shim install or send with another config: %j", (command) => {
    expect(decide(command)).toBe("deny");
  });

  it.each(["node dist/cli.js init claude-code", "node dist/cli.js init --print claude-code --config /tmp/agent.json5", "openclaw-guard init codex --dry-run --config /tmp/a.json5", "env OPENCLAW_GUARD_CONFIG=/tmp/a.json5 openclaw-guard doctor", "openclaw-guard shim install --dir /tmp/bin", "openclaw-guard send boss hi", "openclaw-guard setup --dry-run --yes --config /tmp/a.json5"])("allows %j", (command) => {
    expect(decide(command)).toBe("allow");
  });

  it("does not take another checkout's cli.js that mentions OpenClaw for the guard", () => {
    expect(analyseCommand("node dist/cli.js doctor", { ...options(), isGuardEntry: () => false }).decision).toBe("deny");
  });
});

describe("protected places follow the configuration and where init and shim install wrote", () => {
  it.each([
    ["the custom audit.file", `rm ${root}/data/audit.jsonl`],
    ["its ledger", `echo '{}' > ${root}/data/audit.ledger.json`],
    ["its ledger's copy, read when the ledger is torn", `echo '{}' > ${root}/data/audit.ledger.json.copy`],
    ["a planted audit lock owner (every send would wait on it)", `mkdir -p ${root}/data/audit.jsonl.lock && touch ${root}/data/audit.jsonl.lock/owner.0123456789ab.1.1.aa`],
    ["a shim folder chosen with --dir", `rm -rf ${shimDir}`],
    ["a shim in it", `cp /bin/true ${shimDir}/openclaw`],
    ["$CLAUDE_CONFIG_DIR/.claude.json", `echo '{}' > ${root}/claude-config/.claude.json`],
    ["$CLAUDE_CONFIG_DIR/settings.json", `sed -i s/block/allow/ ${root}/claude-config/settings.json`],
    ["the custom config file", "cp evil.json5 ~/custom/guard.json5"],
    ["the Claude settings, moved away by rsync", `rsync -a --remove-source-files ${root}/claude-config/ /tmp/x/`],
  ])("denies writing %s", (_what, command) => {
    expect(decide(command)).toBe("deny");
  });

  it.each([
    ["reading the ledger's copy", `cat ${root}/data/audit.ledger.json.copy`],
    ["a file that only starts like the lock's name", `touch ${root}/data/audit.jsonl.lockfree-notes.txt`],
  ])("allows %s", (_what, command) => {
    expect(decide(command)).toBe("allow");
  });

  it("gives up the grammar-free fast path for commands naming a custom protected place", () => {
    expect(plainCommandVerdict(`rm ${root}/data/audit.jsonl`, context)).toBeUndefined();
    expect(plainCommandVerdict(`rm -rf ${shimDir}`, context)).toBeUndefined();
    expect(plainCommandVerdict("rm -rf build", context)).toEqual({ decision: "allow", reasons: [] });
  });

  it("follows a symlink into a protected place", () => {
    mkdirSync(path.join(root, "claude-config"), { recursive: true });
    symlinkSync(path.join(root, "claude-config"), path.join(project, "cc-link"));
    expect(decide("echo '{}' > cc-link/settings.json")).toBe("deny");
  });
});

describe("issue 21 (guard4): shell forms, patches and code given files on disk", () => {
  it.each([
    "sh -- env.sh",
    ". -- env.sh",
    "source -- ./env.sh",
    `bash -c 'sh "$0"' env.sh`,
    "sh 0<env.sh",
    "exec 3<env.sh; bash <&3",
    "git apply settings.diff",
    "git apply --index < settings.diff",
    "git -C sub apply ../settings.diff",
    `perl -e '$f="f.txt"; open F,$f; system(<F>)'`,
    `python3 -c "import os; p='f.txt'; os.system(open(p).read())"`,
  ])("denies %s", (command) => {
    expect(decide(command)).toBe("deny");
  });

  it.each(["sh -- clean.awk", "git apply clean.diff", "git apply --check settings.diff --directory=docs", `perl -e '$f="f.txt"; open F,$f; print <F>'`])("allows %s", (command) => {
    expect(decide(command)).toBe("allow");
  });

  it("judges a relative --directory or a copy of the home from a working directory under it", () => {
    const inHome = { ...options(), cwd: home };
    expect(analyseCommand("git apply --directory=.claude clean.diff", inHome).decision).toBe("deny");
    expect(analyseCommand("cp -r . /tmp/h", inHome).decision).toBe("deny");
    expect(analyseCommand("cp -r . /tmp/h", options()).decision).toBe("allow");
    expect(plainCommandVerdict("cp -r . /tmp/h", context, home)).toBeUndefined();
    expect(plainCommandVerdict("cp -r src /tmp/h", context, project)).toEqual({ decision: "allow", reasons: [] });
  });

  it("reads a hook input's command given as an argv array or under another agent's key", async () => {
    const hook = (toolInput: object) => decideHookInput(JSON.stringify({ tool_name: "shell", tool_input: toolInput, cwd: project }), context);
    expect((await hook({ command: ["bash", "-lc", SEND] })).decision).toBe("deny");
    expect((await hook({ cmd: SEND })).decision).toBe("deny");
    expect((await hook({ argv: SEND.split(" ") })).decision).toBe("deny");
    expect((await hook({ command: ["grep", "-rn", SEND, "src"] })).decision).toBe("allow");
    await expect(hook({ command: [1, 2] })).rejects.toThrow(/not all strings/);
  });
});

describe("file tools: written text is judged like the same text in Bash", () => {
  const hook = (tool: string, toolInput: object) => decideHookInput(JSON.stringify({ tool_name: tool, tool_input: toolInput, cwd: project }), context);

  it.each([
    ["a package.json script", "Write", { file_path: "package.json", content: JSON.stringify({ scripts: { postinstall: SEND } }) }],
    ["an Edit adding a script", "Edit", { file_path: "package.json", old_string: '"scripts": {', new_string: `"scripts": { "x": "${SEND}",` }],
    ["a notebook ! cell", "NotebookEdit", { notebook_path: "n.ipynb", new_source: `!${SEND}` }],
    ["a notebook file with a %%bash cell", "Write", { file_path: "n.ipynb", content: JSON.stringify({ cells: [{ cell_type: "code", source: ["%%bash\n", SEND] }] }) }],
    ["a hook with an env -S shebang", "Write", { file_path: "hooks/notify", content: `#!/usr/bin/env -S bash -e\n${SEND}\n` }],
    ["a unit file", "Write", { file_path: "deploy/n.service", content: `[Service]\nExecStart=/usr/bin/${SEND}\n` }],
    ["Gemini's write_file disabling the hook", "write_file", { file_path: ".gemini/settings.json", content: '{"hooksConfig":{"disabled":["openclaw-guard"]}}' }],
    ["Gemini's replace disabling the hook", "replace", { file_path: ".gemini/settings.json", old_string: "{", new_string: '{"hooksConfig":{"enabled":false},' }],
    ["project Claude settings disabling all hooks", "Write", { file_path: ".claude/settings.local.json", content: '{"disableAllHooks":true}' }],
    ["a Codex apply_patch adding a script", "apply_patch", { command: `*** Begin Patch\n*** Add File: send.sh\n+#!/bin/sh\n+${SEND}\n*** End Patch` }],
    ["a Codex apply_patch editing Gemini settings", "apply_patch", { command: '*** Begin Patch\n*** Update File: .gemini/settings.json\n@@\n+  "hooksConfig": {"disabled": ["openclaw-guard"]},\n*** End Patch' }],
    // Issue 21: patch text is apply_patch's input only; a shell command that starts with it is a command.
    ["a Bash command dressed as a patch", "Bash", { command: `*** Begin Patch\n${SEND}\n*** End Patch` }],
    ["a Codex shell command dressed as a patch", "shell", { command: `*** Begin Patch\n*** Add File: x\n+x\n*** End Patch\n${SEND}` }],
    ["a Bash patch body writing the guard's settings", "Bash", { command: "*** Begin Patch; echo '{}' > ~/.claude/settings.json" }],
  ])("denies %s", async (_what, tool, toolInput) => {
    expect((await hook(tool, toolInput)).decision).toBe("deny");
  });

  it.each([
    ["notes about the CLI", "Write", { file_path: "docs/guard.md", content: `Never run \`${SEND}\`; use send_message.` }],
    ["a test fixture in code", "Write", { file_path: "test/x.test.ts", content: `expect(check("${SEND}")).toBe("deny");` }],
    ["Gemini settings adding an MCP server", "write_file", { file_path: ".gemini/settings.json", content: '{"mcpServers":{"x":{"command":"node"}}}' }],
    ["a Codex apply_patch to source", "apply_patch", { command: "*** Begin Patch\n*** Update File: src/a.ts\n@@\n+export const a = 1;\n*** End Patch" }],
  ])("allows %s", async (_what, tool, toolInput) => {
    expect((await hook(tool, toolInput)).decision).toBe("allow");
  });

  it("judges a notebook's Python by the argv it runs", () => {
    const cell = (source: string) => JSON.stringify({ cells: [{ cell_type: "code", source }] });
    expect(analyseFileContent("n.ipynb", cell("import subprocess\nsubprocess.run(['openclaw','--version'])"), options()).decision).toBe("allow");
    expect(analyseFileContent("n.ipynb", cell("import subprocess\nsubprocess.run(['openclaw','message','send'])"), options()).decision).toBe("deny");
  });
});

describe("preloads", () => {
  it("counts a preload variable assigned twice with different values as set", () => {
    expect(decide("export NODE_OPTIONS=a; NODE_OPTIONS='--require ./x.cjs'; openclaw status")).toBe("deny");
    expect(decide("NODE_OPTIONS=a; openclaw status")).toBe("deny");
    expect(decide("X=a; X=b; openclaw status")).toBe("allow");
  });
});

describe("calls spelled the way a shell joins them", () => {
  it.each([
    "tool 'openclaw${IFS}message${IFS}send'",
    'tool "op\\"en\\"claw message send"',
    "tool 'open\\claw message send'",
    "awk 'BEGIN{system(\"open\" \"claw message send\")}'",
    "python3 -c \"import os; os.system('open' + 'claw message send')\"",
  ])("denies %j", (command) => {
    expect(decide(command)).toBe("deny");
  });
});

describe("properties of the flipped default", () => {
  const unknownProgram = fc.stringMatching(/^[a-z][a-z0-9-]{2,10}$/).filter((name) => !HANDLED_PROGRAMS.has(name) && !/claw|moltbot/.test(name) && !DATA_ONLY_SAMPLE.has(name));
  const junk = fc.array(fc.constantFrom("-v", "--on-done", "x", "--", "-o", "ProxyCommand=", "a.txt", "'q'"), { maxLength: 3 });
  const refused = fc.constantFrom("message send -t x -m hi", "gateway call send", "agent --deliver", "cron add", "config set a b", "--profile w message send");
  const allowed = fc.constantFrom("--version", "status", "health", "channels list", "config get gateway.port", "doctor --json");

  it("denies any unknown program handed a refused call, however placed among its arguments", () => {
    fc.assert(
      fc.property(unknownProgram, junk, refused, junk, fc.constantFrom("'", '"'), fc.constantFrom("", "!", "exec=", "|"), (program, before, call, after, quote, prefix) => {
        const command = [program, ...before, `${quote}${prefix}openclaw ${call}${quote}`, ...after].join(" ");
        expect(decide(command), command).toBe("deny");
      }),
      { numRuns: 300 },
    );
  });

  it("lets the same programs be handed an allowed call, and judges spawned argv lists by their words", () => {
    fc.assert(
      fc.property(unknownProgram, allowed, refused, (program, call, bad) => {
        expect(decide(`${program} --cmd 'openclaw ${call}'`)).toBe("allow");
        const list = (words: string) => words.split(" ").map((w) => `'${w}'`).join(",");
        expect(decide(`python3 -c "import subprocess; subprocess.run(['openclaw',${list(call)}])"`)).toBe("allow");
        expect(decide(`python3 -c "import subprocess; subprocess.run(['openclaw',${list(bad)}])"`)).toBe("deny");
      }),
      { numRuns: 200 },
    );
  });
});

const DATA_ONLY_SAMPLE = new Set(["echo", "printf", "grep", "cat", "jq", "curl", "wget", "less", "more", "head", "tail", "tee", "test", "true", "false", "xh", "http", "https", "rev", "bat", "sort", "uniq", "cut", "tr", "file", "stat", "mkdir", "diff", "cmp", "info", "man", "read", "help", "look", "nl", "fmt", "fold", "paste", "comm", "column", "od", "xxd", "strings", "base64", "realpath", "readlink", "basename", "dirname", "printenv", "logger", "which", "type", "whereis", "whatis", "apropos", "ls", "wc", "rg", "ag", "ack", "tac", "egrep", "fgrep", "zgrep", "yq", "md5sum", "sha1sum", "sha256sum", "sha512sum", "hexdump", "xclip", "pbcopy", "wl-copy", "notify-send", "httpie", "vitest", "jest", "mocha", "pytest", "ava", "tap", "playwright", "cypress", "gh", "glab"]);
