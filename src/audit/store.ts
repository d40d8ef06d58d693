// The audit log and the send ledger behind one cross-process lock, so that several server processes
// (one per agent session) share rate limits, duplicate windows and one unbroken hash chain.
//
// Audit records are hash-chained JSONL: each line carries `prev` (the previous line's hash) and
// `hash` (sha256 of the line up to that field). Each append is fsynced before the caller goes on;
// appends that arrive while an fsync is in flight share the next one (group commit, below). The
// fsync runs off the event loop, so requests keep arriving (and grouping) while the disk works; the
// lock (./lock.ts: two renames per group) is held throughout, and the ledger is overwritten in place
// after a full copy (writeLedger), so a group costs little more than its one fsync.
// The chain never restarts silently: when the log is not where the ledger says it ended, the next
// append starts with a `discontinuity` record chained from the last hash the ledger knows. Size
// rotation moves the log to a dated sibling and opens the new file with a `rotate` record chained
// from the old file's last hash, so `audit verify` walks every file as one chain.
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, fstatSync, fsync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { promisify } from "node:util";
import { basename, dirname, join } from "node:path";
import type { LedgerEntry } from "../policy/limits.js";
import { createDirLock } from "./lock.js";

export type AuditRecord = Record<string, unknown> & { event: string };

export type Ledger = {
  /** Deliveries that count against limits: reserved (in flight or interrupted), sent, queued, unknown. */
  entries: LedgerEntry[];
  /** delivery key (alias, channel, account, target) -> time of the first delivery, for `confirm: "first"`. */
  delivered: Record<string, number>;
  /** Hash of the last audit record appended: a log cut short no longer contains it. */
  auditTail?: string;
};

export type Change<T> = {
  result: T;
  records: AuditRecord[];
  reserve?: LedgerEntry;
  release?: string;
  markDelivered?: string;
};

export interface Store {
  readonly auditFile: string;
  /** Runs `decide` on the current ledger and applies what it returns, atomically across processes. */
  transact<T>(decide: (ledger: Readonly<Ledger>) => Change<T>): Promise<T>;
  record(...records: AuditRecord[]): Promise<void>;
}

export const GENESIS = "0".repeat(64);
const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

export type StoreOptions = {
  now?: () => number;
  retainSeconds?: () => number;
  /** A log this large is rotated before the next append; 0 never rotates. */
  rotateBytes?: () => number;
  onLockCompromised?: (error: Error) => void;
};

/** Rotated siblings of `audit.jsonl`: `audit.20261129T221800123Z.jsonl`, oldest first by name. */
const ROTATED_STAMP = /^\.\d{8}T\d{9}Z(?:-\d+)?\.jsonl$/;

function rotationBase(auditFile: string): string {
  return basename(auditFile).replace(/\.jsonl$/, "");
}

/** The rotated files of `auditFile`, oldest first (full paths). */
export function rotatedFiles(auditFile: string, readDir: (dir: string) => string[] = readdirSync): string[] {
  const base = rotationBase(auditFile);
  let names: string[];
  try {
    names = readDir(dirname(auditFile));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(base) && ROTATED_STAMP.test(name.slice(base.length)))
    .sort()
    .map((name) => join(dirname(auditFile), name));
}

function rotatedName(auditFile: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:.]/g, "");
  const first = join(dirname(auditFile), `${rotationBase(auditFile)}.${stamp}.jsonl`);
  let name = first;
  for (let n = 1; existsSync(name); n++) name = first.replace(/\.jsonl$/, `-${n}.jsonl`);
  return name;
}

/** The ledger lives beside its audit log and shares its lock. */
export function ledgerPathFor(auditFile: string): string {
  return `${auditFile.replace(/\.jsonl$/, "")}.ledger.json`;
}

/** The ledger's hash of the last record appended to `auditFile`; undefined without a readable ledger. */
export function readAuditTail(auditFile: string, read: (path: string) => string = (p) => readFileSync(p, "utf8")): string | undefined {
  try {
    const tail = (JSON.parse(read(ledgerPathFor(auditFile))) as { auditTail?: unknown }).auditTail;
    return typeof tail === "string" ? tail : undefined;
  } catch {
    return undefined;
  }
}

