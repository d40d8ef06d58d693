// The I/O half of `init`: read current files, and apply planned changes safely: a timestamped
// backup of every file that changes, an atomic write (temp file + rename) that keeps the file's
// mode, symlinks followed to the real file, and a last check that nobody changed the file while
// we planned (Claude Code rewrites ~/.claude.json itself).
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { InitError, type FilePlan } from "./init-plan.js";

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InitError(`${file}: cannot read it (${(error as Error).message}).`);
  }
}

export function changed(plan: FilePlan): boolean {
  return plan.before !== plan.after;
}

export function backupName(file: string, now: Date): string {
  return `${file}.bak-${now.toISOString().replace(/[-:.]/g, "")}`;
}

export interface Applied {
  readonly path: string;
  readonly backup?: string;
}

/** Write one planned file. Returns where the backup went (none for a new file). */
export function applyPlan(plan: FilePlan, now = new Date()): Applied {
  const target = realTarget(plan.path);
  const current = readText(target);
  if (current !== plan.before) throw new InitError(`${plan.path}: changed while init was running; nothing more was written. Re-run init.`);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  let backup: string | undefined;
  let mode = plan.newFileMode;
  if (current !== undefined) {
    mode = statSync(target).mode & 0o7777;
    backup = backupName(target, now);
    copyFileSync(target, backup);
    chmodSync(backup, 0o600); // settings files can hold tokens: the backup is the owner's only
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    const fd = openSync(temp, "wx", mode);
    try {
      writeSync(fd, plan.after);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, mode); // openSync's mode is filtered by the umask
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return backup === undefined ? { path: target } : { path: target, backup };
}

/** A symlinked settings file (dotfiles repos) is written through, not replaced by a regular file. */
function realTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
