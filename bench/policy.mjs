// Issue "send policy" figures: the policy decision per send (recipient, content checks, duplicate and
// rate windows under the cross-process lock, the ledger reservation and the fsynced intent record:
// everything before delivery may start) and audit append throughput with fsync, each against a bare
// fsynced append measured in the same run.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createStore } from "../dist/audit/store.js";
import { createSendDeps } from "../dist/send/deps.js";
import { sendMessage } from "../dist/send/pipeline.js";
import { fmt, median, percentile, time } from "./stats.mjs";

export function bareAppend(file) {
  const fd = openSync(file, "a");
  writeSync(fd, `${JSON.stringify({ event: "attempt", padding: "x".repeat(300) })}\n`);
  fsyncSync(fd);
  closeSync(fd);
}

export const MESSAGES = [
  (n) => `Deploy ${n} finished: all 1500 tests passed, p95 latency 120 ms, rollout at 25%.`,
  (n) => `Build #${n} failed on main, see https://ci.example.com/builds/${n}; order 4500012345 is blocked.`,
];

export async function benchPolicy() {
  const dir = mkdtempSync(join(tmpdir(), "ocg-bench-policy-"));
  try {
    const config = join(dir, "config.json5");
    writeFileSync(
      config,
      `{ openclaw: { transport: "dry-run" }, contacts: { ops: { channel: "telegram", target: "-1001234567890" } },
         policy: { rateLimit: { perContact: { count: 100000, windowSeconds: 3600 }, global: { count: 100000, windowSeconds: 3600 } } },
         audit: { file: "${join(dir, "audit.jsonl")}" } }`,
      { mode: 0o600 },
    );
    const base = createSendDeps(config, { HOME: dir, PATH: process.env.PATH }, () => {});
    // Decision time = from the call until the transport is asked to deliver.
    let started = 0;
    const decisions = [];
    const dryRun = base.transportFor(base.config.current().config);
    const deps = { ...base, transportFor: () => ({ name: "timed", deliver: (r) => (decisions.push(performance.now() - started), dryRun.deliver(r)) }) };
    const bare = [];
    let n = 0;
    for (let i = 0; i < 70; i++) {
      started = performance.now();
      await sendMessage(deps, { to: "ops", message: MESSAGES[i % 2](++n), origin: "cli" });
      bare.push(await time(() => bareAppend(join(dir, "bare.jsonl"))));
    }
    decisions.splice(0, 10); // warm-up
    bare.splice(0, 10);

    const store = createStore(join(dir, "throughput.jsonl"));
    const count = 300;
    const storeMs = await time(async () => {
      for (let i = 0; i < count; i++) await store.record({ event: "attempt", n: i, padding: "x".repeat(250) });
    });
    const bareMs = await time(() => {
      for (let i = 0; i < count; i++) bareAppend(join(dir, "bare2.jsonl"));
    });
    return [
      { name: "policy decision per send, up to delivery (checks + locked ledger reservation + fsynced intent)", value: `${fmt(median(decisions))} median, p95 ${fmt(percentile(decisions, 95))}`, baseline: `${fmt(median(bare))} one bare fsynced append`, ratio: median(decisions) / median(bare), goal: "<= 2 ms median" },
      { name: "audit append throughput (lock + hash chain + fsync)", value: `${Math.round((count / storeMs) * 1000)} records/s`, baseline: `${Math.round((count / bareMs) * 1000)} bare fsynced appends/s`, ratio: storeMs / bareMs, goal: "(report)" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
