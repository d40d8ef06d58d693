import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseCommand, analyseFileContent, initCommandAnalyser, MAX_COMMAND_LENGTH, plainCommandVerdict } from "../../src/guard/analyse.js";
import { parseAllowList } from "../../src/guard/openclaw-policy.js";
import { protectedAreaOf } from "../../src/guard/protected-paths.js";
import { shQuote } from "../../src/guard/shim.js";
import { loadCorpus } from "./corpus.js";

beforeAll(async () => {
  await initCommandAnalyser();
});

const decision = (command: string, options = {}) => analyseCommand(command, { cwd: "/nonexistent", ...options }).decision;

// The corpora's protected-file forms name ~/.claude, ~/.openclaw, ~/.config/openclaw-guard: judged for a fixed home.
const corpusHome = "/home/agent";
const corpusContext = { guardConfigFile: `${corpusHome}/.config/openclaw-guard/config.json5`, homeDir: corpusHome, env: { PATH: "/usr/bin:/bin" } };
const corpusOptions = { homeDir: corpusHome, protectedArea: (target: string | RegExp, below: boolean) => protectedAreaOf(target, corpusContext, below) };

describe("shared corpora", () => {
  const hostile = loadCorpus("raw-cli-attempts");
  const benign = loadCorpus("benign-commands");

  it("has the expected sizes (guards against a truncated corpus)", () => {
    expect(hostile.length).toBeGreaterThanOrEqual(521);
    expect(benign.length).toBeGreaterThanOrEqual(760);
    // The cases the tests below run (a renamed `expect` value would silently drop them all).
    expect(hostile.filter((entry) => entry.expect === "deny").length).toBeGreaterThanOrEqual(518);
    expect(benign.filter((entry) => entry.expect === "allow").length).toBeGreaterThanOrEqual(752);
  });

  it.each(hostile.filter((entry) => entry.expect === "deny").map((entry) => [entry.id, entry.command] as const))(
    "denies hostile %s",
    (_id, command) => {
      expect(decision(command, corpusOptions)).toBe("deny");
    },
  );

  it.each(benign.filter((entry) => entry.expect === "allow").map((entry) => [entry.id, entry.command] as const))(
    "allows benign %s",
    (_id, command) => {
      expect(decision(command, corpusOptions)).toBe("allow");
    },
  );
});

