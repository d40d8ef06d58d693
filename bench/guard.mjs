// Issue "guard" figures, against dist/ (built beforehand): the PreToolUse hook's wall time per
// command vs a bare `node -e 0`, in-process analysis time per command over both corpora, and the
// PATH shim's passthrough overhead vs calling the real binary directly.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { analyseCommand, initCommandAnalyser } from "../dist/guard/analyse.js";
import { DEFAULT_ALLOW_LIST } from "../dist/guard/openclaw-policy.js";
import { installShims } from "../dist/guard/shim.js";
import { hookArgv } from "../dist/setup/init-plan.js";
import { fmt, interleaved, median, percentile } from "./stats.mjs";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const corpusDir = fileURLToPath(new URL("../test/corpus/", import.meta.url));
const HOOK_RUNS = 30;
const SHIM_RUNS = 50;

function mustSucceed(result, what) {
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 2) throw new Error(`${what} exited ${result.status}: ${result.stderr}`);
}

// What a coding agent runs all day; measured in turn, one hook process each.
export const EVERYDAY = [
  "git status",
  "git diff --stat",
  "ls -la src",
  "cat README.md",
  'grep -rn "TODO" src --include=*.ts',
  "npm test",
  "npx vitest run test/policy",
  "sed -n '1,40p' src/cli.ts",
  "git log --oneline -10",
  'git commit -am "fix: handle empty input"',
  "mkdir -p build && cp package.json build/",
  "npx tsc --noEmit",
  "find . -name '*.ts' -not -path './node_modules/*' | head -20",
  "python3 scripts/report.py --out /tmp/r.txt",
  "node -e 'console.log(process.version)'",
  "npm install --save-dev fast-check",
  "rg -n 'createServer' src",
  "curl -s http://localhost:3000/health",
  "echo done",
  "wc -l src/**/*.ts",
];

/** The hook exactly as `init` registers it (fast entry, node options), with no config file. */
function registeredHook(home) {
  const [node, ...args] = hookArgv({ node: process.execPath, cli, config: join(home, "no-config.json5") }, "claude-code");
  return [node, args];
}

/**
 * CPU time (user + system) of this process's finished children, from /proc (Linux), in ms: on a
 * loaded machine the wall-time ratios shrink towards 1 while CPU time still shows the work.
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** Runs `fn` and adds the CPU its children used to `total.ms`. */
function countingCpu(total, fn) {
  return () => {
    const before = childrenCpuMs();
    fn();
    if (before !== undefined) total.ms += childrenCpuMs() - before;
  };
}

/** `commands` decide the path: plain words skip the grammar, anything else loads it. */
async function hookWallTime(home, label, commands, [node, args] = registeredHook(home)) {
  const payloads = commands.map((command) => JSON.stringify({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command }, cwd: home }));
  const env = { PATH: process.env.PATH, HOME: home };
  let next = 0;
  const runs = Math.max(HOOK_RUNS, commands.length * 2);
  const hookCpu = { ms: 0 };
  const bareCpu = { ms: 0 };
  const [hook, bare] = await interleaved(
    runs,
    countingCpu(hookCpu, () => mustSucceed(spawnSync(node, args, { input: payloads[next++ % payloads.length], env, encoding: "utf8" }), "hook")),
    countingCpu(bareCpu, () => mustSucceed(spawnSync(process.execPath, ["-e", "0"], { env, encoding: "utf8" }), "node -e 0")),
  );
  const cpu = childrenCpuMs() === undefined ? "" : `; CPU ${fmt(hookCpu.ms / runs)} mean vs ${fmt(bareCpu.ms / runs)} (${(hookCpu.ms / bareCpu.ms).toFixed(2)}x)`;
  return {
    name: `hook process wall time per command, ${label}`,
    value: `${fmt(median(hook))} median, p95 ${fmt(percentile(hook, 95))}${cpu}`,
    baseline: `${fmt(median(bare))} node -e 0`,
    ratio: median(hook) / median(bare),
    goal: "<= 1.5x median",
  };
}

async function analysisTime() {
  await initCommandAnalyser();
  const commands = ["raw-cli-attempts", "benign-commands"].flatMap((name) =>
    JSON.parse(readFileSync(join(corpusDir, `${name}.json`), "utf8")).map((entry) => entry.command),
  );
  for (const command of commands) analyseCommand(command); // warm-up pass
  const times = commands.map((command) => {
    const start = performance.now();
    analyseCommand(command);
    return performance.now() - start;
  });
  return {
    name: `in-process analysis per command (${commands.length} corpus commands)`,
    value: `${fmt(median(times))} median, p95 ${fmt(percentile(times, 95))}`,
    goal: "<= 1 ms median",
  };
}

async function shimOverhead(dir) {
  const realDir = join(dir, "real");
  const shimDir = join(dir, "shims");
  mkdirSync(realDir);
  mkdirSync(shimDir);
  const real = join(realDir, "openclaw");
  writeFileSync(real, "#!/bin/sh\nexit 0\n");
  chmodSync(real, 0o755);
  installShims(shimDir, DEFAULT_ALLOW_LIST);
  const env = { PATH: `${shimDir}:${realDir}:/usr/bin:/bin` };
  const [viaShim, direct] = await interleaved(
    SHIM_RUNS,
    () => mustSucceed(spawnSync(join(shimDir, "openclaw"), ["status", "--json"], { env }), "shim"),
    () => mustSucceed(spawnSync(real, ["status", "--json"], { env }), "real"),
  );
  return {
    name: "shim passthrough overhead (openclaw status via the dash shim vs the real binary)",
    value: `${fmt(median(viaShim) - median(direct))} median added (${fmt(median(viaShim))} vs ${fmt(median(direct))})`,
    baseline: `${fmt(median(direct))} direct`,
    ratio: median(viaShim) / median(direct),
    goal: "<= 5 ms added",
  };
}

export async function benchGuard() {
  const dir = mkdtempSync(join(tmpdir(), "ocg-bench-guard-"));
  try {
    return [
      await hookWallTime(dir, "parsed (`cd /tmp/proj && npm test -- --runInBand | tail -5`)", ["cd /tmp/proj && npm test -- --runInBand | tail -5"]),
      await hookWallTime(dir, "plain words, no grammar loaded (`git status && git diff --stat | tail -5`)", ["git status && git diff --stat | tail -5"]),
      await hookWallTime(dir, `an everyday mix of ${EVERYDAY.length} agent commands`, EVERYDAY),
      await hookWallTime(dir, `the same mix through \`node dist/cli.js hook claude-code\` (unbundled, no node options)`, EVERYDAY, [process.execPath, [cli, "hook", "claude-code"]]),
      await analysisTime(),
      await shimOverhead(dir),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
