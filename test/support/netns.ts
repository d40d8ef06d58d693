// Runs agent clients (Codex, Gemini CLI) in a loopback-only network namespace: `unshare -r -n`
// (an unprivileged user namespace with its own network namespace), `lo` brought up, and the fake
// model server started in there by netns-run.ts. Nothing started in it can reach a non-loopback host.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "./claude-code.js";
import type { NetnsResult, NetnsSpec } from "./netns-run.ts";

export type { NetnsResult, NetnsSpec, NetnsStep } from "./netns-run.ts";

export const E2E_DIR = join(REPO_ROOT, ".cache/e2e");
export const NODE24 = join(E2E_DIR, "node24/node_modules/.bin/node");
const RUNNER = join(REPO_ROOT, "test/support/netns-run.ts");
const UNSHARE = ["unshare", "-r", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"'];

/**
 * Why a client suite cannot run here, or undefined. `install` is the client's folder under .cache/e2e.
 * A missing install always throws (npm test installs it). A machine without loopback-only namespaces
 * skips with this reason, except with CI=true, where it throws so the suite fails instead of passing
 * by skipping.
 */
export function clientSuiteSkipReason(install: string): string | undefined {
  for (const stamp of [join(E2E_DIR, install, "installed"), join(E2E_DIR, "installed")]) {
    if (!existsSync(stamp)) throw new Error(`${stamp} is missing: the ${install} suite's tools are not installed; run scripts/setup-e2e.sh`);
  }
  return skipOrThrow(install, namespaceProblem());
}

/** Why no loopback-only network namespace can be made here, or undefined. */
export function namespaceProblem(): string | undefined {
  const probe = spawnSync(UNSHARE[0]!, [...UNSHARE.slice(1), "true"], { encoding: "utf8", timeout: 10_000 });
  if (probe.status !== 0) return `no loopback-only network namespace here (\`unshare -r -n\` + \`ip link set lo up\` failed: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}); these clients contact outside hosts, so they run only inside one`;
  return undefined;
}

/** A machine reason the suite cannot run, as a skip reason; with CI=true it throws, so CI fails instead of passing by skipping. */
export function skipOrThrow(suite: string, reason: string | undefined): string | undefined {
  if (reason !== undefined && process.env.CI === "true") throw new Error(`CI=true, and the ${suite} suite cannot run: ${reason}`);
  return reason === undefined ? undefined : `skipping the ${suite} suite: ${reason}`;
}

/** Runs the spec's steps in a fresh loopback-only namespace with its fake model server. */
export async function runInLoopbackNamespace(spec: NetnsSpec, timeoutMs = 240_000): Promise<NetnsResult> {
  const dir = await mkdtemp(join(tmpdir(), "ocg-netns-"));
  try {
    const specFile = join(dir, "spec.json");
    const resultFile = join(dir, "result.json");
    await writeFile(specFile, JSON.stringify(spec));
    const run = await execa(UNSHARE[0]!, [...UNSHARE.slice(1), NODE24, RUNNER, specFile, resultFile], { reject: false, timeout: timeoutMs, stdin: "ignore" });
    if (!existsSync(resultFile)) throw new Error(`the namespace runner wrote no result (exit ${run.exitCode}): ${run.stderr}`);
    return JSON.parse(await readFile(resultFile, "utf8")) as NetnsResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