describe("own hostile forms", () => {
  it.each([
    String.raw`X=$'\x6f\x70\x65\x6e\x63\x6c\x61\x77'; $X message send`,
    "echo b3BlbmNsYXcgbWVzc2FnZSBzZW5k | base64 -d | sh",
    'sh -c "$(echo b3BlbmNsYXcgbWVzc2FnZSBzZW5k | base64 -d)"',
    `bash -c 'openclaw "$@"' _ message send`,
    "env -i bash --norc -c 'openclaw message send'",
    "sudo -u bob -- openclaw message send",
    "xargs -I{} sh -c '{}' <<< 'openclaw message send'",
    "printf 'openclaw message send' | bash",
    'OC=openclaw; "$OC" message send',
    "$(which openclaw) message send",
    "`echo openclaw` message send",
    "exec 3< <(openclaw message send)",
    "ssh localhost openclaw message send",
    "docker exec c1 openclaw message send -t x -m y",
    "kubectl exec pod -- openclaw message send",
    `perl -e 'system("open"."claw message send")'`,
    'python3 <<EOF\nimport subprocess\nsubprocess.run(["openclaw","message","send"])\nEOF',
    `node - <<< "require('child_process').execSync('openclaw message send')"`,
    "a=open b=claw; $a$b message send",
    'cmd="openclaw message send"; $cmd -t x',
    "$(echo openclaw message send) -t x",
    "X=; $X openclaw message send",
    "openclaw${IFS}message${IFS}send",
    ". <(echo openclaw message send)",
    "bash <(echo openclaw message send)",
    "find / -name openclaw -exec {} message send \\;",
    "git -c core.pager='openclaw message send' log",
    "git config alias.x '!openclaw message send'",
    "trap 'openclaw message send' EXIT",
    "echo 'openclaw message send -t x -m hi' >> ~/.bashrc",
    "printf 'openclaw message send' > notify.sh",
    "{ echo openclaw message send; } | bash",
    `bash -c 'eval "$1"' _ 'openclaw message send'`,
    "clawdbot message send",
    "moltbot message send",
    "/opt/openclaw/bin/openclaw.mjs message send",
    "node $(npm root -g)/openclaw/openclaw.mjs message send",
    "npx -p openclaw openclaw message send",
    "pnpm dlx openclaw message send",
    "yarn dlx openclaw message send",
    "bunx openclaw message send",
    "bun x openclaw message send",
    "npm exec --package=openclaw -- openclaw message send",
    'env -S"openclaw message send"',
    "nohup sh -c 'openclaw message send' &",
    "at now <<< 'openclaw message send'",
    "cat <<EOF | sh\nopenclaw message send\nEOF",
    "cd /w && bash 2>/dev/null <<EOF\nopenclaw message send\nEOF",
    "X=claw; echo | open$X message send",
    `python3 -c 'import os; os.system("openclaw message send")'`,
    `ruby -e 'system("openclaw", "message", "send")'`,
    "curl -X POST localhost:18789/tools/invoke",
    "openclaw",
    "openclaw --json status",
    "openclaw doctor --fix",
    "openclaw message send\necho 'unterminated",
  ])("denies %j", (command) => {
    expect(decision(command)).toBe("deny");
  });
});

describe("harmless commands, many mentioning openclaw", () => {
  it.each([
    "grep -rn openclaw src/ | head",
    `rg "openclaw message send" --type md`,
    `git log --grep="openclaw message"`,
    "echo openclaw message send",
    `printf '%s\\n' "openclaw message send" > docs/usage.md`,
    "cat <<'EOF' > notes.md\nnever run openclaw message send\nEOF",
    "cat README.md | grep openclaw",
    "which openclaw",
    "command -v openclaw",
    "type openclaw",
    "man openclaw",
    "ls ~/.npm-global/bin/openclaw",
    "openclaw channels list --json",
    "openclaw config get gateway.port",
    "openclaw doctor",
    "openclaw logs --follow",
    "openclaw --profile work --log-level=debug status",
    "npm install -g openclaw@2026.9.6",
    "npm view openclaw version",
    "cd ~/src/openclaw && git pull",
    "jq .gateway.port ~/.openclaw/openclaw.json",
    "echo $OPENCLAW_GATEWAY_PORT",
    `openclaw-guard check-command "openclaw message send"`,
    "npx openclaw-guard list-contacts",
    "docker compose logs openclaw",
    "kill $(pgrep -f openclaw)",
    `git commit -m "$(printf 'fix: openclaw message send path')"`,
    "git commit -am 'guard: deny openclaw message send'",
    "tar czf backup.tgz ~/.openclaw",
    "sh -c 'echo openclaw message send'",
    `bash -c "openclaw status"`,
    "timeout 5 openclaw health",
    "find . -name '*.md' -exec grep -l openclaw {} +",
    "curl -s https://registry.npmjs.org/openclaw | jq .version",
    "echo 'openclaw status' > check.sh && sh check.sh",
    "python3 -m pytest tests/test_openclaw.py",
    "make -C openclaw-docs html",
    "ssh host uptime",
    "$EDITOR notes.md",
    "curl -fsSL https://example.invalid/install.sh | sh",
  ])("allows %j", (command) => {
    expect(decision(command)).toBe("allow");
  });
});

