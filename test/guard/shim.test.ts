// The shims run in real bash and dash. A fake "real" openclaw logs its argv (NUL-separated)
// to $FAKE_LOG, echoes stdin and exits with $FAKE_EXIT, so each test sees what reached it.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_ALLOW_LIST, decideOpenclawArgv, parseAllowList } from "../../src/guard/openclaw-policy.js";
import { generateShim, installShims, isShimFile, SHIM_MARKER, uninstallShims } from "../../src/guard/shim.js";
import { run as shimCommand } from "../../src/guard/shim-command.js";

const SHELLS = ["bash", "dash"] as const;
const FAKE_CLI = `#!/bin/sh
printf '%s\\0' "$@" > "$FAKE_LOG"
cat
exit "\${FAKE_EXIT:-0}"
`;

let root: string;
let shimDir: string;
let fakeDir: string;
let logCounter = 0;

function writeExecutable(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  /** argv the fake real binary received, or undefined if it never ran. */
  reached?: string[];
}

function runIn(shell: string, script: string, options: { path?: string; env?: Record<string, string>; input?: string } = {}): Outcome {
  const log = path.join(root, `log-${++logCounter}`);
  const result = spawnSync(shell, ["-c", script], {
    env: { PATH: options.path ?? `${shimDir}:${fakeDir}:/usr/bin:/bin`, FAKE_LOG: log, HOME: root, ...options.env },
    input: options.input ?? "",
    encoding: "utf8",
    timeout: 10_000,
  });
  const reached = existsSync(log) ? readFileSync(log, "utf8").split("\0").slice(0, -1) : undefined;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, reached };
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "guard-shim-"));
  shimDir = path.join(root, "shims");
  fakeDir = path.join(root, "fake");
  for (const name of ["openclaw", "clawdbot", "moltbot"]) writeExecutable(path.join(fakeDir, name), FAKE_CLI);
  mkdirSync(shimDir);
  installShims(shimDir, DEFAULT_ALLOW_LIST);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe.each(SHELLS)("shims in %s", (shell) => {
  it.each([
    "openclaw message send -t x -m hi",
    "o'pen'claw message send -t x -m hi",
    "X=open; ${X}claw message send -t x -m hi",
    `eval "openclaw message send -t x -m hi"`,
    "sh -c 'openclaw message send -t x -m hi'",
    "echo message send -t x -m hi | xargs openclaw",
    "find /dev/null -maxdepth 0 -exec openclaw message send -t x -m hi \\;",
    "command openclaw message send",
    "env openclaw message send",
    `python3 -c 'import subprocess, sys; sys.exit(subprocess.run(["openclaw","message","send"]).returncode)'`,
    "openclaw --profile x --dev message send",
    "openclaw --profile message message send",
    "openclaw --log-level=debug message send",
    "openclaw -- message send",
    "openclaw gateway call send --params '{}'",
    "openclaw agent --deliver -m hi",
    "openclaw cron add --announce",
    "openclaw config set gateway.auth.mode none",
    "openclaw doctor --fix",
    "openclaw --json status",
    "openclaw",
    "clawdbot message send",
    "moltbot message send",
  ])("refuses %j before the real binary runs", (script) => {
    const outcome = runIn(shell, script);
    expect(outcome.reached).toBeUndefined();
    expect(outcome.stderr).toContain("mcp__openclaw-guard__send_message");
  });

  it.each(["openclaw message send -m --help", "openclaw message --help send", "openclaw message --help send --help", "openclaw message send -- --help"])("refuses %j (--help not the one final option)", (script) => {
    expect(runIn(shell, script).status).toBe(2);
  });

  it("exits 2 and names the refused subcommand", () => {
    const outcome = runIn(shell, "openclaw --profile p message send -t x -m hi");
    expect(outcome.status).toBe(2);
    expect(outcome.stderr).toMatch(/^openclaw-guard: raw `openclaw message send` is disabled here\. Use the `send_message` tool/);
  });

  it.each([
    ["openclaw status --json", ["status", "--json"]],
    ["openclaw --profile work health", ["--profile", "work", "health"]],
    ["openclaw --version", ["--version"]],
    ["openclaw -V", ["-V"]],
    ["openclaw channels list", ["channels", "list"]],
    ["openclaw config get gateway.port", ["config", "get", "gateway.port"]],
    ["openclaw doctor", ["doctor"]],
    ["openclaw help message", ["help", "message"]],
    // Issue 21: subcommand words and one final --help print the help.
    ["openclaw message --help", ["message", "--help"]],
    ["openclaw message send -h", ["message", "send", "-h"]],
    ["clawdbot status", ["status"]],
    [`openclaw status 'two  spaces' '' '*' "$(printf 'line1\\nline2')" "it's"`, ["status", "two  spaces", "", "*", "line1\nline2", "it's"]],
  ])("passes %j through with argv intact", (script, argv) => {
    const outcome = runIn(shell, script);
    expect(outcome.reached).toEqual(argv);
    expect(outcome.status).toBe(0);
  });

  it("passes the exit code and stdin through", () => {
    const outcome = runIn(shell, "openclaw status", { env: { FAKE_EXIT: "7" }, input: "hello\nworld\n" });
    expect(outcome.status).toBe(7);
    expect(outcome.stdout).toBe("hello\nworld\n");
  });
});

