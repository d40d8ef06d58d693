// The live address book. Every read compares the file's stat fingerprint (and its directory's owner
// and mode), so an edit takes effect on the next call, and a file that turned invalid refuses sends:
// never a stale copy.
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { loadConfig, type Config } from "./config.js";

export type ConfigState = { ok: true; config: Config } | { ok: false; error: string };

export interface ConfigSource {
  readonly path: string;
  current(): ConfigState;
}

export function createConfigSource(path: string, load: (path: string) => Config = loadConfig): ConfigSource {
  return createFileState<ConfigState>(path, (p) => ({ ok: true, config: load(p) }), (error) => ({ ok: false, error }));
}

/**
 * A file read afresh whenever its fingerprint changes (also the address book's agent tokens):
 * `load` may throw, and its message becomes the state `failed` builds.
 */
export function createFileState<S>(path: string, load: (path: string) => S, failed: (error: string) => S): { readonly path: string; current(): S } {
  let fingerprint: string | undefined;
  let state: S | undefined;
  let loaded = false;
  return {
    path,
    current() {
      const now = fingerprintOf(path);
      if (!loaded || now === undefined || now !== fingerprint) {
        fingerprint = now;
        loaded = true;
        try {
          state = load(path);
        } catch (error) {
          state = failed(error instanceof Error ? error.message : String(error));
        }
      }
      return state as S;
    },
  };
}

/** The file's identity and content stamps, and its directory's owner and mode (what the permission check reads). */
export function fingerprintOf(path: string): string | undefined {
  try {
    const file = statSync(path, { bigint: true });
    const dir = statSync(dirname(path), { bigint: true });
    return `${file.ino}:${file.size}:${file.mtimeNs}:${file.ctimeNs}:${file.mode}:${file.uid}|${dir.mode}:${dir.uid}`;
  } catch {
    return undefined; // missing: reload every time so the load reports it and a recreated file is seen
  }
}
