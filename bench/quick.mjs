// `npm run bench:quick` (node bench/run.mjs --quick): the issue-20 figures a change to the send path,
// the audit store or the server's start is likely to move, in well under a minute. Every figure is a
// ratio to a baseline measured in the same round, interleaved with it, over ROUNDS rounds; each row
// gives min/median/max of that ratio, and the load average is printed before and after.
// `node bench/quick.mjs policy` runs one section (for `node --cpu-prof bench/quick.mjs policy`).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { createStore } from "../dist/audit/store.js";
import { createSendDeps } from "../dist/send/deps.js";
import { sendMessage } from "../dist/send/pipeline.js";
import { bareAppend, MESSAGES } from "./policy.mjs";
import { median, percentile, time } from "./stats.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "cli.js");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const spread = (values, digits = 2) => {
  const s = [...values].sort((a, b) => a - b);
  return `${s[0].toFixed(digits)} / ${median(s).toFixed(digits)} / ${s.at(-1).toFixed(digits)}`;
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

function writeConfig(dir, openclaw = `{ transport: "dry-run" }`) {
  const config = join(dir, "config.json5");
  writeFileSync(
    config,
    `{ openclaw: ${openclaw}, contacts: { ops: { channel: "telegram", target: "-1001234567890" } },
       policy: { duplicateWindowSeconds: 0, rateLimit: { perContact: { count: 1000000, windowSeconds: 3600 }, global: { count: 1000000, windowSeconds: 3600 } } },
       audit: { file: "${join(dir, "audit.jsonl")}" } }`,
    { mode: 0o600 },
  );
  return config;
}

/** A store that applies `decide` to an in-memory ledger: the pipeline's pure work, without I/O. */
function memoryStore() {
  let ledger = { entries: [], delivered: {} };
  return {
    auditFile: "(memory)",
    async transact(decide) {
      const change = decide(ledger);
      ledger = { entries: change.reserve ? [...ledger.entries.slice(-50), change.reserve] : ledger.entries, delivered: ledger.delivered };
      return change.result;
    },
    async record() {},
  };
}

/** Policy decision per send: from the call until the transport is asked to deliver. */
async function policy(dir) {
  const config = writeConfig(dir);
  const real = createSendDeps(config, { HOME: dir, PATH: process.env.PATH }, () => {});
  const dryRun = real.transportFor(real.config.current().config);
  let started = 0;
  let sink = [];
  const timed = { name: "timed", deliver: (r) => (sink.push(performance.now() - started), dryRun.deliver(r)) };
  const pure = { ...real, storeFor: (() => { const s = memoryStore(); return () => s; })(), transportFor: () => timed };
  const locked = { ...real, transportFor: () => timed };
  let n = 0;
  const once = async (deps) => {
    started = performance.now();
    await sendMessage(deps, { to: "ops", message: MESSAGES[n % 2](++n), origin: "cli" });
  };
  for (let i = 0; i < 20; i++) await once(pure), await once(locked); // warm-up: secretlint loads, JIT
  const rows = { pure: [], locked: [], bare: [], pureP95: [], lockedP95: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const p = [];
    const l = [];
    const b = [];
    for (let i = 0; i < 30; i++) {
      sink = p;
      await once(pure);
      sink = l;
      await once(locked);
      b.push(await time(() => bareAppend(join(dir, "bare.jsonl"))));
    }
    rows.pure.push(median(p));
    rows.pureP95.push(percentile(p, 95));
    rows.locked.push(median(l));
    rows.lockedP95.push(percentile(l, 95));
    rows.bare.push(median(b));
  }
  const ratio = (k) => rows[k].map((v, i) => v / rows.bare[i]);
  return [
    { name: "policy decision, pure (recipient, message, content checks, limits over an in-memory ledger), ms median per round", value: spread(rows.pure, 3), extra: `p95 ${spread(rows.pureP95, 3)}`, ratio: spread(ratio("pure")), baseline: `bare fsynced append ${spread(rows.bare, 3)} ms`, goal: "<= 0.5 ms median" },
    { name: "policy decision + locked, fsynced transaction (the figure issue 20 quotes), ms median per round", value: spread(rows.locked, 3), extra: `p95 ${spread(rows.lockedP95, 3)}`, ratio: spread(ratio("locked")), baseline: "same bare append", goal: "(report)" },
  ];
}

/** Audit records/s at 1, 4, 16 and 64 concurrent writers vs a bare loop of fsynced appends, interleaved per level. */
async function audit(dir) {
  const levels = [1, 4, 16, 64];
  const count = 256;
  const rates = Object.fromEntries(levels.map((w) => [w, []]));
  const bare = Object.fromEntries(levels.map((w) => [w, []]));
  let f = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const writers of levels) {
      const bareFile = join(dir, `bare-${f}.jsonl`);
      const store = createStore(join(dir, `audit-${f++}.jsonl`));
      await store.record({ event: "attempt" }); // the lock module is loaded, the file exists
      const runStore = () =>
        time(() =>
          Promise.all(Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < count / writers; i++) await store.record({ event: "attempt", w, i, padding: "x".repeat(250) });
          })),
        );
      const runBare = () =>
        time(() => {
          for (let i = 0; i < count; i++) bareAppend(bareFile);
        });
      // Alternate which goes first, so a burst of load does not always land on the same one.
      const [a, b] = r % 2 === 0 ? [await runStore(), await runBare()] : [await runBare(), await runStore()].reverse();
      rates[writers].push((count / a) * 1000);
      bare[writers].push((count / b) * 1000);
    }
  }
  return levels.map((w) => ({
    name: `audit records/s, ${w} concurrent writer${w > 1 ? "s" : ""} (${count} records)`,
    value: spread(rates[w], 0),
    ratio: spread(rates[w].map((v, i) => v / bare[w][i])),
    baseline: `bare loop of fsynced appends ${spread(bare[w], 0)}/s`,
    goal: w === 1 ? "(report)" : ">= 1x the bare loop",
  }));
}

