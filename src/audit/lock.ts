// The audit store's cross-process lock: a directory `<audit file>.lock/` holding one owner file whose
// name says who holds it (host, pid, process start time). It is taken by renaming a directory this
// lock prepared once (owner file already inside) into place, and given back by renaming it back, so a
// lock round trip is two renames and creates nothing: proper-lockfile's mkdir, stat and rmdir per
// group cost about as much again as the fsync itself on this disk.
//
// rename(2) of a directory onto a non-empty directory fails, so at most one prepared directory is in
// place. A lock whose owner is dead (same host: no such pid, or the pid now belongs to a process that
// started at another time) is broken by unlinking that owner's file by its exact name and then
// removing the directory only if it is empty: a breaker that lost the race to another breaker finds
// the winner's own owner file inside and removes nothing. A live owner on this host is never broken;
// one on another host (a shared network folder) is considered gone 60 s after it took the lock.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";

export type Owner = { host: string; pid: number; start: string };

export type LockIo = {
  /** Whether a process with this pid exists (on this host). */
  alive: (pid: number) => boolean;
  /** A process's start time as the kernel counts it, "" when unknown (no /proc). */
  startOf: (pid: number) => string;
  now: () => number;
};

/** A foreign host's lock is taken to be abandoned after this long. */
export const FOREIGN_STALE_MS = 60_000;
/** proper-lockfile's `stale`, as earlier versions of the store used it on the same path. */
const LEGACY_STALE_MS = 5_000;
/** Waiting for a live holder longer than this is an error (a group takes milliseconds). */
const WAIT_LIMIT_MS = 30_000;

const SELF_HOST = createHash("sha256").update(hostname()).digest("hex").slice(0, 12);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); "" where there is no /proc. */
export function startOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

const REAL_IO: LockIo = { alive, startOf, now: Date.now };

const OWNER = /^owner\.([0-9a-f]{12})\.(\d+)\.(\d*)\.[0-9a-f]+$/;

export function ownerName(owner: Owner, nonce: string): string {
  return `owner.${owner.host}.${owner.pid}.${owner.start}.${nonce}`;
}

export function parseOwner(name: string): Owner | undefined {
  const match = OWNER.exec(name);
  return match ? { host: match[1]!, pid: Number(match[2]), start: match[3]! } : undefined;
}

/** Whether a lock taken by `owner` at `takenAt` may be broken now. */
export function isStale(owner: Owner | undefined, takenAt: number, io: LockIo, self: string = SELF_HOST): boolean {
  if (owner === undefined) return io.now() - takenAt > FOREIGN_STALE_MS; // not ours to judge: treat like a foreign host
  if (owner.host !== self) return io.now() - takenAt > FOREIGN_STALE_MS;
  if (!io.alive(owner.pid)) return true;
  // The pid exists: stale only if it is another process than the one that took the lock (pid reuse).
  if (owner.start === "") return false;
  const now = io.startOf(owner.pid);
  return now !== "" && now !== owner.start;
}

export type DirLock = {
  /** Resolves once this lock holds `<file>.lock`; rejects after waiting 30 s for a live holder. */
  acquire(): Promise<void>;
  /** Gives the lock back; throws when it was no longer in place (broken by someone else). */
  release(): void;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createDirLock(file: string, io: LockIo = REAL_IO, self: string = SELF_HOST): DirLock {
  const lockDir = `${file}.lock`;
  const nonce = randomBytes(6).toString("hex");
  const owner: Owner = { host: self, pid: process.pid, start: io === REAL_IO ? startOf(process.pid) : io.startOf(process.pid) };
  const mine = `${lockDir}.${ownerName(owner, nonce).slice("owner.".length)}`;
  let prepared = false;

  function prepare(): void {
    if (prepared) return;
    sweep();
    mkdirSync(mine, { recursive: true, mode: 0o700 });
    writeFileSync(join(mine, ownerName(owner, nonce)), "", { mode: 0o600 });
    prepared = true;
  }

  /** Prepared directories of processes that died (same host), left beside the lock. */
  function sweep(): void {
    const prefix = `${basename(lockDir)}.`;
    let names: string[];
    try {
      names = readdirSync(dirname(lockDir));
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const other = parseOwner(`owner.${name.slice(prefix.length)}`);
      if (other === undefined || other.host !== self || !isStale(other, 0, io, self)) continue;
      rmSync(join(dirname(lockDir), name), { recursive: true, force: true });
    }
  }

  /** Breaks the lock in place if its owner is gone; true when it was (or is no longer there). */
  function breakIfStale(): boolean {
    let names: string[];
    let takenAt: number;
    try {
      names = readdirSync(lockDir);
      takenAt = statSync(lockDir).ctimeMs; // rename sets the ctime: when this holder took it
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
      throw error;
    }
    // Empty: proper-lockfile's lock (earlier versions; it refreshes the mtime every 2.5 s while held,
    // and gives up on one 5 s old), or one a breaker is emptying. The next rename would replace it.
    if (names.length === 0) return io.now() - statSync(lockDir).mtimeMs > LEGACY_STALE_MS;
    const owners = names.map(parseOwner);
    if (!owners.every((o) => isStale(o, takenAt, io, self))) return false;
    for (const name of names) {
      try {
        unlinkSync(join(lockDir, name)); // by its exact name: never another owner's file
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    try {
      rmdirSync(lockDir); // fails if a new owner has renamed its directory in meanwhile
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
    return true;
  }

  /** Takes the lock if nothing is in its place (a rename would also replace an empty directory). */
  function tryTake(): boolean {
    try {
      statSync(lockDir);
      return false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    return renameInto();
  }

  function renameInto(): boolean {
    try {
      renameSync(mine, lockDir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST") return false;
      if (code === "ENOENT") {
        prepared = false; // our prepared directory went away (swept by hand): make it again
        prepare();
        return false;
      }
      throw error;
    }
  }

  return {
    async acquire() {
      prepare();
      const started = io.now();
      for (let attempt = 0; ; attempt++) {
        if (tryTake()) return;
        if (breakIfStale() && renameInto()) return;
        if (io.now() - started > WAIT_LIMIT_MS) throw new Error(`${lockDir} is held by another process (${readdirSync(lockDir).join(", ")}); waited ${WAIT_LIMIT_MS / 1000} s`);
        await sleep(Math.min(1 + attempt, 20));
      }
    },
    release() {
      try {
        // Ours only while our owner file is in it (a foreign host may have broken it after 60 s).
        statSync(join(lockDir, ownerName(owner, nonce)));
        renameSync(lockDir, mine); // kept for the next group
      } catch (error) {
        prepared = false;
        throw new Error(`${lockDir} was no longer ours to release (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    },
  };
}
