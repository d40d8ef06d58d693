// The audit store's directory lock: exclusion, a dead owner's lock broken (never a live one's), pid
// reuse, foreign hosts, two breakers racing, and leftovers of killed processes swept.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDirLock, FOREIGN_STALE_MS, isStale, ownerName, parseOwner, startOf, type LockIo } from "../../src/audit/lock.js";
import { privateDir, REPO_ROOT } from "../helpers.js";

const HOST = "0123456789ab";
const OTHER_HOST = "ba9876543210";

function fakeIo(over: Partial<LockIo> = {}): LockIo {
  return { alive: () => true, startOf: () => "100", now: Date.now, ...over };
}

/** A lock directory left as a holder would leave it, with one owner file. */
function plantLock(file: string, owner: { host: string; pid: number; start: string }): string {
  const dir = `${file}.lock`;
  mkdirSync(dir, { mode: 0o700 });
  const name = ownerName(owner, "feed");
  writeFileSync(join(dir, name), "");
  return name;
}

const settledWithin = <T>(promise: Promise<T>, ms: number) => Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe("directory lock", () => {
  it("excludes a second holder until the first releases, and leaves no lock behind", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const [a, b] = [createDirLock(file), createDirLock(file)];
    await a.acquire();
    const second = b.acquire();
    expect(await settledWithin(second, 150)).toBe(false); // a live holder on this host is never broken
    a.release();
    await second;
    expect(readdirSync(`${file}.lock`)).toHaveLength(1);
    b.release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("owner names round-trip; anything else in the lock is no owner", () => {
    const owner = { host: HOST, pid: 4242, start: "987654" };
    expect(parseOwner(ownerName(owner, "abc123"))).toEqual(owner);
    expect(parseOwner("owner.nothex.1.2.ab")).toBeUndefined();
    expect(parseOwner("../../etc/passwd")).toBeUndefined();
  });

  it("stale: a dead pid, or the pid of a process that started at another time; not a live one", () => {
    const owner = { host: HOST, pid: 77, start: "100" };
    expect(isStale(owner, Date.now(), fakeIo({ alive: () => false }), HOST)).toBe(true);
    expect(isStale(owner, Date.now(), fakeIo({ startOf: () => "555" }), HOST)).toBe(true); // pid reused
    expect(isStale(owner, Date.now(), fakeIo(), HOST)).toBe(false);
    expect(isStale(owner, 0, fakeIo(), HOST)).toBe(false); // however old: a live owner is waiting on its disk
    expect(isStale({ ...owner, start: "" }, Date.now(), fakeIo({ startOf: () => "555" }), HOST)).toBe(false); // no start time known: pid only
  });

  it("a foreign host's lock is stale only after 60 s (its pid means nothing here)", () => {
    const owner = { host: OTHER_HOST, pid: 77, start: "100" };
    const io = fakeIo({ alive: () => false, now: () => 1_000_000 });
    expect(isStale(owner, 1_000_000 - FOREIGN_STALE_MS + 1000, io, HOST)).toBe(false);
    expect(isStale(owner, 1_000_000 - FOREIGN_STALE_MS - 1000, io, HOST)).toBe(true);
    expect(isStale(undefined, 1_000_000 - 1000, io, HOST)).toBe(false); // a file that is no owner: as a foreign host
  });

  it("breaks the lock of a process killed (-9) while holding it", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const script = `import { createDirLock } from ${JSON.stringify(join(REPO_ROOT, "dist", "audit", "lock.js"))}; await createDirLock(${JSON.stringify(file)}).acquire(); process.stdout.write("held\\n"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.on("data", () => resolve()));
    const lock = createDirLock(file);
    const waiting = lock.acquire();
    expect(await settledWithin(waiting, 150)).toBe(false); // alive: waited for
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    await waiting;
    lock.release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 20_000);

  it("sweeps the prepared directory a killed process left beside the lock", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const script = `import { createDirLock } from ${JSON.stringify(join(REPO_ROOT, "dist", "audit", "lock.js"))}; const l = createDirLock(${JSON.stringify(file)}); await l.acquire(); l.release(); process.stdout.write("ready\\n"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.on("data", () => resolve()));
    const leftovers = () => readdirSync(join(file, "..")).filter((n) => n.startsWith("audit.jsonl.lock.") && !n.includes(`.${process.pid}.`));
    expect(leftovers()).toHaveLength(1);
    const alive = createDirLock(file);
    await alive.acquire(); // a live process's prepared directory is left alone
    alive.release();
    expect(leftovers()).toHaveLength(1);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    const next = createDirLock(file);
    await next.acquire();
    next.release();
    expect(leftovers()).toEqual([]);
  }, 20_000);

  it("takes over a lock whose pid was reused by another process, but waits for the same process", async () => {
    const file = join(privateDir(), "audit.jsonl");
    plantLock(file, { host: HOST, pid: process.pid, start: "1" }); // this pid, another start time
    const lock = createDirLock(file, fakeIo({ startOf: (pid) => (pid === process.pid ? "2" : "") }), HOST);
    await lock.acquire();
    lock.release();
    const other = join(privateDir(), "audit.jsonl");
    plantLock(other, { host: HOST, pid: process.pid, start: "2" }); // the same process: alive, never broken
    const waits = createDirLock(other, fakeIo({ startOf: () => "2" }), HOST);
    expect(await settledWithin(waits.acquire(), 150)).toBe(false);
  });

  it("two breakers of one stale lock: the slower one removes nothing of the winner's and waits", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const dead = { host: HOST, pid: 999_999, start: "5" };
    plantLock(file, dead);
    const winner = createDirLock(file, fakeIo({ alive: (pid) => pid !== dead.pid }), HOST);
    let raced = false;
    // The loser decides the owner is dead; at that very moment the winner breaks the lock and takes it.
    const loserIo = fakeIo({
      alive: (pid) => {
        if (pid === dead.pid && !raced) {
          raced = true;
          void winner.acquire();
        }
        return pid !== dead.pid;
      },
    });
    const loser = createDirLock(file, loserIo, HOST);
    const losing = loser.acquire();
    expect(await settledWithin(losing, 200)).toBe(false);
    expect(raced).toBe(true);
    // The winner holds it, its owner file intact.
    expect(readdirSync(`${file}.lock`).map(parseOwner)).toEqual([expect.objectContaining({ pid: process.pid })]);
    winner.release();
    await losing;
    loser.release();
  });

  it("waits for the empty lock directory of an earlier version (proper-lockfile) until it is 5 s old", async () => {
    const file = join(privateDir(), "audit.jsonl");
    mkdirSync(`${file}.lock`); // proper-lockfile's lock, fresh: held
    const lock = createDirLock(file);
    const waiting = lock.acquire();
    expect(await settledWithin(waiting, 200)).toBe(false); // not replaced by our rename
    const old = new Date(Date.now() - 6000);
    utimesSync(`${file}.lock`, old, old); // its holder stopped refreshing it: stale
    await waiting;
    expect(readdirSync(`${file}.lock`).map(parseOwner)).toEqual([expect.objectContaining({ pid: process.pid })]);
    lock.release();
  });

  it("release reports a lock that is no longer ours instead of moving another's away", async () => {
    const file = join(privateDir(), "audit.jsonl");
    const lock = createDirLock(file);
    await lock.acquire();
    // Someone broke it (a foreign host after 60 s) and took it.
    const [ours] = readdirSync(`${file}.lock`);
    const { renameSync, rmSync } = await import("node:fs");
    renameSync(`${file}.lock`, `${file}.gone`);
    rmSync(`${file}.gone`, { recursive: true });
    plantLock(file, { host: OTHER_HOST, pid: 1, start: "1" });
    expect(() => lock.release()).toThrow(/no longer ours/);
    expect(readdirSync(`${file}.lock`)).not.toContain(ours);
    expect(readdirSync(`${file}.lock`)).toHaveLength(1);
  });

  it("reads a process's start time from /proc where there is one", () => {
    if (!existsSync("/proc/self/stat")) return;
    expect(startOf(process.pid)).toMatch(/^\d+$/);
    expect(startOf(999_999_999)).toBe("");
  });
});