/** The ledger's full copy, written before the ledger is overwritten in place (see writeLedger). */
export function ledgerCopyPathFor(auditFile: string): string {
  return `${ledgerPathFor(auditFile)}.copy`;
}

const fsyncAsync = promisify(fsync);

export function createStore(auditFile: string, { now = Date.now, retainSeconds = () => 86_400, rotateBytes = () => 0, onLockCompromised = () => {} }: StoreOptions = {}): Store {
  const dir = dirname(auditFile);
  const ledgerFile = ledgerPathFor(auditFile);

  // Group commit: one batch at a time per process holds the cross-process lock; transactions that
  // arrive while a batch is in flight wait in `pending` and all join the next one. A batch runs each
  // `decide` in arrival order over the ledger as the ones before it left it, writes every record in
  // one append and one fsync, rewrites the ledger once, and only then answers its callers, so a
  // caller is answered only once its records are durable and many callers share one fsync.
  type Pending = { decide: (ledger: Readonly<Ledger>) => Change<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };
  let pending: Pending[] = [];
  let running = false;
  let scheduled = false;

  // A group starts on the next turn of the event loop, not at once: callers answered by the last
  // group (and I/O callbacks of the same turn) append in promise continuations a few microtasks
  // later, and all of them join one group instead of the first one going alone.
  function schedule(): void {
    if (scheduled || running) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      drain();
    });
  }

  function drain(): void {
    if (running || pending.length === 0) return;
    running = true;
    const batch = pending;
    pending = [];
    const settled = (settle: () => void) => {
      running = false;
      settle();
      schedule();
    };
    lockedAcrossProcesses(() => commit(batch)).then(settled, (error: unknown) =>
      settled(() => {
        for (const p of batch) p.reject(error);
      }),
    );
  }

  // The ledger as this process last wrote it. Each write starts with a stamp no other write has
  // (pid, a random part, a counter); while the file still starts with ours, nobody replaced it since,
  // and the next batch skips reading and parsing it again (a busy hour's ledger is ~100 KB of JSON).
  const writer = `${process.pid}-${randomBytes(6).toString("hex")}`;
  let writes = 0;
  let mine: { stamp: string; bytes: number; ledger: Ledger } | undefined;
  function currentLedger(): Ledger {
    if (mine !== undefined && isStill(ledgerFile, `{"begin":${JSON.stringify(mine.stamp)},`, mine.bytes)) return mine.ledger;
    mine = undefined;
    return readLedger(ledgerFile);
  }

  /** Applies the batch under the lock; returns how to answer its callers once the lock is released. */
  async function commit(batch: readonly Pending[]): Promise<() => void> {
    const read = currentLedger();
    let ledger: Ledger = read;
    const records: AuditRecord[] = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    for (const p of batch) {
      let change: Change<unknown>;
      try {
        change = p.decide(ledger);
      } catch (error) {
        outcomes.push({ ok: false, error }); // this caller's change is not applied; the others go on
        continue;
      }
      records.push(...change.records);
      const cutoff = now() - retainSeconds() * 1000;
      const entries = ledger.entries.filter((e) => e.at >= cutoff && e.id !== change.release);
      if (change.reserve) entries.push(change.reserve);
      const delivered = change.markDelivered && ledger.delivered[change.markDelivered] === undefined ? { ...ledger.delivered, [change.markDelivered]: now() } : ledger.delivered;
      ledger = { entries, delivered, ...(ledger.auditTail ? { auditTail: ledger.auditTail } : {}) };
      outcomes.push({ ok: true, value: change.result });
    }
    // Intent before effect: the records are on disk before the reservations they describe.
    const auditTail = (await appendChained(auditFile, records, { now, expectedTail: read.auditTail, rotateBytes: rotateBytes() })) ?? read.auditTail;
    const written: Ledger = { entries: ledger.entries, delivered: ledger.delivered, ...(auditTail ? { auditTail } : {}) };
    const stamp = `${writer}-${++writes}`;
    mine = undefined; // a failed write leaves the file unknown
    const bytes = writeLedger(ledgerFile, written, stamp);
    mine = { stamp, bytes, ledger: written };
    return () => {
      for (const [k, p] of batch.entries()) {
        const outcome = outcomes[k]!;
        if (outcome.ok) p.resolve(outcome.value);
        else p.reject(outcome.error);
      }
    };
  }

  let lock: ReturnType<typeof createDirLock> | undefined;
  async function lockedAcrossProcesses<T>(fn: () => Promise<T>): Promise<T> {
    if (lock === undefined) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      lock = createDirLock(auditFile);
    }
    await lock.acquire();
    try {
      return await fn(); // awaited here: the lock is released only once the batch is durable
    } finally {
      try {
        lock.release();
      } catch (error) {
        onLockCompromised(error as Error); // the batch is durable; another process may have run beside it
      }
    }
  }

  const transact = <T>(decide: (ledger: Readonly<Ledger>) => Change<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending.push({ decide, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });

  return {
    auditFile,
    transact,
    record: (...records) => transact(() => ({ result: undefined, records })),
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

const BEGIN = /^\{"begin":"([^"]+)",/;
const BEGINS = '{"begin":"';

/** Whether a ledger that begins with a stamp also ends with it: its in-place write completed. */
function isWhole(text: string, stamp: string | undefined): stamp is string {
  return stamp !== undefined && text.endsWith(`,"end":${JSON.stringify(stamp)}}`);
}

function readLedger(file: string): Ledger {
  let text = readText(file);
  if (text === undefined) return { entries: [], delivered: {} };
  // One written whole (by rename, by an earlier version, by hand) does not begin with a stamp.
  const stamp = BEGIN.exec(text)?.[1];
  if (text.startsWith(BEGINS) && !isWhole(text, stamp)) {
    // An in-place write cut short (a process killed mid-write): its full copy was written first.
    // A write is cut at a page boundary, past the stamp; a stamp cut short is a new file's first write.
    const copy = readText(`${file}.copy`);
    const copyStamp = copy === undefined ? undefined : BEGIN.exec(copy)?.[1];
    if (copy === undefined || !isWhole(copy, copyStamp) || (stamp !== undefined && stamp !== copyStamp)) throw new Error(`${file} is torn and its copy (${basename(file)}.copy) does not hold the same write; move both aside to reset the limits`);
    overwrite(file, Buffer.from(copy)); // repaired before the next write overwrites the copy (under the lock)
    text = copy;
  }
  // A corrupt ledger must not silently reset the limits: refuse until a human looks.
  const parsed = JSON.parse(text) as Partial<Ledger>;
  if (!Array.isArray(parsed.entries) || typeof parsed.delivered !== "object" || parsed.delivered === null) throw new Error(`${file} is not a valid ledger; move it aside to reset the limits`);
  return { entries: parsed.entries, delivered: parsed.delivered, ...(typeof parsed.auditTail === "string" ? { auditTail: parsed.auditTail } : {}) };
}

/**
 * Overwritten in place, after a full copy to `<ledger>.copy`: a rename over the old file (the
 * earlier way) makes ext4 write the new file out at once (auto_da_alloc), and the group's audit
 * fsync then waits for it. Each write begins and ends with the same stamp, so a write cut short by
 * kill -9 is seen (`readLedger`) and the copy, complete before the ledger was touched, is read
 * instead; a copy cut short leaves the ledger as it was. Neither is fsynced: the audit records
 * written in the same group are, and they are the durable account. After a power loss the ledger
 * may miss its last updates, never a record; if both files were left torn, it is refused (as a
 * corrupt one), never silently reset.
 */
function writeLedger(file: string, ledger: Ledger, stamp: string): number {
  const text = Buffer.from(`${JSON.stringify({ begin: stamp, ...ledger }).slice(0, -1)},"end":${JSON.stringify(stamp)}}`);
  overwrite(`${file}.copy`, text);
  overwrite(file, text);
  return text.length;
}

function overwrite(file: string, bytes: Buffer): void {
  let fd: number;
  try {
    fd = openSync(file, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fd = openSync(file, "wx", 0o600);
  }
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, at);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}

/** Whether the file is `bytes` long and starts with `prefix` (false when it cannot be read). */
function isStill(file: string, prefix: string, bytes: number): boolean {
  const expected = Buffer.from(prefix);
  const buffer = Buffer.alloc(expected.length);
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return false;
  }
  try {
    return fstatSync(fd).size === bytes && readSync(fd, buffer, 0, buffer.length, 0) === buffer.length && buffer.equals(expected);
  } finally {
    closeSync(fd);
  }
}