describe("finding the real binary", () => {
  it("stops with 127 when only shims are in PATH (two copies, no loop)", () => {
    const copy = path.join(root, "shims-copy");
    mkdirSync(copy, { recursive: true });
    installShims(copy, DEFAULT_ALLOW_LIST);
    const started = Date.now();
    const outcome = runIn("dash", "openclaw status", { path: `${shimDir}:${copy}:/usr/bin:/bin` });
    expect(outcome.status).toBe(127);
    expect(outcome.stderr).toMatch(/not found/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("gives up with 127 when a non-shim wrapper calls back into the shim", () => {
    const loopDir = path.join(root, "loop");
    writeExecutable(path.join(loopDir, "openclaw"), '#!/bin/sh\nexec openclaw "$@"\n');
    const outcome = runIn("bash", "openclaw status", { path: `${shimDir}:${loopDir}:/usr/bin:/bin` });
    expect(outcome.status).toBe(127);
    expect(outcome.stderr).toMatch(/call each other/);
  });

  it("treats a malformed depth variable as exhausted (env can only make it stricter)", () => {
    const outcome = runIn("dash", "openclaw status", { env: { OPENCLAW_GUARD_SHIM_DEPTH: "-5" } });
    expect(outcome.status).toBe(127);
    expect(outcome.reached).toBeUndefined();
  });

  it("uses --real before PATH and falls back to PATH when it is gone", () => {
    const hidden = path.join(root, "hidden", "openclaw-real");
    writeExecutable(hidden, FAKE_CLI.replace("cat\n", "echo via-real\n"));
    const realDir = path.join(root, "with-real");
    mkdirSync(realDir, { recursive: true });
    installShims(realDir, DEFAULT_ALLOW_LIST, hidden);
    const viaReal = runIn("dash", "openclaw status", { path: `${realDir}:${fakeDir}:/usr/bin:/bin` });
    expect(viaReal.stdout).toBe("via-real\n");
    expect(viaReal.reached).toEqual(["status"]);
    rmSync(hidden);
    const viaPath = runIn("dash", "openclaw status", { path: `${realDir}:${fakeDir}:/usr/bin:/bin`, input: "x" });
    expect(viaPath.stdout).toBe("x");
  });

  it("refuses a --real that is itself a shim", () => {
    expect(() => installShims(path.join(root, "other"), DEFAULT_ALLOW_LIST, path.join(shimDir, "openclaw"))).toThrow(/is an openclaw-guard shim/);
  });
});

describe("install and uninstall", () => {
  it("refuses to overwrite files it did not write", () => {
    const dir = path.join(root, "foreign");
    writeExecutable(path.join(dir, "moltbot"), "#!/bin/sh\necho mine\n");
    expect(() => installShims(dir, DEFAULT_ALLOW_LIST)).toThrow(/refusing to overwrite/);
    expect(readFileSync(path.join(dir, "moltbot"), "utf8")).toContain("mine");
  });

  it("removes only its own shims", () => {
    const dir = path.join(root, "uninstall");
    mkdirSync(dir);
    installShims(dir, DEFAULT_ALLOW_LIST);
    writeExecutable(path.join(dir, "clawdbot"), "#!/bin/sh\necho replaced by the user\n");
    writeExecutable(path.join(dir, "other"), `#!/bin/sh\n# ${SHIM_MARKER}\n`);
    expect(uninstallShims(dir).map((f) => path.basename(f)).sort()).toEqual(["moltbot", "openclaw"]);
    expect(existsSync(path.join(dir, "clawdbot"))).toBe(true);
    expect(existsSync(path.join(dir, "other"))).toBe(true);
    expect(existsSync(path.join(dir, "openclaw"))).toBe(false);
  });

  it("the command prints where the PATH line goes, and uninstall reverses install", async () => {
    const dir = path.join(root, "via-command");
    const output: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
    try {
      expect(await shimCommand(["install", "--dir", dir, "--config", path.join(root, "no-config.json5")])).toBe(0);
      expect(output.join("")).toContain(`export PATH="${dir}:$PATH"`);
      expect(output.join("")).toMatch(/~\/\.profile/);
      expect(isShimFile(path.join(dir, "openclaw"))).toBe(true);
      expect(await shimCommand(["uninstall", "--dir", dir])).toBe(0);
      expect(existsSync(path.join(dir, "openclaw"))).toBe(false);
    } finally {
      write.mockRestore();
    }
  });

  it("rejects incomplete arguments", async () => {
    const error = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await shimCommand(["install"])).toBe(2);
      expect(await shimCommand(["remove", "--dir", root])).toBe(2);
    } finally {
      error.mockRestore();
    }
  });
});

describe("the shim applies the same policy as decideOpenclawArgv", () => {
  const token = fc.oneof(
    fc.constantFrom(
      "--profile", "--profile=x", "--log-level", "--container", "--dev", "--no-color", "--version", "-V", "--help", "-h", "--",
      "--json", "-x", "message", "send", "status", "health", "channels", "list", "add", "config", "get", "set", "doctor",
      "--fix", "--fix=1", "--repair", "help", "logs", "", "*", "a b", "sessions",
      "gateway.port", "gateway.auth.token", "gateway", "channels.telegram.botToken", "x.KEY.y", "env.X", "--yes", "--force", "--generate-gateway-token",
    ),
    fc.string({ maxLength: 6 }).filter((s) => !s.includes("\0")),
  );
  const lists = [DEFAULT_ALLOW_LIST, parseAllowList(["status", "channels list !--all", "-h", "message read"])];

  it.each(lists.map((list, k) => [k, list] as const))("agrees on random argv (list %i), in bash and dash", (k, allowList) => {
    const file = path.join(root, `policy-${k}`, "openclaw");
    writeExecutable(file, generateShim("openclaw", allowList, path.join(fakeDir, "openclaw")));
    fc.assert(
      fc.property(fc.array(token, { maxLength: 5 }), fc.constantFrom(...SHELLS), (argv, shell) => {
        const log = path.join(root, `log-${++logCounter}`);
        const result = spawnSync(shell, [file, ...argv], { env: { PATH: "/usr/bin:/bin", FAKE_LOG: log }, input: "", encoding: "utf8" });
        const reached = existsSync(log);
        expect(reached, `${shell} ${JSON.stringify(argv)}: ${result.stderr}`).toBe(decideOpenclawArgv(argv, allowList).allowed);
        expect(result.status).toBe(reached ? 0 : 2);
      }),
      { numRuns: 150 },
    );
  });
});

describe("the shim clears variables that load code into the real binary", () => {
  it.each(SHELLS)("unsets NODE_OPTIONS, LD_PRELOAD and the like before exec (%s)", (shell) => {
    const dir = path.join(root, `preload-${shell}`);
    const real = path.join(dir, "real", "openclaw");
    writeExecutable(real, '#!/bin/sh\nprintf "%s|%s|%s|%s\\n" "${NODE_OPTIONS-unset}" "${LD_PRELOAD-unset}" "${BASH_ENV-unset}" "${KEEP-unset}"\n');
    writeExecutable(path.join(dir, "shims", "openclaw"), generateShim("openclaw", DEFAULT_ALLOW_LIST, real));
    const result = spawnSync(shell, [path.join(dir, "shims", "openclaw"), "status"], {
      env: { PATH: "/usr/bin:/bin", NODE_OPTIONS: "--require ./x.cjs", LD_PRELOAD: "./x.so", BASH_ENV: "./x.sh", KEEP: "kept" },
      encoding: "utf8",
    });
    expect(result.stdout.trim()).toBe("unset|unset|unset|kept");
  });
});

describe("config get and doctor in the shim", () => {
  it.each([
    [["config", "get", "gateway.port"], true],
    [["config", "get", "gateway.auth.token"], false],
    [["config", "get", "gateway"], false],
    [["config", "get"], false],
    [["config", "get", "--json", "channels.whatsapp.allowFrom"], true],
    [["doctor"], true],
    [["doctor", "--generate-gateway-token", "--yes"], false],
    [["doctor", "--force", "--yes"], false],
  ] as const)("%j reaches the real binary: %s (as decideOpenclawArgv says)", (argv, allowed) => {
    expect(decideOpenclawArgv(argv, DEFAULT_ALLOW_LIST).allowed).toBe(allowed);
    for (const shell of SHELLS) expect(runIn(shell, `openclaw ${argv.join(" ")}`).reached !== undefined, shell).toBe(allowed);
  });
});

/** `script` from util-linux gives the shell a pseudo-terminal, as a person's terminal would. */
function runAtTerminal(shell: string, command: string, env: Record<string, string> = {}): Outcome {
  const log = path.join(root, `log-${++logCounter}`);
  const result = spawnSync("script", ["-qec", `${shell} -c ${JSON.stringify(command)}`, "/dev/null"], {
    env: { PATH: `${shimDir}:${fakeDir}:/usr/bin:/bin`, FAKE_LOG: log, HOME: root, SHELL: "/bin/sh", TERM: "dumb", ...env },
    input: "",
    encoding: "utf8",
    timeout: 10_000,
  });
  const reached = existsSync(log) ? readFileSync(log, "utf8").split("\0").slice(0, -1) : undefined;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, reached };
}

