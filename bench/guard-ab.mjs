// A/B of the registered PreToolUse hook: this checkout's dist/ against another built checkout's
// (`git worktree add /tmp/base main && cd /tmp/base && npm ci && npm run build`), one hook process per
// command, the two sides interleaved (order alternating) so load drifts hit both alike.
//   node bench/guard-ab.mjs /tmp/base [rounds=10] [everyday|parsed]
// "everyday" is bench/guard.mjs's mix (mostly the fast path); "parsed" commands all load the grammar.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { EVERYDAY } from "./guard.mjs";
import { fmt, median, percentile } from "./stats.mjs";

const PARSED = [
  'for f in src/*.ts; do echo "$f"; done',
  "cat <<'EOF' > notes.md\nnever run openclaw message send\nEOF",
  'timeout 5 grep -rn "openclaw message send" src',
  "make -n build",
  "awk -f scripts/x.awk data.txt",
  "curl -s http://127.0.0.1:18789/health",
  "openclaw gateway status",
  "x=$(git rev-parse HEAD); echo $x",
  "python3 -c \"import json; print(json.load(open('package.json'))['name'])\"",
  "find . -name '*.sh' -exec bash -n {} \\;",
];

const [baseRoot, roundsArg = "10", mix = "everyday"] = process.argv.slice(2);
if (baseRoot === undefined) throw new Error("usage: node bench/guard-ab.mjs BASE_CHECKOUT [rounds] [everyday|parsed]");
const here = resolve(fileURLToPath(new URL("..", import.meta.url)));
const commands = mix === "parsed" ? PARSED : EVERYDAY;
const sides = {};
for (const [name, root] of [["base", resolve(baseRoot)], ["this", here]]) {
  const { hookArgv } = await import(join(root, "dist/setup/init-plan.js"));
  sides[name] = hookArgv({ node: process.execPath, cli: join(root, "dist/cli.js"), config: "/nonexistent/no-config.json5" }, "claude-code");
}
const home = mkdtempSync(join(tmpdir(), "guard-ab-"));
const env = { PATH: process.env.PATH, HOME: home };
const times = { base: [], this: [] };
let k = 0;
for (let round = 0; round < Number(roundsArg); round++) {
  for (const command of commands) {
    const payload = JSON.stringify({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command }, cwd: here });
    for (const side of k++ % 2 === 0 ? ["base", "this"] : ["this", "base"]) {
      const [node, ...args] = sides[side];
      const start = performance.now();
      const result = spawnSync(node, args, { input: payload, env, encoding: "utf8" });
      times[side].push(performance.now() - start);
      if (result.status !== 0 && result.status !== 2) throw new Error(`${side} hook exited ${result.status}: ${result.stderr}`);
    }
  }
}
rmSync(home, { recursive: true, force: true });
for (const side of ["base", "this"]) {
  const t = times[side];
  console.log(`${side}: ${t.length} runs (${mix}), median ${fmt(median(t))}, p25 ${fmt(percentile(t, 25))}, p75 ${fmt(percentile(t, 75))}, p95 ${fmt(percentile(t, 95))}`);
}
