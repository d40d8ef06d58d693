// Applying a plan: backup, atomic replace, mode kept, symlinks written through (a dangling one
// refused), a file that changed behind our back is left alone, and a failure part-way says what
// was written.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { privateDir } from "../helpers.js";
import { ApplyError, applyPlans, backupName } from "../../src/setup/init-files.js";
import type { FileChange } from "../../src/setup/init-plan.js";

const applyPlan = (plan: FileChange, now: Date) => applyPlans([plan], now)[0]!;

/** The ApplyError that `fn` throws. */
function applyError(fn: () => unknown): ApplyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApplyError) return error;
    throw error;
  }
  throw new Error("did not throw");
}

const NOW = new Date("2026-11-22T10:00:00.123Z");

describe("applyPlans", () => {
  it("creates a new file (and its directory) with the planned mode, without a backup", () => {
    const dir = privateDir();
    const file = path.join(dir, "a", "b.json");
    expect(applyPlan({ path: file, before: undefined, after: "{}\n", newFileMode: 0o600 }, NOW)).toEqual({ path: file });
    expect(readFileSync(file, "utf8")).toBe("{}\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("backs up the old text, keeps the file's mode and leaves no temp files", () => {
    const dir = privateDir();
    const file = path.join(dir, "s.json");
    writeFileSync(file, "old", { mode: 0o640 });
    const applied = applyPlan({ path: file, before: "old", after: "new", newFileMode: 0o600 }, NOW);
    expect(applied.backup).toBe(`${file}.bak-20261122T100000123Z`);
    expect(backupName(file, NOW)).toBe(applied.backup);
    expect(readFileSync(applied.backup!, "utf8")).toBe("old");
    expect(statSync(applied.backup!).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(["s.json", "s.json.bak-20261122T100000123Z"]);
  });

  it("writes through a symlink instead of replacing it", () => {
    const dir = privateDir();
    mkdirSync(path.join(dir, "dotfiles"));
    const real = path.join(dir, "dotfiles", "settings.json");
    const link = path.join(dir, "settings.json");
    writeFileSync(real, "old");
    symlinkSync(real, link);
    applyPlan({ path: link, before: "old", after: "new", newFileMode: 0o600 }, NOW);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe("new");
  });

  it("refuses when the file changed since it was planned", () => {
    const dir = privateDir();
    const file = path.join(dir, "s.json");
    writeFileSync(file, "changed by Claude Code meanwhile");
    expect(() => applyPlan({ path: file, before: "old", after: "new", newFileMode: 0o600 }, NOW)).toThrow(/changed while init was running/);
    expect(readFileSync(file, "utf8")).toBe("changed by Claude Code meanwhile");
    expect(existsSync(`${file}.bak-20261122T100000123Z`)).toBe(false);
  });

  it("refuses a dangling symlink, naming the link and its missing target, and leaves the link alone", () => {
    const dir = privateDir();
    const link = path.join(dir, "settings.json");
    symlinkSync("dotfiles/settings.json", link);
    expect(() => applyPlan({ path: link, before: undefined, after: "new", newFileMode: 0o600 }, NOW)).toThrow(
      `${link}: is a symbolic link to ${path.join(dir, "dotfiles", "settings.json")}, which does not exist; refusing to replace the link with a regular file.`,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir)).toEqual(["settings.json"]);
  });

  it("prepares every file before replacing any: a failure while preparing writes nothing", () => {
    const dir = privateDir();
    const first = path.join(dir, "first.json");
    writeFileSync(first, "old");
    writeFileSync(path.join(dir, "rules"), "a file where a directory should be");
    const plans: FileChange[] = [
      { path: first, before: "old", after: "new", newFileMode: 0o600 },
      { path: path.join(dir, "rules", "x.rules"), before: undefined, after: "r", newFileMode: 0o600 },
    ];
    expect(applyError(() => applyPlans(plans, NOW)).written).toEqual([]);
    expect(readFileSync(first, "utf8")).toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["first.json", "rules"]); // no backup, no temp file
  });

  it("when a replace fails part-way, says which files were written (with their backups) and leaves the rest untouched", () => {
    const dir = privateDir();
    const [a, b, c] = ["a.json", "b.json", "c.json"].map((f) => path.join(dir, f));
    writeFileSync(a!, "old a");
    writeFileSync(c!, "old c");
    const plans: FileChange[] = [
      { path: a!, before: "old a", after: "new a", newFileMode: 0o600 },
      { path: b!, before: undefined, after: "new b", newFileMode: 0o600 },
      { path: c!, before: "old c", after: "new c", newFileMode: 0o600 },
    ];
    let renames = 0;
    const rename = (from: string, to: string) => {
      if (++renames === 3) throw Object.assign(new Error(`EROFS: read-only file system, rename '${from}' -> '${to}'`), { code: "EROFS" });
      renameSync(from, to);
    };
    const error = applyError(() => applyPlans(plans, NOW, rename));
    expect(error.message).toMatch(/^EROFS/);
    expect(error.written).toEqual([{ path: a, backup: backupName(a!, NOW) }, { path: b }]);
    expect(readFileSync(a!, "utf8")).toBe("new a");
    expect(readFileSync(b!, "utf8")).toBe("new b");
    expect(readFileSync(c!, "utf8")).toBe("old c");
    expect(readdirSync(dir).sort()).toEqual(["a.json", "a.json.bak-20261122T100000123Z", "b.json", "c.json"]);
  });
});