type AppendOptions = { now: () => number; expectedTail: string | undefined; rotateBytes: number };

/**
 * Appends and fsyncs, first accounting for where the chain went since the ledger last saw it;
 * returns the hash of the last record written (undefined when none).
 */
async function appendChained(file: string, records: readonly AuditRecord[], { now, expectedTail, rotateBytes }: AppendOptions): Promise<string | undefined> {
  const found = lastHash(file);
  let { prev } = found;
  // First, before a rotation could carry it into the rotated file: a torn last line is a write cut
  // short (a process killed mid-group), so never acknowledged. It is set aside to a sibling file,
  // byte for byte, and a `torn` record names it, so the chain goes on.
  const torn = found.endsWithNewline ? undefined : setAsideTornLine(file, now);
  const lead: AuditRecord[] = [];
  if (expectedTail !== undefined && prev !== expectedTail) {
    const log = found.size === undefined ? "missing" : found.size === 0 ? "empty" : "ends elsewhere";
    const newest = rotatedFiles(file).at(-1);
    if (log !== "ends elsewhere" && newest !== undefined && lastHash(newest).prev === expectedTail) {
      lead.push({ event: "rotate", previous: basename(newest) }); // a rotation interrupted before its first record
      prev = expectedTail;
    } else if (log !== "ends elsewhere" || !readFileSync(file, "utf8").includes(`"hash":"${expectedTail}"}`)) {
      lead.push({ event: "discontinuity", log, expected: expectedTail, found: log === "ends elsewhere" ? prev : null });
      prev = expectedTail;
    } // else the ledger lags the log (a crash between the two writes): the log's own end is right
  } else if (rotateBytes > 0 && found.size !== undefined && found.size >= rotateBytes) {
    const rotated = rotatedName(file, now());
    renameSync(file, rotated);
    lead.push({ event: "rotate", previous: basename(rotated) });
  }
  if (torn) lead.push(torn); // after a discontinuity or rotation record, which must come first
  if (records.length === 0 && lead.length === 0) return undefined;
  let text = "";
  for (const record of [...lead, ...records]) {
    const body = JSON.stringify({ time: new Date(now()).toISOString(), ...record, prev });
    const hash = sha256(body.slice(0, -1));
    text += `${body.slice(0, -1)},"hash":"${hash}"}\n`;
    prev = hash;
  }
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, text);
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
  return prev;
}

