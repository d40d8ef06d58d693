// End to end: the PATH shim on the agent's PATH only. `openclaw-guard init claude-code` (the built
// CLI) in a fresh HOME, then the guard hook and the deny rules are taken out of the settings, so only
// the shim stands between the model and the CLI. The real Claude Code, driven by the fake model,
// runs `openclaw message send` through its Bash tool: the shim refuses it (settings env.PATH put it
// first; Claude Code does not expand $PATH there, init wrote an absolute value). In the same HOME
// the human's shell, with no agent variables, reaches the real CLI: by their own PATH (init touched
// no rc file), and at a terminal even with the shim put on their PATH by hand. The "real" openclaw
// is a script that records its argv.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, runClaude } from "../support/claude-code.js";

const CLI = join(REPO_ROOT, "dist/cli.js");
const NUMBER = "+15551234567";

let root: string;
let home: string;
let cwd: string;
let bin: string;
let log: string;
let userPath: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ocg-agent-path-e2e-"));
  [home, cwd, bin, log] = [join(root, "home"), join(root, "work"), join(root, "bin"), join(root, "openclaw-ran.log")];
  await Promise.all([mkdir(join(home, ".config", "openclaw-guard"), { recursive: true }), mkdir(cwd), mkdir(bin)]);
  await writeFile(join(bin, "openclaw"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\necho "real openclaw: $*"\n`);
  await chmod(join(bin, "openclaw"), 0o755);
  await writeFile(log, "");
  await writeFile(join(home, ".config", "openclaw-guard", "config.json5"), `{ openclaw: { transport: "dry-run" }, contacts: { ops: { channel: "telegram", target: "-1001234567890" } } }\n`, { mode: 0o600 });
  // A profile and bashrc that put the real CLI first, as a user's rc files may: Claude Code's shells must not take PATH from them.
  await writeFile(join(home, ".bashrc"), `export PATH="${bin}:$PATH"\n`);
  await writeFile(join(home, ".profile"), `export PATH="${bin}:$PATH"\n`);
  userPath = `${bin}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
});

afterEach(() => rm(root, { recursive: true, force: true }));

const ran = async () => (await readFile(log, "utf8")).split("\n").filter(Boolean);
/** The human's environment: their own PATH, none of the variables an agent client sets. */
const humanEnv = (path = userPath) => ({ HOME: home, PATH: path, TERM: "dumb" });

describe("the PATH shim on Claude Code's PATH only (settings env.PATH), with the real Claude Code", () => {
  it("the model's raw send is refused by the shim alone; the human's gateway status, plugins list and devices list reach the real CLI", async () => {
    const init = await execa(process.execPath, [CLI, "init", "claude-code"], { cwd, env: humanEnv(), extendEnv: false, reject: false });
    expect(init.exitCode, init.stderr).toBe(0);
    const shimDir = join(home, ".local/share/openclaw-guard/bin");
    // Only the shim stands in the way: no hook, no deny rule.
    const settingsFile = join(home, ".claude/settings.json");
    const settings = JSON.parse(await readFile(settingsFile, "utf8")) as { hooks?: unknown; permissions: { deny: string[] }; env: { PATH: string } };
    expect(settings.env.PATH).toBe(`${shimDir}:${userPath}`);
    delete settings.hooks;
    settings.permissions.deny = settings.permissions.deny.filter((rule) => !rule.startsWith("Bash("));
    await writeFile(settingsFile, JSON.stringify(settings, null, 2));

    const commands = [
      `openclaw message send --target ${NUMBER} --message hi`,
      `bash -lc 'openclaw message send --target ${NUMBER} --message hi'`,
      "openclaw gateway status",
      'printf "%s\\n" "$PATH"',
    ];
    const session = await runClaude({
      home,
      cwd,
      permissionMode: "bypassPermissions",
      path: userPath,
      script: commands.map((command) => ({ tool: "Bash", input: { command, description: "run" } })),
      timeoutMs: 120_000,
    });
    expect(session.timedOut).toBe(false);
    expect(session.toolResults.map((r) => r.tool)).toEqual(commands.map(() => "Bash"));
    const [send, loginSend, status, path] = session.toolResults;
    expect(send!.is_error).toBe(true);
    expect(send!.text).toContain("openclaw-guard: raw `openclaw message send` is disabled here.");
    // A login shell sources ~/.profile, which puts the real CLI first: the shim does not see that one
    // (the hook does, and it is off in this test). Documented as the shim's limit.
    expect(loginSend!.text).toContain("real openclaw: message send");
    expect(status!.is_error, status!.text).toBeFalsy();
    expect(status!.text).toContain("real openclaw: gateway status");
    expect(path!.text.trim().split(":")[0]).toBe(shimDir);
    expect(await ran()).toEqual([`message send --target ${NUMBER} --message hi`, "gateway status"]);

    // The human, same HOME, own PATH (init wrote no rc file): the real CLI, with no shim note.
    await writeFile(log, "");
    for (const args of [["gateway", "status"], ["plugins", "list"], ["devices", "list"]]) {
      const human = await execa("openclaw", args, { cwd, env: humanEnv(), extendEnv: false, reject: false });
      expect(human.exitCode, human.stderr).toBe(0);
      expect(human.stdout).toBe(`real openclaw: ${args.join(" ")}`);
      expect(human.stderr).toBe("");
    }
    // With the shim on their own PATH too, at a terminal (a pty from script(1)): still the real CLI
    // (for a command outside the agents' allowlist, devices list, with one line naming the real binary);
    // sending stays refused, with advice for a person.
    const atTerminal = async (command: string) =>
      execa("script", ["-qec", command, "/dev/null"], { cwd, env: humanEnv(`${shimDir}:${userPath}`), extendEnv: false, reject: false });
    for (const command of ["openclaw gateway status", "openclaw plugins list", "openclaw devices list"]) {
      const human = await atTerminal(command);
      expect(human.exitCode, human.stdout).toBe(0);
      expect(human.stdout).toContain(`real openclaw: ${command.slice("openclaw ".length)}`);
      if (command.endsWith("devices list")) expect(human.stdout).toContain(`at a terminal it runs the real CLI (${bin}/openclaw)`);
    }
    const humanSend = await atTerminal(`openclaw message send --target ${NUMBER} --message hi`);
    expect(humanSend.exitCode).toBe(2);
    expect(humanSend.stdout).toContain("meant for AI agents");
    expect(await ran()).toEqual(["gateway status", "plugins list", "devices list", "gateway status", "plugins list", "devices list"]);
  }, 240_000);
});
