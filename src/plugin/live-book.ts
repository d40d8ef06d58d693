// The book the plugin enforces, kept in memory and reloaded when the file changes: fs.watch on its
// directory for speed (editors replace files by rename), a stat poll as the fallback where watching
// is unavailable or misses an event. Decisions never touch the disk. Beside the book, the plugin's own
// `allowTo` (plugins.entries.openclaw-guard.config.allowTo in openclaw.json): recipients allowed with
// no book at all, for people who run only the gateway. Both are read by the same target module.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { z } from "zod";
import { maskTarget } from "../audit/redact.js";
import { fingerprintOf } from "../contacts/config-source.js";
import { loadConfig, type Config } from "../contacts/config.js";
import { canonicalDestination, CHANNELS, destinationKey, isChannel, validateTarget, type Destination } from "../contacts/targets.js";
import { contactRegions } from "../policy/regions.js";
import { bookFromContacts, entryKey, type Book, type BookEntry } from "./book.js";
import type { BookState } from "./decide.js";

/** The alias an allowTo recipient is audited under (allowTo entries have no alias of their own). */
export const ALLOW_TO_ALIAS = "allowTo";

/**
 * `allowTo: { telegram: ["123456789"], whatsapp: ["+15551234567"] }`: each entry must be a target the
 * address book would accept for that channel (the same forms, canonicalised the same way); anything
 * else makes the plugin config invalid, and an invalid plugin config cancels every message.
 */
export const allowToSchema = z.record(z.string(), z.array(z.string())).superRefine((allowTo, ctx) => {
  for (const [channel, targets] of Object.entries(allowTo)) {
    if (!isChannel(channel)) {
      ctx.addIssue({ code: "custom", path: [channel], message: `unknown channel "${channel}"; use one of: ${CHANNELS.join(", ")}` });
      continue;
    }
    targets.forEach((target, i) => {
      const check = validateTarget(channel, target);
      if (!check.ok) ctx.addIssue({ code: "custom", path: [channel, i], message: `${JSON.stringify(maskTarget(target))} ${check.reason}` });
      else if (!canonicalDestination(channel, check.target)) ctx.addIssue({ code: "custom", path: [channel, i], message: `${JSON.stringify(maskTarget(target))} is not a ${channel} recipient the gateway would read the same way` });
    });
  }
});
export type AllowTo = z.infer<typeof allowToSchema>;

/** The canonical destinations of a valid allowTo (run allowToSchema first; anything unreadable is left out, never guessed). */
export function allowToDestinations(allowTo: AllowTo | undefined): Destination[] {
  return Object.entries(allowTo ?? {}).flatMap(([channel, targets]) => {
    if (!isChannel(channel)) return [];
    return targets.flatMap((target) => {
      const check = validateTarget(channel, target);
      const destination = check.ok ? canonicalDestination(channel, check.target) : undefined;
      return destination ? [destination] : [];
    });
  });
}

/** The list per channel as logs and doctor may show it: masked, never a full number. */
export function maskedAllowTo(destinations: readonly Destination[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of destinations) (out[d.channel] ??= []).push(maskTarget(destinationKey(d)));
  return out;
}

/** The book with allowTo's recipients added (the book's contacts keep their aliases); the fingerprint stays the book's. */
export function withAllowTo(book: Book, allowed: readonly Destination[]): Book {
  if (allowed.length === 0) return book;
  const entries = new Map<string, BookEntry>(book.entries);
  for (const destination of allowed) {
    const key = entryKey(destination.channel, destinationKey(destination));
    if (!entries.has(key)) entries.set(key, { alias: ALLOW_TO_ALIAS, destination });
  }
  // allowTo's own numbers widen the regions national-format numbers in a message are read in.
  const regions = new Set([...book.regions, ...contactRegions(allowed.map((d) => ({ target: d.chat })))]);
  return { entries, size: book.size, fingerprint: book.fingerprint, regions: [...regions] };
}

export type LiveBook = {
  current(): BookState;
  /** The guard config's audit file from the last valid load, for the gateway log's default place. */
  auditFile(): string | undefined;
  /** When the file was last (re)read, ms since the epoch. */
  loadedAt(): number;
  /** For the status RPC: whether the book file was there, and allowTo masked per channel. */
  describe(): { bookFile: "loaded" | "missing" | "invalid"; allowTo: Record<string, string[]> };
  stop(): void;
};

export type LiveBookOptions = {
  pollMs?: number;
  load?: (path: string) => Config;
  onChange?: (state: BookState) => void;
  /** Recipients allowed beside the book (already validated by allowToSchema). With any, a missing book file is no error. */
  allowTo?: AllowTo;
};

export function watchBook(configPath: string, { pollMs = 500, load = loadConfig, onChange = () => {}, allowTo }: LiveBookOptions = {}): LiveBook {
  const allowed = allowToDestinations(allowTo);
  let bookFile: "loaded" | "missing" | "invalid" = "missing";
  let stamp: string | undefined;
  let state: BookState = { ok: false, error: "not loaded yet" };
  let lastAuditFile: string | undefined;
  let loaded = false;
  let loadedAt = 0;

  const reload = () => {
    const now = fingerprintOf(configPath);
    if (loaded && now !== undefined && now === stamp) return;
    // A missing file is retried on every tick, so recreating it is seen; it is reported once.
    if (loaded && now === undefined && stamp === undefined && (!state.ok || bookFile === "missing")) return;
    loaded = true;
    loadedAt = Date.now();
    stamp = now;
    try {
      if (now === undefined && allowed.length > 0) {
        // A gateway-only setup: no book file, only allowTo. A file that exists but is invalid still fails closed.
        bookFile = "missing";
        lastAuditFile = undefined;
        state = { ok: true, book: withAllowTo(bookFromContacts([]), allowed) };
      } else {
        const config = load(configPath);
        lastAuditFile = config.audit.file;
        bookFile = "loaded";
        state = { ok: true, book: withAllowTo(bookFromContacts(config.contacts.values()), allowed) };
      }
    } catch (error) {
      bookFile = now === undefined ? "missing" : "invalid";
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
    describe: () => ({ bookFile, allowTo: maskedAllowTo(allowed) }),
    stop() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
