// The book the plugin enforces, kept in memory and reloaded when the file changes: fs.watch on its
// directory for speed (editors replace files by rename), a stat poll as the fallback where watching
// is unavailable or misses an event. Decisions never touch the disk.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { fingerprintOf } from "../contacts/config-source.js";
import { loadConfig, type Config } from "../contacts/config.js";
import { bookFromContacts } from "./book.js";
import type { BookState } from "./decide.js";

export type LiveBook = {
  current(): BookState;
  /** The guard config's audit file from the last valid load, for the gateway log's default place. */
  auditFile(): string | undefined;
  /** When the file was last (re)read, ms since the epoch. */
  loadedAt(): number;
  stop(): void;
};

export type LiveBookOptions = {
  pollMs?: number;
  load?: (path: string) => Config;
  onChange?: (state: BookState) => void;
};

export function watchBook(configPath: string, { pollMs = 500, load = loadConfig, onChange = () => {} }: LiveBookOptions = {}): LiveBook {
  let stamp: string | undefined;
  let state: BookState = { ok: false, error: "not loaded yet" };
  let lastAuditFile: string | undefined;
  let loaded = false;
  let loadedAt = 0;

  const reload = () => {
    const now = fingerprintOf(configPath);
    if (loaded && now !== undefined && now === stamp) return;
    // A missing file is retried on every tick, so recreating it is seen; it is reported once.
    if (loaded && now === undefined && stamp === undefined && !state.ok) return;
    loaded = true;
    loadedAt = Date.now();
    stamp = now;
    try {
      const config = load(configPath);
      lastAuditFile = config.audit.file;
      state = { ok: true, book: bookFromContacts(config.contacts.values()) };
    } catch (error) {
      state = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    onChange(state);
  };
  const safeReload = () => {
    try {
      reload();
    } catch (error) {
      state = { ok: false, error: `reload failed: ${String(error)}` };
    }
  };

  safeReload();
  const timer = setInterval(safeReload, pollMs);
  timer.unref();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(configPath), { persistent: false }, (_event, name) => {
      if (name === null || name === basename(configPath)) safeReload();
    });
    watcher.on("error", () => watcher?.close()); // the poll carries on
  } catch {
    // No watching here (a missing directory, inotify limits): the poll alone applies edits.
  }

  return {
    current: () => state,
    auditFile: () => lastAuditFile,
    loadedAt: () => loadedAt,
    stop() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