async function connect(args, env) {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: "ignore" }));
  return client;
}

/** Audited send_message calls/s through one `serve` (dry-run), 16 in flight, vs the fsync-per-call floor. */
async function throughput(dir) {
  const env = { PATH: process.env.PATH, HOME: dir };
  const ours = await connect([CLI, "serve", "--config", writeConfig(dir)], env);
  const floor = await connect([join(ROOT, "bench", "minimal-fsync-server.mjs"), join(dir, "floor.jsonl")], env);
  const calls = 320;
  const inFlight = 16;
  let n = 0;
  const run = (client) =>
    time(() =>
      Promise.all(Array.from({ length: inFlight }, async () => {
        for (let i = 0; i < calls / inFlight; i++) {
          const result = await client.callTool({ name: "send_message", arguments: { to: "ops", message: MESSAGES[n % 2](++n) } });
          if (result.isError || (result.structuredContent && result.structuredContent.status === "refused")) throw new Error(JSON.stringify(result));
        }
      })),
    );
  await run(ours), await run(floor); // warm-up
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 1) b.push((calls / (await run(floor))) * 1000);
    a.push((calls / (await run(ours))) * 1000);
    if (r % 2 === 0) b.push((calls / (await run(floor))) * 1000);
  }
  await ours.close();
  await floor.close();
  return [{ name: `audited send_message calls/s through one serve (dry-run, ${inFlight} in flight, ${calls} calls)`, value: spread(a, 0), ratio: spread(b.map((v, i) => v / a[i])) + " (floor's rate / ours = our time / floor's)", baseline: `minimal SDK server, one fsynced line per call ${spread(b, 0)}/s`, goal: "<= 1.0x the floor's time" }];
}

/**
 * Server cold start: spawn -> initialize -> tools/list, vs a minimal SDK server with one tool; with
 * the compile cache `serve` keeps in the guard's state folder (every start but the first), and in a
 * fresh HOME each time (the first start after an install: no cache yet, and it is written).
 */
async function coldStart(dir) {
  const config = writeConfig(dir);
  const once = async (args, home, into) => {
    const env = { PATH: process.env.PATH, HOME: home };
    into.push(
      await time(async () => {
        const client = await connect(args, env);
        await client.listTools();
        await client.close();
      }),
    );
  };
  const serve = [CLI, "serve", "--config", config];
  const minimalServer = [join(ROOT, "bench", "minimal-server.mjs")];
  let fresh = 0;
  const freshHome = () => mkdtempSync(join(dir, `home-${fresh++}-`));
  await once(serve, dir, []), await once(minimalServer, dir, []); // warm the disk cache and the compile cache
  const rows = { warm: [], first: [], minimal: [], warmRatio: [], firstRatio: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const [w, f, m] = [[], [], []];
    for (let i = 0; i < 3; i++) {
      await once(serve, dir, w);
      await once(minimalServer, dir, m);
      await once(serve, freshHome(), f);
    }
    rows.warm.push(median(w));
    rows.first.push(median(f));
    rows.minimal.push(median(m));
    rows.warmRatio.push(median(w) / median(m));
    rows.firstRatio.push(median(f) / median(m));
  }
  return [
    { name: "server cold start (spawn -> initialize -> tools/list), ms median per round", value: spread(rows.warm, 1), ratio: spread(rows.warmRatio), baseline: `minimal SDK server ${spread(rows.minimal, 1)} ms`, goal: "<= 1.3x" },
    { name: "  the same, first start in a fresh HOME (no compile cache yet)", value: spread(rows.first, 1), ratio: spread(rows.firstRatio), baseline: "same minimal server", goal: "(report)" },
  ];
}

const SECTIONS = { policy, audit, throughput, "cold start": coldStart };

export async function benchQuick(only = []) {
  const chosen = only.length > 0 ? only : Object.keys(SECTIONS);
  console.log(`openclaw-guard bench --quick: node ${process.version}, ${ROUNDS} rounds, load average before ${load()}`);
  const started = performance.now();
  for (const name of chosen) {
    const dir = mkdtempSync(join(tmpdir(), "ocg-bench-quick-"));
    try {
      const rows = await SECTIONS[name](dir);
      console.log(`\n## ${name}  (load ${load()})   [min / median / max over ${ROUNDS} rounds]`);
      for (const row of rows) console.log(`- ${row.name}: ${row.value}${row.extra ? `, ${row.extra}` : ""}\n    baseline ${row.baseline}; ratio ${row.ratio}; goal ${row.goal}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nload average after ${load()}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchQuick(process.argv.slice(2));