describe.each(SHELLS)("a person at a terminal with the shim on their PATH (%s)", (shell) => {
  it.each([
    "openclaw gateway status",
    "openclaw plugins list",
    "openclaw devices list",
    "openclaw gateway run",
    "openclaw gateway restart",
    "openclaw plugins reload",
    "openclaw devices approve req-1",
  ])("gets the real CLI for %j, told where it is", (command) => {
    const outcome = runAtTerminal(shell, command);
    expect(outcome.reached).toEqual(command.split(" ").slice(1));
    expect(outcome.status).toBe(0);
    if (outcome.stdout.includes("PATH shim")) expect(outcome.stdout).toContain(path.join(fakeDir, "openclaw"));
  });

  it.each(["openclaw message send -t x -m hi", "openclaw agent --deliver -m hi", "openclaw gateway call send --params '{}'"])(
    "is still refused %j, with how to reach the real binary (not advice for a model)",
    (command) => {
      const outcome = runAtTerminal(shell, command);
      expect(outcome.reached).toBeUndefined();
      expect(outcome.status).toBe(2);
      expect(outcome.stdout).toMatch(/full path/);
      expect(outcome.stdout).not.toContain("mcp__openclaw-guard__send_message");
    },
  );

  it.each(["CLAUDECODE", "GEMINI_CLI", "OPENCLAW_GUARD_AGENT"])("treats a terminal with %s set as an agent's", (marker) => {
    const outcome = runAtTerminal(shell, "openclaw gateway restart", { [marker]: "1" });
    expect(outcome.reached).toBeUndefined();
    expect(outcome.stdout).toContain("mcp__openclaw-guard__send_message");
  });

  it("refuses an agent's shell without a terminal, as before", () => {
    for (const command of ["openclaw gateway restart", "openclaw plugins reload", "openclaw devices approve x", "openclaw message send -t x -m hi"]) {
      const outcome = runIn(shell, command);
      expect(outcome.reached, command).toBeUndefined();
      expect(outcome.stderr, command).toContain("mcp__openclaw-guard__send_message");
    }
  });
});
