// The I/O half of `init`: read current files, and apply planned changes safely: a timestamped
// backup of every file that changes, an atomic write (temp file + rename) that keeps the file's
// mode, symlinks followed to the real file, and a last check that nobody changed the file while
// we planned (Claude Code rewrites ~/.claude.json itself). All backups and temp files are made
// before the first rename, so an ordinary I/O error (EACCES, ENOSPC, EROFS) mostly leaves nothing
// written; a rename that still fails is reported with the files already replaced.
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, copyFileSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { InitError, type FileChange } from "./init-plan.js";

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InitError(`${file}: cannot read it (${(error as Error).message}).`);
  }
}

export function changed(plan: FileChange): boolean {
  return plan.deleteFile ? plan.before !== undefined : plan.before !== plan.after;
}

export function backupName(file: string, now: Date): string {
  return `${file}.bak-${now.toISOString().replace(/[-:.]/g, "")}`;
}

export interface Applied {
  readonly path: string;
  readonly backup?: string;
}

/** applyPlans failed: `written` were already replaced (in order), the rest were left as they were. */
export class ApplyError extends Error {
  override name = "ApplyError";
  constructor(
    message: string,
    readonly written: readonly Applied[],
  ) {
    super(message);
  }
}

interface Prepared {
  readonly plan: FileChange;
  readonly applied: Applied;
  /** The new text, ready to be renamed over the target; undefined: the target is deleted. */
  readonly temp: string | undefined;
}

/**
 * Write the planned files, in order. Throws ApplyError, with the files already written (none
 * when preparing failed); the files not written keep their text and get no backup.
 * `rename` is for tests.
 */
export function applyPlans(plans: readonly FileChange[], now = new Date(), rename: (from: string, to: string) => void = renameSync): Applied[] {
  const prepared: Prepared[] = [];
  const written: Applied[] = [];
  try {
    for (const plan of plans) prepared.push(prepare(plan, now));
    for (const { plan, applied, temp } of prepared) {
      checkUnchanged(plan, applied.path);
      if (temp === undefined) rmSync(applied.path);
      else rename(temp, applied.path);
      written.push(applied);
    }
    return written;
  } catch (error) {
    for (const { applied, temp } of prepared.slice(written.length)) removeAll([temp, applied.backup]);
    throw new ApplyError(error instanceof Error ? error.message : String(error), written);
  }
}

/** The backup and the temp file holding the new text, next to the target. */
function prepare(plan: FileChange, now: Date): Prepared {
  const target = realTarget(plan.path);
  checkUnchanged(plan, target);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const backup = plan.before === undefined ? undefined : backupName(target, now);
  // A symlinked file (dotfiles) is emptied of our entries rather than deleted: the link stays valid.
  if (plan.deleteFile && target === plan.path) {
    if (backup !== undefined) backUp(target, backup);
    return { plan, applied: backup === undefined ? { path: target } : { path: target, backup }, temp: undefined };
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    const mode = backup === undefined ? plan.newFileMode : statSync(target).mode & 0o7777;
    if (backup !== undefined) backUp(target, backup);
    const fd = openSync(temp, "wx", mode);
    try {
      writeSync(fd, plan.after);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, mode); // openSync's mode is filtered by the umask
  } catch (error) {
    removeAll([temp, backup]);
    throw error;
  }
  return { plan, applied: backup === undefined ? { path: target } : { path: target, backup }, temp };
}

/**
 * Back up a file that another program is about to rewrite (OpenClaw's `config set`), after the
 * same check that nobody changed it while init planned. Returns the backup's path.
 */
export function backUpBeforeWriter(plan: FileChange, now = new Date()): string {
  const target = realTarget(plan.path);
  checkUnchanged(plan, target);
  const backup = backupName(target, now);
  backUp(target, backup);
  return backup;
}

/** A small private file of init's own (its state), replaced atomically, mode 0600. */
export function writePrivateFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

function backUp(target: string, backup: string): void {
  copyFileSync(target, backup);
  chmodSync(backup, 0o600); // settings files can hold tokens: the backup is the owner's only
}

function removeAll(files: readonly (string | undefined)[]): void {
  for (const file of files) if (file !== undefined) rmSync(file, { force: true });
}

function checkUnchanged(plan: FileChange, target: string): void {
  if (readText(target) !== plan.before) throw new InitError(`${plan.path}: changed while init was running. Re-run init.`);
}

/** A symlinked settings file (dotfiles repos) is written through, not replaced by a regular file. */
function realTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  let link: string | undefined;
  try {
    link = lstatSync(file).isSymbolicLink() ? readlinkSync(file) : undefined;
  } catch {
    return file; // a new file
  }
  if (link === undefined) return file;
  const missing = path.resolve(path.dirname(file), link);
  throw new InitError(`${file}: is a symbolic link to ${missing}, which does not exist; refusing to replace the link with a regular file. Create ${missing} (or remove the link), then re-run.`);
}
