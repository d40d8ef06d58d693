// Applying a plan: backup, atomic replace, mode kept, symlinks written through, and a file that
// changed behind our back is left alone.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { privateDir } from "../helpers.js";
import { applyPlan, backupName } from "../../src/setup/init-files.js";

const NOW = new Date("2026-11-22T10:00:00.123Z");

describe("applyPlan", () => {
  it("creates a new file (and its directory) with the planned mode, without a backup", () => {
    const dir = privateDir();
    const file = path.join(dir, "a", "b.json");
    expect(applyPlan({ path: file, before: undefined, after: "{}\n", summary: [], newFileMode: 0o600 }, NOW)).toEqual({ path: file });
    expect(readFileSync(file, "utf8")).toBe("{}\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("backs up the old text, keeps the file's mode and leaves no temp files", () => {
    const dir = privateDir();
    const file = path.join(dir, "s.json");
    writeFileSync(file, "old", { mode: 0o640 });
    const applied = applyPlan({ path: file, before: "old", after: "new", summary: [], newFileMode: 0o600 }, NOW);
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
    applyPlan({ path: link, before: "old", after: "new", summary: [], newFileMode: 0o600 }, NOW);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe("new");
  });

  it("refuses when the file changed since it was planned", () => {
    const dir = privateDir();
    const file = path.join(dir, "s.json");
    writeFileSync(file, "changed by Claude Code meanwhile");
    expect(() => applyPlan({ path: file, before: "old", after: "new", summary: [], newFileMode: 0o600 }, NOW)).toThrow(/changed while init was running/);
    expect(readFileSync(file, "utf8")).toBe("changed by Claude Code meanwhile");
    expect(existsSync(`${file}.bak-20261122T100000123Z`)).toBe(false);
  });
});
