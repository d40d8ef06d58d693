// The registered hook command on the pinned Node 24: there V8 ignores flags set at run time, so
// the command line must carry them (without --liftoff-only a parsed command kept the process alive
// ~2 s), the compile cache is on and lands in the guard's state folder, and an analysis that never
// settles denies instead of exiting 0.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hookArgv } from "../../src/setup/init-plan.js";
import { NODE24, requireE2eTools } from "../support/openclaw-gateway.js";

const CLI = join(import.meta.dirname, "..", "..", "dist", "cli.js");
const home = mkdtempSync(join(tmpdir(), "ocg-hook24-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const [, ...args] = hookArgv({ node: NODE24, cli: CLI, config: join(home, "none.json5") }, "claude-code");
const bash = (command: string) => JSON.stringify({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command }, cwd: home });
const run = (input: string, nodeOptions: string[] = []) =>
  spawnSync(NODE24, [...nodeOptions, ...args], { input, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: home } });

describe("the registered hook on Node 24", () => {
  requireE2eTools();
  it("denies a send that needs the parser and allows an ordinary parsed command", () => {
    expect(run(bash("x=1; bash -c \"openclaw message send --target +15551234567 -m hi\""))).toMatchObject({ status: 2, stderr: expect.stringMatching(/Raw `openclaw message send` is disabled/) });
    expect(run(bash("cd /tmp/proj && npm test -- --runInBand | tail -5"))).toMatchObject({ status: 0, stderr: "" });
  });

  it("keeps its compile cache in the guard's state folder", () => {
    run(bash("git status"));
    const cache = join(home, ".local", "state", "openclaw-guard", "compile-cache");
    expect(existsSync(cache) && readdirSync(cache).length > 0).toBe(true);
  });

  it("does not hang when the state folder cannot be made (Node's recursive mkdir never returns under /proc)", () => {
    const result = spawnSync(NODE24, args, { input: bash("git status"), encoding: "utf8", timeout: 20_000, env: { PATH: process.env.PATH ?? "", HOME: "/proc/openclaw-guard-test" } });
    expect(result).toMatchObject({ status: 0, stderr: "" });
  });

  it("denies when the analysis never settles (an eager wasm compile on Node 24 leaves its promise pending)", () => {
    const result = run(bash("npm test | tail -5"), ["--no-wasm-lazy-compilation"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/failed closed: the check ended without a decision/);
  });
});
