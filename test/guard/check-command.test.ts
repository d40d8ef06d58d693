import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideHookInput } from "../../src/guard/hook-command.js";
import { DEFAULT_ALLOW_LIST } from "../../src/guard/openclaw-policy.js";
import { installShims } from "../../src/guard/shim.js";
import { cliPath, requireBuiltCli } from "./built-cli.js";
import { loadCorpus } from "./corpus.js";

beforeAll(requireBuiltCli);

const check = (args: string[], input = "") =>
  spawnSync(process.execPath, [cliPath, "check-command", ...args], { input, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent" } });

describe("openclaw-guard check-command", () => {
  it("exits 2 with the reason on stderr for a send path", () => {
    const result = check(["--", "openclaw", "message", "send", "-t", "x", "-m", "hi"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^Raw `openclaw message send` is disabled here\. Use the `send_message` tool/);
  });

  it("exits 0 for an allowed command and prints JSON with --json", () => {
    const result = check(["--json", "openclaw status --json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ decision: "allow", reasons: [] });
  });

  it("reads the command from stdin when none is given", () => {
    const result = check(["--json"], "echo hi | sh -c 'openclaw gateway call send'\n");
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ decision: "deny", reasons: ["Raw `openclaw gateway call` is disabled here."] });
  });

  it("allows our own commands", () => {
    expect(check(["openclaw-guard send alice 'hello from openclaw'"]).status).toBe(0);
    expect(check(["npx openclaw-guard list-contacts"]).status).toBe(0);
  });

  it("rejects unknown options", () => {
    const result = check(["--jsno", "ls"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option --jsno/);
  });
});

describe("the hook, check-command and the shim decide alike", () => {
  const home = "/home/agent"; // need not exist: protected places are judged by path
  const corpus = [...loadCorpus("raw-cli-attempts"), ...loadCorpus("benign-commands")].filter((entry) => entry.expect !== "either");
  const hookDecision = async (command: string) =>
    (
      await decideHookInput(JSON.stringify({ tool_name: "Bash", tool_input: { command }, cwd: "/nonexistent" }), {
        allowList: DEFAULT_ALLOW_LIST,
        guardConfigFile: `${home}/.config/openclaw-guard/config.json5`,
        homeDir: home,
        env: { PATH: "/usr/bin:/bin" },
      })
    ).decision;

  it("check-command (the built process) answers as the hook does, on a sample of both corpora", async () => {
    const sample = corpus.filter((_, k) => k % 29 === 0);
    expect(sample.length).toBeGreaterThan(25);
    for (const entry of sample) {
      const result = spawnSync(process.execPath, [cliPath, "check-command", "--json"], {
        input: entry.command,
        encoding: "utf8",
        cwd: "/",
        env: { PATH: "/usr/bin:/bin", HOME: home, OPENCLAW_GUARD_CONFIG: `${home}/.config/openclaw-guard/config.json5` },
      });
      expect(result.status, entry.id).toBe(entry.expect === "deny" ? 2 : 0);
      expect(JSON.parse(result.stdout).decision, entry.id).toBe(await hookDecision(entry.command));
    }
    // One CLI start per sampled command (~50), one after another: ~1.1 s each at a load average of 7.5,
    // where 120 s ran out twice.
  }, 300_000);

  it("the shim answers as the hook does for every corpus command that is a plain OpenClaw call", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "guard-agree-"));
    try {
      installShims(dir, DEFAULT_ALLOW_LIST, "/bin/true");
      const plain = corpus.filter((entry) => /^(openclaw|clawdbot|moltbot)( [A-Za-z0-9._:=+@/-]+)*$/.test(entry.command));
      expect(plain.length).toBeGreaterThan(12);
      for (const entry of plain) {
        const [name = "", ...argv] = entry.command.split(" ");
        const shim = spawnSync("dash", [path.join(dir, name), ...argv], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
        expect(shim.status === 0 ? "allow" : "deny", entry.command).toBe(await hookDecision(entry.command));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
