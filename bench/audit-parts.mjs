// `node bench/audit-parts.mjs`: what one sequential audit append costs on top of a bare fsynced
// append, part by part, each interleaved with the bare append in the same round: the lock
// (proper-lockfile, as main had it, vs this store's rename lock) and the ledger write (atomic rename
// over the old file vs in place after a copy), each around one bare append, then the whole store.
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync, ftruncateSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { createDirLock } from "../dist/audit/lock.js";
import { createStore } from "../dist/audit/store.js";
import { bareAppend } from "./policy.mjs";
import { median, time } from "./stats.mjs";

const dir = mkdtempSync(join(tmpdir(), "ocg-bench-parts-"));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const N = 100;
const ledger = Buffer.from(JSON.stringify({ entries: Array.from({ length: 300 }, (_, i) => ({ id: `id-${i}`, alias: "ops", textSha256: "a".repeat(64), at: Date.now() })), delivered: {} }));
const overwrite = (file) => {
  const fd = openSync(file, "a+");
  closeSync(fd);
  const w = openSync(file, "r+");
  writeSync(w, ledger, 0, ledger.length, 0);
  ftruncateSync(w, ledger.length);
  closeSync(w);
};
const dirLock = createDirLock(join(dir, "dl.jsonl"));
const store = createStore(join(dir, "store.jsonl"));
await store.record({ event: "attempt" });
const parts = {
  "proper-lockfile lock + release": async (f) => {
    const release = await lockfile.lock(f, { realpath: false, lockfilePath: `${f}.lock` });
    bareAppend(f);
    await release();
  },
  "rename lock + release (this store)": async (f) => {
    await dirLock.acquire();
    bareAppend(f);
    dirLock.release();
  },
  "ledger by atomic rename (main)": async (f) => {
    bareAppend(f);
    writeFileSync(`${f}.tmp`, ledger);
    renameSync(`${f}.tmp`, `${f}.ledger`);
  },
  "ledger in place after a copy (this store)": async (f) => {
    bareAppend(f);
    overwrite(`${f}.ledger.copy`);
    overwrite(`${f}.ledger`);
  },
  "the whole store, one writer": async () => store.record({ event: "attempt", padding: "x".repeat(250) }),
};
console.log(`audit parts: node ${process.version}, ${ROUNDS} rounds x ${N} appends, ~${ledger.length} B ledger, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const ratios = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(parts)) {
    const f = join(dir, `${r}-${name.replace(/\W+/g, "-")}.jsonl`);
    const bare = join(dir, `${r}-bare-${name.replace(/\W+/g, "-")}.jsonl`);
    // Interleaved append by append, alternating which goes first, so that what one leaves for the
    // disk to do (dirty pages a later fsync carries) falls on both alike.
    let a = 0;
    let b = 0;
    for (let i = 0; i < N; i++) {
      if (i % 2 === 0) b += await time(() => bareAppend(bare));
      a += await time(() => fn(f));
      if (i % 2 === 1) b += await time(() => bareAppend(bare));
    }
    ratios[name].push(a / b);
  }
}
for (const [name, values] of Object.entries(ratios)) {
  const s = [...values].sort((x, y) => x - y);
  console.log(`- ${name}: ${s[0].toFixed(2)} / ${median(s).toFixed(2)} / ${s.at(-1).toFixed(2)}x a bare fsynced append (min / median / max)`);
}
console.log(`load after ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
rmSync(dir, { recursive: true, force: true });
