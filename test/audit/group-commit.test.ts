// Group commit: appends that arrive while an fsync is in flight share the next one, each caller is
// answered only once its record is durable, and the chain, the ledger and the cross-process lock
// stay exact, also when a process is killed (-9) with a group in flight.
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createStore, ledgerPathFor, readAuditTail, rotatedFiles, verifyAuditFiles, verifyAuditText } from "../../src/audit/store.js";
import { privateDir, readAudit, REPO_ROOT } from "../helpers.js";

const fsyncs = vi.hoisted(() => ({ count: 0, failNext: false }));
vi.mock("node:fs", async (original) => {
  const real = await original<typeof import("node:fs")>();
  const fsyncSync = (fd: number) => {
    fsyncs.count++;
    if (fsyncs.failNext) {
      fsyncs.failNext = false;
      throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
    }
    real.fsyncSync(fd);
  };
  // The store fsyncs off the event loop (the callback form); the synchronous one is counted too.
  const fsync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    fsyncs.count++;
    if (fsyncs.failNext) {
      fsyncs.failNext = false;
      process.nextTick(callback, Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));
      return;
    }
    real.fsync(fd, callback);
  };
  return { ...real, fsyncSync, fsync };
});

const WRITER = join(REPO_ROOT, "test", "support", "audit-writer.mjs");

function verifyWithTail(file: string) {
  return verifyAuditText(readFileSync(file, "utf8"), readAuditTail(file));
}