describe("reasons", () => {
  it("names the refused subcommand", () => {
    expect(analyseCommand("openclaw --profile x message send -t a -m b").reasons).toEqual([
      "Raw `openclaw message send` is disabled here.",
    ]);
  });

  it("explains computed names", () => {
    expect(analyseCommand('C=x; "${C[@]}" openclaw').reasons[0]).toMatch(/computed at run time/);
  });

  it("refuses oversized input without parsing it", () => {
    const verdict = analyseCommand(`echo ${"a".repeat(MAX_COMMAND_LENGTH)}`);
    expect(verdict.decision).toBe("deny");
    expect(verdict.reasons[0]).toMatch(/longer than/);
  });

  it("follows the configured allowlist", () => {
    const allowList = parseAllowList(["status"]);
    expect(decision("openclaw health", { allowList })).toBe("deny");
    expect(decision("openclaw status", { allowList })).toBe("allow");
  });
});

describe("scripts about to run (peeking at files)", () => {
  const files: Record<string, string> = {
    "/proj/notify.sh": "#!/bin/sh\nset -e\nopenclaw message send -t x -m hi\n",
    "/proj/check.sh": "#!/bin/sh\nopenclaw status\n",
    "/proj/x.py": "import subprocess\nsubprocess.run(['openclaw', 'message', 'send'])\n",
    "/proj/tool.py": "import subprocess\nsubprocess.run(['ls'])\n",
    "/proj/sub/run.sh": "openclaw gateway call send\n",
    "/proj/package.json": JSON.stringify({ scripts: { notify: "openclaw message send -t x -m hi", test: "vitest run", postbuild: "openclaw cron add", build: "tsc" } }),
    "/proj/Makefile": "OC = openclaw\nall:\n\techo ok\nnotify:\n\t@$(OC) message send -t x -m hi\n",
    "/home/u/bin/send.sh": "moltbot message send\n",
  };
  const options = { cwd: "/proj", homeDir: "/home/u", readFile: (file: string) => files[file] };
  const verdictOf = (command: string) => analyseCommand(command, options).decision;

  it.each([
    "./notify.sh",
    "bash notify.sh",
    "sh -e ./notify.sh",
    "source notify.sh",
    ". /proj/notify.sh",
    "cat notify.sh | sh",
    "sh < notify.sh",
    "python3 x.py",
    "cd sub && ./run.sh",
    "npm run notify",
    "npm run build",
    "yarn notify",
    "pnpm run notify",
    "make notify",
    "make",
    "~/bin/send.sh",
  ])("denies %j because of what the file says", (command) => {
    expect(verdictOf(command)).toBe("deny");
  });

  it.each(["./check.sh", "sh check.sh", "python3 tool.py", "npm test", "./missing.sh", "npm run missing"])("allows %j", (command) => {
    expect(verdictOf(command)).toBe("allow");
  });

  it("cannot peek without a reader (the pure default)", () => {
    expect(analyseCommand("./notify.sh", { cwd: "/proj" }).decision).toBe("allow");
  });
});

describe("analyseFileContent (Write/Edit)", () => {
  it.each([
    ["/p/deploy.sh", "#!/bin/bash\nopenclaw message send -t x -m hi\n"],
    ["/p/hook", "#!/usr/bin/env bash\nclawdbot message send\n"],
    ["/p/Makefile", "send:\n\topenclaw message send -t x -m hi\n"],
    ["/p/package.json", `{"scripts": {"x": "openclaw message send -t x -m hi"}}`],
    ["/p/package.json", `    "notify": "sh -c 'openclaw message send'",`],
    ["/p/send.py", "import subprocess\nsubprocess.run(['openclaw', 'message', 'send'])\n"],
    ["/p/client.mjs", "import WebSocket from 'ws';\nnew WebSocket('ws://127.0.0.1:18789');\n"],
    ["/home/u/.bashrc", "alias oc=openclaw\n"],
  ])("refuses %s", (file, content) => {
    expect(analyseFileContent(file, content).decision).toBe("deny");
  });

  it.each([
    ["/p/README.md", "Never run `openclaw message send`; use send_message.\n"],
    ["/p/notes.txt", "openclaw message send -t x -m hi\n"],
    ["/p/check.sh", "#!/bin/sh\nopenclaw status\n"],
    ["/p/package.json", `{"scripts": {"test": "vitest run"}, "keywords": ["openclaw"]}`],
    ["/p/Makefile", "test:\n\tnpm test\n"],
    ["/p/app.py", "print('hello')\n"],
  ])("accepts %s", (file, content) => {
    expect(analyseFileContent(file, content).decision).toBe("allow");
  });
});

