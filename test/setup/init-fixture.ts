// A fixture home for `openclaw-guard init` tests: a fresh private HOME with a guard config, and the
// command run through its real entry point with real file I/O.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { privateDir, REPO_ROOT } from "../helpers.js";
import { runInit, type InitDeps } from "../../src/setup/init-command.js";
import { applyPlans, readText, writePrivateFile } from "../../src/setup/init-files.js";

export const CLI = "/opt/ocg/dist/cli.js";
export const NODE = "/opt/node/bin/node";

export function fixture() {
  const home = privateDir();
  const cwd = path.join(home, "project");
  mkdirSync(cwd);
  const config = path.join(home, ".config", "openclaw-guard", "config.json5");
  mkdirSync(path.dirname(config), { recursive: true });
  writeFileSync(config, "{ contacts: {} }\n", { mode: 0o600 });
  return { home, cwd, config };
}

export async function init(home: string, cwd: string, args: string[], claudeVersion: string | null = "2.1.330 (Claude Code)", overrides: Partial<InitDeps> = {}) {
  let stdout = "";
  let stderr = "";
  const deps: InitDeps = {
    env: { HOME: home },
    cwd,
    node: NODE,
    cli: CLI,
    platform: "linux",
    read: readText,
    applyPlans,
    claudeVersion: async () => claudeVersion ?? undefined,
    pair: async () => ({ status: "failed", reason: "pairing is not part of this test" }),
    trustCodexHooks: async () => {
      throw new Error("not expected in this test");
    },
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    now: () => new Date("2026-11-22T10:00:00.000Z"),
    exampleConfig: () => readFileSync(path.join(REPO_ROOT, "examples", "config.json5"), "utf8"),
    readSystemFile: (file) => readFileSync(file, "utf8"),
    findOpenclaw: () => undefined,
    runOpenclaw: async () => {
      throw new Error("not expected in this test");
    },
    writeState: writePrivateFile,
    findProgram: (name) => `/usr/bin/${name}`,
    ...overrides,
  };
  const code = await runInit(args, deps);
  return { code, stdout, stderr };
}