function setAsideTornLine(file: string, now: () => number): AuditRecord {
  const whole = readFileSync(file);
  const keep = whole.lastIndexOf(0x0a) + 1;
  const fragment = whole.subarray(keep);
  const aside = `${file}.torn-${new Date(now()).toISOString().replace(/[-:.]/g, "")}-${process.pid}`;
  writeFileSync(aside, fragment, { mode: 0o600, flag: "wx" });
  truncateSync(file, keep);
  return { event: "torn", bytes: fragment.length, sha256: createHash("sha256").update(fragment).digest("hex"), movedTo: basename(aside) };
}

/** The hash of the last complete record, read from the file's tail; `size` undefined: no file. */
function lastHash(file: string): { prev: string; endsWithNewline: boolean; size?: number } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { prev: GENESIS, endsWithNewline: true };
  }
  if (size === 0) return { prev: GENESIS, endsWithNewline: true, size };
  // Records are well under 8 KiB; a longer tail is read only when the last line did not fit.
  const short = readTail(file, size, 8 * 1024);
  return { ...(short.prev !== GENESIS || size <= 8 * 1024 ? short : readTail(file, size, 256 * 1024)), size };
}

function readTail(file: string, size: number, max: number): { prev: string; endsWithNewline: boolean } {
  const length = Math.min(size, max);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const tail = buffer.toString("utf8");
  const lines = tail.split("\n").filter((l) => l.length > 0);
  const endsWithNewline = tail.endsWith("\n");
  const complete = endsWithNewline ? lines : lines.slice(0, -1);
  const match = HASH_SUFFIX.exec(complete.at(-1) ?? "");
  return { prev: match?.[1] ?? GENESIS, endsWithNewline };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export type VerifyResult =
  | { ok: true; records: number; files?: number; acknowledged?: number; startsAfter?: string }
  | { ok: false; records: number; line: number; problem: string; file?: string; /** Hashes of every unacknowledged discontinuity record, when that is the problem. */ resets?: string[] };

/** One file of the chain: its path (empty for text given directly) and content. */
export type LogFile = { name: string; text: string };

/**
 * Walks the chain from the first line and reports the first record that does not fit; with the
 * ledger's `auditTail`, also a log cut short (a chain alone cannot see records removed at the end).
 * The ledger may lag the log after a power loss, never lead it, so the tail only has to be present.
 */
export function verifyAuditText(text: string, auditTail?: string): VerifyResult {
  return verifyAuditFiles([{ name: "", text }], auditTail);
}

/** The rotated files and the log itself, as one chain; a log that is missing is checked against the ledger. */
export function verifyAuditLog(auditFile: string, auditTail: string | undefined, io: { readFile: (path: string) => string; readDir: (dir: string) => string[] }): VerifyResult {
  const files: LogFile[] = rotatedFiles(auditFile, io.readDir).map((name) => ({ name, text: io.readFile(name) }));
  try {
    files.push({ name: auditFile, text: io.readFile(auditFile) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return verifyAuditFiles(files, auditTail);
}

type OpenReset = { records: number; line: number; file?: string; log: unknown; expected: unknown; found: unknown };

export function verifyAuditFiles(files: readonly LogFile[], auditTail?: string): VerifyResult {
  let prev = GENESIS;
  let records = 0;
  let acknowledged = 0;
  let startsAfter: string | undefined;
  const hashes = new Set<string>();
  const resets = new Map<string, OpenReset>();
  let lastLine = 0;
  for (const [k, { name, text }] of files.entries()) {
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    lastLine = lines.length;
    for (const [index, line] of lines.entries()) {
      const at = { records, line: index + 1, ...(name ? { file: name } : {}) };
      const match = HASH_SUFFIX.exec(line);
      if (!match) return { ok: false, ...at, problem: "is not a complete chained record (torn write or edited by hand)" };
      const hash = match[1]!;
      if (sha256(line.slice(0, match.index)) !== hash) return { ok: false, ...at, problem: "does not match its own hash (edited after it was written)" };
      let record: { prev?: unknown; event?: unknown; expected?: unknown; previous?: unknown; acknowledges?: unknown; log?: unknown; found?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        return { ok: false, ...at, problem: "is not valid JSON" };
      }
      if (record.prev !== prev) {
        // A reset names the hash it should have followed; the oldest file left may open with a rotation.
        const reset = record.event === "discontinuity" && record.prev === record.expected;
        const rotatedAway = k === 0 && index === 0 && record.event === "rotate";
        if (!reset && !rotatedAway) {
          const follow = k > 0 && index === 0 ? `the last record of ${basename(files[k - 1]!.name)} (a rotated file was removed, replaced or edited)` : "the record before it (a record was removed, inserted or reordered)";
          return { ok: false, ...at, problem: `does not follow ${follow}` };
        }
        if (reset) resets.set(hash, { ...at, log: record.log, expected: record.expected, found: record.found });
        else startsAfter = String(record.previous);
      }
      if (record.event === "ack" && Array.isArray(record.acknowledges)) for (const h of record.acknowledges) if (resets.delete(String(h))) acknowledged++;
      hashes.add(hash);
      prev = hash;
      records++;
    }
  }
  if (auditTail !== undefined && !hashes.has(auditTail)) {
    const problem = records === 0 ? "is missing: the ledger saw records, but there is no audit log" : "is missing: the ledger saw a later record, so records were cut off the end";
    return { ok: false, records, line: lastLine + 1, ...(files.at(-1)?.name ? { file: files.at(-1)!.name } : {}), problem };
  }
  const [reset] = resets.values();
  if (reset !== undefined) {
    const found = typeof reset.found === "string" ? ` and found ${String(reset.found).slice(0, 12)}…` : "";
    const problem = `records a discontinuity: the log was ${String(reset.log)} where the ledger expected it to continue from ${String(reset.expected).slice(0, 12)}…${found}; the records before it were moved, replaced or deleted`;
    return { ok: false, records: reset.records, line: reset.line, ...(reset.file ? { file: reset.file } : {}), problem, resets: [...resets.keys()] };
  }
  return { ok: true, records, ...(files.length > 1 ? { files: files.length } : {}), ...(acknowledged > 0 ? { acknowledged } : {}), ...(startsAfter ? { startsAfter } : {}) };
}