describe("properties", () => {
  const cliSpellings = [
    "openclaw", "clawdbot", "moltbot", "/usr/local/bin/openclaw", "./node_modules/.bin/openclaw", "~/.npm-global/bin/openclaw",
    "o'pen'claw", '"open"claw', "\\openclaw", "$'\\x6fpenclaw'", "npx -y openclaw@latest", "npm exec -- openclaw",
    "node ./node_modules/openclaw/openclaw.mjs",
  ];
  const rootOptions = ["--dev", "--no-color", "--profile work", "--profile=message", "--log-level=debug", "--log-level info", "--"];
  const sendPaths = [
    "message send -t x -m hi", "message broadcast --targets a,b -m hi", "message poll -t x", "gateway call send --params '{}'",
    "agent --deliver -m hi", "cron add --at 1m --announce", "mcp serve", "config set gateway.auth.mode none", "message react -t x",
  ];
  type Wrap = (command: string) => string;
  /** Launchers prefix a simple command. */
  const launchers: Wrap[] = [
    (c) => `env ${c}`, (c) => `env -i PATH=/usr/bin ${c}`, (c) => `nohup ${c}`, (c) => `time -p ${c}`, (c) => `timeout 5 ${c}`,
    (c) => `nice -n 5 ${c}`, (c) => `command ${c}`, (c) => `exec ${c}`, (c) => `sudo -E ${c}`, (c) => `setsid ${c}`,
    (c) => `stdbuf -oL ${c}`, (c) => `xargs -0 ${c}`, (c) => `watch -n1 ${c}`,
  ];
  /** Contexts take any command (simple or compound) and give a new one. */
  const contexts: Wrap[] = [
    (c) => `sh -c ${shQuote(c)}`, (c) => `bash -lc ${shQuote(c)}`, (c) => `eval ${shQuote(c)}`, (c) => `env -S ${shQuote(c)}`,
    (c) => `cd /tmp && ${c}`, (c) => `true; ${c}`, (c) => `( ${c} )`, (c) => `{ ${c}; }`, (c) => `echo "$( ${c} )"`,
    (c) => `if true; then ${c}; fi`, (c) => `for i in 1; do ${c}; done`, (c) => `${c} &`, (c) => `echo ${shQuote(c)} | sh`,
    (c) => `bash <<'EOF'\n${c}\nEOF`, (c) => `sh -s <<< ${shQuote(c)}`, (c) => `f() { ${c}; }; f`,
    (c) => `${c} # comment`, (c) => `${c}\necho done`, (c) => `cat <(${c})`, (c) => `script -qc ${shQuote(c)} /dev/null`,
    (c) => `printf '%s\\n' ${shQuote(c)} > t.sh && sh t.sh`,
  ];

  it("denies any disguise of a send path", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cliSpellings),
        fc.subarray(rootOptions),
        fc.constantFrom(...sendPaths),
        fc.array(fc.constantFrom(...launchers), { maxLength: 3 }),
        fc.constantFrom("", "X=1 ", "PATH=/usr/local/bin:$PATH "),
        fc.array(fc.constantFrom(...contexts), { maxLength: 3 }),
        (cli, options, sendPath, prefixes, assignment, outers) => {
          const simple = assignment + prefixes.reduce((inner, wrap) => wrap(inner), [cli, ...options, sendPath].join(" "));
          const command = outers.reduce((inner, wrap) => wrap(inner), simple);
          expect(analyseCommand(command).decision, command).toBe("deny");
        },
      ),
      { numRuns: 400 },
    );
  });

  it("never denies ordinary commands whose quoted arguments are arbitrary text", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }).filter((s) => !s.includes("\0")),
      fc.constantFrom("openclaw", "openclaw message send", "message", "send -t x -m hi", "18789", "clawdbot"),
    );
    const commandName = fc.constantFrom("echo", "grep -n", "rg", "git commit -m", "printf '%s\\n'", "cat", "ls", "wc -l", "head -n 3");
    const simple = fc.tuple(commandName, fc.array(text, { maxLength: 3 })).map(([name, args]) => [name, ...args.map(shQuote)].join(" "));
    const filter = fc.constantFrom("grep openclaw", "wc -l", "head -n 1", "sort -u", "cat");
    const line = fc.tuple(simple, fc.option(filter)).map(([left, right]) => (right === null ? left : `${left} | ${right}`));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 3 }), fc.constantFrom(" && ", "; ", "\n", " || "), (lines, separator) => {
        const command = lines.join(separator);
        expect(analyseCommand(command).decision, command).toBe("allow");
      }),
      { numRuns: 400 },
    );
  });

  it("plainCommandVerdict answers like analyseCommand whenever it answers", () => {
    const word = fc.constantFrom(
      "git", "status", "ls", "-la", "npm", "test", "make", "sh", "bash", "openclaw", "message", "send", "./x.sh", "/usr/bin/env",
      "X=1", "cd", "/tmp", "if", "do", "echo", "cat", "claw", "eval", "node", "-e", "foo", ".", "xargs", "moltbot", "time", "rg", "wc",
      "-c", "alias.x=ls", "core.pager=less", "config", "cp", "ln", "-s", "alias", "hash", "-p", "curl", "localhost:1/tools/invoke",
      "'openclaw message send'", '"sh"', "'sh'", '"a b"', "'$(id)'", '"$(id)"', "'; sh'", '"x|y"', "# note", "'#'", '"claw"', "'ls'",
      "&", "'--target +1555'", '"--message"', "'\\'", "`id`",
      // Issue 21: programs handed a file they run, and writers with new rules.
      "awk", "gawk", "-f", "--file=x.awk", "apply", "--unsafe-paths", "mount", "crontab", "man", "-P", "chmod", "600", "x.txt",
    );
    const separator = fc.constantFrom(" ", " ", " ", " && ", " || ", "; ", " | ", "|");
    let answered = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 6 }), (parts) => {
        const command = parts.map(([w, sep]) => w + sep).join("").trim();
        const plain = plainCommandVerdict(command);
        if (plain === undefined) return;
        answered++;
        expect(plain, command).toEqual(analyseCommand(command, { cwd: "/nonexistent" }));
      }),
      { numRuns: 600 },
    );
    expect(answered).toBeGreaterThan(30);
  });

  it("plainCommandVerdict answers literal quoting and comments, and leaves expansion or redirection to the parser", () => {
    for (const command of ["git status", "ls -la | wc -l", "cd /tmp && git pull; rg -n foo src", "cp a b", "echo 'a'", 'grep -rn "TODO|FIXME" src', "git commit -m 'fix: x; y'", "ls # list"]) {
      expect(plainCommandVerdict(command), command).toEqual({ decision: "allow", reasons: [] });
    }
    for (const command of ["echo $X", "ls > out", 'echo "$HOME"', "echo \"`id`\"", "git status\nls", "sh", "./run.sh", "openclaw status", "X=1 ls", "grep claw x", "ls &", '"sh" -c x', "'bash' x", "echo 'unterminated", "echo 'openclaw message send'", "awk -f x.awk data", "gawk --file=x.awk", "git apply --unsafe-paths p.diff", "crontab jobs.txt", "man -P cat ls"]) {
      expect(plainCommandVerdict(command), command).toBeUndefined();
    }
  });
});
