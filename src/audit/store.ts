// The audit log and the send ledger behind one cross-process lock, so that several server processes
// (one per agent session) share rate limits, duplicate windows and one unbroken hash chain.
//
// Audit records are hash-chained JSONL: each line carries `prev` (the previous line's hash) and
// `hash` (sha256 of the line up to that field). Each append is fsynced before the caller goes on.
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { LedgerEntry } from "../policy/limits.js";

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

export type StoreOptions = { now?: () => number; retainSeconds?: () => number; onLockCompromised?: (error: Error) => void };

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

export function createStore(auditFile: string, { now = Date.now, retainSeconds = () => 86_400, onLockCompromised = () => {} }: StoreOptions = {}): Store {
  const dir = dirname(auditFile);
  const ledgerFile = ledgerPathFor(auditFile);

  // One transaction at a time per process: concurrent callers (many HTTP sessions) queue here
  // instead of all polling the file lock, which made 100 concurrent sends take seconds each.
  let queue: Promise<unknown> = Promise.resolve();
  function locked<T>(fn: () => T): Promise<T> {
    const turn = queue.then(() => lockedAcrossProcesses(fn));
    queue = turn.catch(() => {});
    return turn;
  }

  async function lockedAcrossProcesses<T>(fn: () => T): Promise<T> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Imported on first use so the MCP server's start does not pay for it.
    const { default: lockfile } = await import("proper-lockfile");
    const release = await lockfile.lock(auditFile, {
      realpath: false,
      lockfilePath: `${auditFile}.lock`,
      stale: 5000,
      // Waits up to ~7 s: past `stale`, so a lock left by a killed process is taken over.
      retries: { retries: 150, minTimeout: 2, maxTimeout: 50, factor: 1.3 },
      onCompromised: onLockCompromised,
    });
    try {
      return fn();
    } finally {
      await release();
    }
  }

  const transact = <T>(decide: (ledger: Readonly<Ledger>) => Change<T>): Promise<T> =>
    locked(() => {
      const ledger = readLedger(ledgerFile);
      const change = decide(ledger);
      // Intent before effect: the records are on disk before the reservation they describe.
      const auditTail = appendChained(auditFile, change.records, now) ?? ledger.auditTail;
      const cutoff = now() - retainSeconds() * 1000;
      const entries = ledger.entries.filter((e) => e.at >= cutoff && e.id !== change.release);
      if (change.reserve) entries.push(change.reserve);
      const delivered = { ...ledger.delivered };
      if (change.markDelivered && delivered[change.markDelivered] === undefined) delivered[change.markDelivered] = now();
      writeLedger(ledgerFile, { entries, delivered, ...(auditTail ? { auditTail } : {}) });
      return change.result;
    });

  return {
    auditFile,
    transact,
    record: (...records) => transact(() => ({ result: undefined, records })),
  };
}

function readLedger(file: string): Ledger {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], delivered: {} };
    throw error;
  }
  // A corrupt ledger must not silently reset the limits: refuse until a human looks.
  const parsed = JSON.parse(text) as Partial<Ledger>;
  if (!Array.isArray(parsed.entries) || typeof parsed.delivered !== "object" || parsed.delivered === null) throw new Error(`${file} is not a valid ledger; move it aside to reset the limits`);
  return { entries: parsed.entries, delivered: parsed.delivered, ...(typeof parsed.auditTail === "string" ? { auditTail: parsed.auditTail } : {}) };
}

/**
 * Replaced atomically by rename, which survives a killed process. It is not fsynced: the audit
 * record written in the same transaction is, and it is the durable account; after a power loss
 * the ledger may miss its last update, never a record.
 */
function writeLedger(file: string, ledger: Ledger): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(ledger), { mode: 0o600 });
  renameSync(temp, file);
}

/** Appends and fsyncs; returns the hash of the last record written (undefined when none). */
function appendChained(file: string, records: readonly AuditRecord[], now: () => number): string | undefined {
  if (records.length === 0) return undefined;
  const { prev: first, endsWithNewline } = lastHash(file);
  let prev = first;
  let text = endsWithNewline ? "" : "\n"; // keep a torn last line on its own, where verify will name it
  for (const record of records) {
    const body = JSON.stringify({ time: new Date(now()).toISOString(), ...record, prev });
    const hash = sha256(body.slice(0, -1));
    text += `${body.slice(0, -1)},"hash":"${hash}"}\n`;
    prev = hash;
  }
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return prev;
}

/** The hash of the last complete record, read from the file's tail. */
function lastHash(file: string): { prev: string; endsWithNewline: boolean } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { prev: GENESIS, endsWithNewline: true };
  }
  if (size === 0) return { prev: GENESIS, endsWithNewline: true };
  // Records are well under 8 KiB; a longer tail is read only when the last line did not fit.
  const short = readTail(file, size, 8 * 1024);
  return short.prev !== GENESIS || size <= 8 * 1024 ? short : readTail(file, size, 256 * 1024);
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

export type VerifyResult = { ok: true; records: number } | { ok: false; records: number; line: number; problem: string };

/**
 * Walks the chain from the first line and reports the first record that does not fit; with the
 * ledger's `auditTail`, also a log cut short (a chain alone cannot see records removed at the end).
 * The ledger may lag the log after a power loss, never lead it, so the tail only has to be present.
 */
export function verifyAuditText(text: string, auditTail?: string): VerifyResult {
  const result = verifyChain(text);
  if (!result.ok || auditTail === undefined || text.includes(`"hash":"${auditTail}"}`)) return result;
  return { ok: false, records: result.records, line: result.records + 1, problem: "is missing: the ledger saw a later record, so records were cut off the end" };
}

function verifyChain(text: string): VerifyResult {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let prev = GENESIS;
  for (const [index, line] of lines.entries()) {
    const at = { records: index, line: index + 1 };
    const match = HASH_SUFFIX.exec(line);
    if (!match) return { ok: false, ...at, problem: "is not a complete chained record (torn write or edited by hand)" };
    const body = line.slice(0, match.index);
    if (sha256(body) !== match[1]) return { ok: false, ...at, problem: "does not match its own hash (edited after it was written)" };
    let record: { prev?: unknown };
    try {
      record = JSON.parse(line) as { prev?: unknown };
    } catch {
      return { ok: false, ...at, problem: "is not valid JSON" };
    }
    if (record.prev !== prev) return { ok: false, ...at, problem: "does not follow the record before it (a record was removed, inserted or reordered)" };
    prev = match[1]!;
  }
  return { ok: true, records: lines.length };
}
