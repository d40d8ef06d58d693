import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERSION } from "../src/version.js";
import { CLI, privateDir } from "./helpers.js";

const COMMANDS = ["serve", "token", "send", "list-contacts", "init", "doctor", "audit", "check-command", "hook", "shim"];

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
}

function freshHome(): NodeJS.ProcessEnv {
  const home = privateDir();
  return { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".state"), OPENCLAW_GUARD_CONFIG: "" };
}

describe("the CLI", () => {
  it("prints its version on stdout", () => {
    const result = run(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
  });

  it("prints help for itself and every command on stdout with exit 0", () => {
    for (const args of [["--help"], ["help"], ...COMMANDS.map((c) => [c, "--help"]), ...COMMANDS.map((c) => ["help", c])]) {
      const result = run(args, freshHome());
      expect(result.status, args.join(" ")).toBe(0);
      expect(result.stdout, args.join(" ")).toMatch(/^usage: openclaw-guard /);
      expect(result.stderr, args.join(" ")).toBe("");
    }
  });

  it("does not take a checked command's --help for its own", () => {
    const result = run(["check-command", "--json", "--", "ls", "--help"], freshHome());
    expect(result.stdout).not.toMatch(/^usage:/);
  });

  it("reports a parse error once, named once, followed by the command's usage once", () => {
    for (const [command, bad] of [["init", "--bogus"], ["doctor", "--nope"], ["token", "--x"], ["send", "--y"]] as const) {
      const result = run([command, bad], freshHome());
      expect(result.status).toBe(2);
      expect(result.stderr.split("\n")[0]).toBe(`openclaw-guard ${command}: Unknown option '${bad}'.`);
      expect(result.stderr.match(/openclaw-guard/g)?.length ?? 0).toBeLessThanOrEqual(2);
      expect(result.stderr.match(/usage:/gi)).toHaveLength(1);
      expect(result.stderr).not.toMatch(/positional argument starting with/);
    }
  });

  it("neither crashes nor skips writing when its output pipe closes early", () => {
    for (const consumer of ["head -1", "true"]) {
      const env = freshHome();
      const result = spawnSync("bash", ["-c", `set -o pipefail; "$0" "$1" init claude-code 2>/dev/null | ${consumer}`, process.execPath, CLI], { encoding: "utf8", env: { ...process.env, ...env } });
      expect(result.status, consumer).toBe(0);
      expect(existsSync(join(env.HOME!, ".claude", "settings.json")), consumer).toBe(true);
      expect(existsSync(join(env.HOME!, ".claude.json")), consumer).toBe(true);
    }
  });

  it("changes nothing on a second init --remove", () => {
    const env = freshHome();
    expect(run(["init", "claude-code"], env).status).toBe(0);
    expect(run(["init", "--remove", "claude-code"], env).status).toBe(0);
    const after = readdirSync(env.HOME!, { recursive: true }).sort();
    const again = run(["init", "--remove", "claude-code"], env);
    expect(again.status).toBe(0);
    expect(readdirSync(env.HOME!, { recursive: true }).sort()).toEqual(after);
    expect(again.stdout).toMatch(/\(absent\)/);
  });
});