/** Starts a writer process; `lines` fills with what it has acknowledged. */
function writer(file: string, tag: string, writers: number, perWriter: number, limit?: number) {
  const child = spawn(process.execPath, [WRITER, file, tag, String(writers), String(perWriter), ...(limit === undefined ? [] : [String(limit)])], { stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, exited };
}

describe("group commit", () => {
  it("64 concurrent appends share fsyncs, keep arrival order in one unbroken chain", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const store = createStore(file);
    await store.record({ event: "attempt", n: -1 }); // the lock module is loaded; the groups form behind this one
    const before = fsyncs.count;
    await Promise.all(Array.from({ length: 64 }, (_, n) => store.record({ event: "attempt", n })));
    const used = fsyncs.count - before;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThanOrEqual(8); // one for the first, then the rest in a few groups
    expect(readAudit(file).map((r) => r.n)).toEqual([-1, ...Array.from({ length: 64 }, (_, n) => n)]);
    expect(verifyWithTail(file)).toEqual({ ok: true, records: 65 });
  });

  it("answers a caller only after its group's fsync", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const store = createStore(file);
    await store.record({ event: "attempt" });
    const synced: number[] = [];
    const answered = Array.from({ length: 16 }, (_, n) => store.record({ event: "attempt", n }).then(() => synced.push(fsyncs.count)));
    const start = fsyncs.count;
    await Promise.all(answered);
    // Every answer came after at least one more fsync than when it was asked, and the records are on disk.
    expect(synced.every((c) => c > start)).toBe(true);
    expect(readAudit(file)).toHaveLength(17);
  });

  it("each decision in a group sees the changes of the ones before it", async () => {
    const dir = privateDir();
    const store = createStore(join(dir, "audit.jsonl"));
    const seen = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        store.transact((ledger) => {
          const ok = ledger.entries.length < 10;
          return { result: ledger.entries.length, records: [{ event: "attempt", n }], ...(ok ? { reserve: { id: `r${n}`, alias: "ops", textSha256: String(n), at: Date.now() } } : {}) };
        }),
      ),
    );
    expect(seen).toEqual(Array.from({ length: 30 }, (_, n) => Math.min(n, 10)));
    expect(JSON.parse(readFileSync(join(dir, "audit.ledger.json"), "utf8")).entries).toHaveLength(10);
  });

  it("a decision that throws fails only its own caller; the rest of its group is committed", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const store = createStore(file);
    await store.record({ event: "attempt" });
    const results = await Promise.allSettled([
      store.record({ event: "attempt", n: 1 }),
      store.transact(() => {
        throw new Error("refused by decide");
      }),
      store.record({ event: "attempt", n: 3 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(readAudit(file).map((r) => r.n)).toEqual([undefined, 1, 3]);
    expect(verifyWithTail(file).ok).toBe(true);
  });

  it("a failed fsync fails every caller of its group; the next group still chains", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const store = createStore(file);
    await store.record({ event: "attempt" });
    fsyncs.failNext = true;
    const first = expect(store.record({ event: "attempt", n: 1 })).rejects.toThrow(/EIO/); // goes alone: nothing in flight
    await new Promise((resolve) => setImmediate(resolve)); // its group has started (groups start on the next turn)
    const group = [2, 3].map((n) => store.record({ event: "attempt", n })); // waits for the next fsync
    await first;
    await Promise.all(group);
    // The failed group's line may be on disk (it was written, not known durable): the safe direction,
    // a record whose caller was told it failed, never an acknowledged one missing.
    expect(readAudit(file).map((r) => r.n)).toEqual([undefined, 1, 2, 3]);
    expect(verifyWithTail(file)).toEqual({ ok: true, records: 4 });
  });

  it("a ledger replaced by another writer between two groups is read again, so limits stay exact", async () => {
    const file = join(privateDir(), "audit.jsonl");
    // Two stores on one file in one process: each keeps the ledger it last wrote, and must notice the other's.
    const [a, b] = [createStore(file), createStore(file)];
    const reserve = (store: typeof a, n: number) =>
      store.transact((ledger) => {
        const ok = ledger.entries.length < 5;
        return { result: ok, records: [{ event: "attempt", n }], ...(ok ? { reserve: { id: `r${n}`, alias: "ops", textSha256: String(n), at: Date.now() } } : {}) };
      });
    const granted: boolean[] = [];
    for (let n = 0; n < 12; n++) granted.push(await reserve(n % 2 === 0 ? a : b, n));
    expect(granted.filter(Boolean)).toHaveLength(5);
    // A hand edit (here: the limits reset) is seen by the next group too, not hidden by what a store kept.
    writeFileSync(ledgerPathFor(file), JSON.stringify({ entries: [], delivered: {}, auditTail: readAuditTail(file) }));
    expect(await reserve(a, 12)).toBe(true);
    expect(JSON.parse(readFileSync(ledgerPathFor(file), "utf8")).entries).toHaveLength(1);
    expect(verifyWithTail(file)).toEqual({ ok: true, records: 13 });
  });

  it("a torn last line in a log due for rotation is set aside before the rotation, not carried into the rotated file", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const store = createStore(file, { rotateBytes: () => 300 });
    for (let n = 0; n < 3; n++) await store.record({ event: "attempt", n });
    appendFileSync(file, '{"event":"attempt","n":3,"pre');
    await store.record({ event: "attempt", n: 4 });
    const files = [...rotatedFiles(file), file].map((name) => ({ name, text: readFileSync(name, "utf8") }));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(readAudit(file).map((r) => r.event)).toEqual(["rotate", "torn", "attempt"]);
    expect(files.every((f) => f.text.endsWith("}\n"))).toBe(true);
    const total = files.reduce((n, f) => n + f.text.split("\n").length - 1, 0);
    expect(verifyAuditFiles(files, readAuditTail(file))).toEqual({ ok: true, records: total, files: files.length });
  });

  it("a torn last line in a log that is not where the ledger left it keeps the discontinuity record first", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const store = createStore(file);
    for (let n = 0; n < 2; n++) await store.record({ event: "attempt", n });
    // The log replaced by another chain, cut mid-line: a discontinuity and a torn line at once.
    const other = join(privateDir(), "audit.jsonl");
    const elsewhere = createStore(other);
    await elsewhere.record({ event: "attempt", n: 9 });
    writeFileSync(file, `${readFileSync(other, "utf8")}{"event":"attempt","n":10,"pre`);
    await store.record({ event: "attempt", n: 2 });
    expect(readAudit(file).map((r) => r.event)).toEqual(["attempt", "discontinuity", "torn", "attempt"]);
    // verify names the discontinuity (the records before it were replaced), not a broken chain.
    expect(verifyWithTail(file)).toMatchObject({ ok: false, line: 2, problem: expect.stringMatching(/records a discontinuity/) });
  });

  it("4 processes x 16 writers keep one chain and an exact limit across processes", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const procs = ["a", "b", "c", "d"].map((tag) => writer(file, tag, 16, 5, 37));
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0, 0]);
    const lines = procs.flatMap((p) => p.lines);
    expect(lines).toHaveLength(4 * 16 * 5);
    expect(lines.filter((l) => l.startsWith("reserved"))).toHaveLength(37);
    expect(verifyWithTail(file)).toEqual({ ok: true, records: 4 * 16 * 5 });
    expect(readAudit(file).filter((r) => r.decision === "allow")).toHaveLength(37);
  }, 60_000);

  it("2 processes x 64 writers keep one chain and an exact limit across processes", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const procs = ["a", "b"].map((tag) => writer(file, tag, 64, 3, 101));
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
    const lines = procs.flatMap((p) => p.lines);
    expect(lines).toHaveLength(2 * 64 * 3);
    expect(lines.filter((l) => l.startsWith("reserved"))).toHaveLength(101);
    expect(verifyWithTail(file)).toEqual({ ok: true, records: 2 * 64 * 3 });
    expect(JSON.parse(readFileSync(ledgerPathFor(file), "utf8")).entries).toHaveLength(101);
  }, 60_000);

  it("kill -9 of a writer mid-group, again and again, with a growing ledger: every acknowledged record stays and the chain holds", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const acknowledged: string[] = [];
    for (let round = 0; round < 6; round++) {
      // Reservations (a limit no one reaches) make the ledger grow, so kills also land in its writes.
      const victim = writer(file, `v${round}`, 64, 1000, 1_000_000);
      const other = writer(file, `o${round}`, 8, 10);
      const at = 40 + round * 37; // a different point in the run each time
      await vi.waitFor(() => expect(victim.lines.length).toBeGreaterThanOrEqual(at), { timeout: 40_000, interval: 2 });
      victim.child.kill("SIGKILL");
      await victim.exited;
      expect(await other.exited).toBe(0);
      acknowledged.push(...victim.lines.map((l) => l.replace(/^(reserved|refused)/, "ack")), ...other.lines);
      expect(verifyWithTail(file), `after round ${round}`).toMatchObject({ ok: true });
    }
    const after = writer(file, "after", 4, 5);
    expect(await after.exited).toBe(0); // the ledger is still readable (a torn one read from its copy)
    const written = new Set(readAudit(file).map((r) => `ack ${String(r.tag)} ${String(r.w)} ${String(r.n)}`));
    for (const line of [...acknowledged, ...after.lines]) expect(written.has(line), line).toBe(true);
    expect(verifyWithTail(file)).toMatchObject({ ok: true });
  }, 120_000);

  it("kill -9 with groups in flight in one of three processes loses no acknowledged record and never breaks the chain", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const victim = writer(file, "victim", 64, 1000);
    const others = ["p", "q"].map((tag) => writer(file, tag, 16, 20));
    // Waits for a state, not a time: the victim has acknowledged records and keeps 64 writers busy.
    await vi.waitFor(() => expect(victim.lines.length).toBeGreaterThanOrEqual(200), { timeout: 40_000, interval: 5 });
    victim.child.kill("SIGKILL");
    await victim.exited;
    const acknowledged = [...victim.lines];
    // The survivors finish (taking over a lock the victim may have held), then one more process appends.
    expect(await Promise.all(others.map((p) => p.exited))).toEqual([0, 0]);
    const after = writer(file, "after", 4, 5);
    expect(await after.exited).toBe(0);
    const records = readAudit(file);
    const written = new Set(records.map((r) => `ack ${String(r.tag)} ${String(r.w)} ${String(r.n)}`));
    for (const line of [...acknowledged, ...others.flatMap((p) => p.lines), ...after.lines]) expect(written.has(line), line).toBe(true);
    expect(acknowledged.length).toBeLessThan(64 * 1000); // it was killed mid-run
    expect(verifyWithTail(file)).toMatchObject({ ok: true });
  }, 90_000);
});
