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
  let fingerprint: string | undefined;
  let state: ConfigState | undefined;
  return {
    path,
    current() {
      const now = fingerprintOf(path);
      if (state === undefined || now === undefined || now !== fingerprint) {
        fingerprint = now;
        try {
          state = { ok: true, config: load(path) };
        } catch (error) {
          state = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }
      return state;
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
