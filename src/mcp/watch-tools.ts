// Tells the client when the address book's aliases change, so the tool description it shows the
// model (which lists them) is refreshed without a restart. Sends are re-checked on every call anyway.
import { watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { ConfigSource, ConfigState } from "../contacts/config-source.js";

const DEBOUNCE_MS = 100;

function signature(state: ConfigState): string {
  if (!state.ok) return `invalid:${state.error}`;
  return JSON.stringify([...state.config.contacts.values()].map((c) => [c.alias, c.channel, c.description]));
}

/** Watches the config's directory (editors replace files by rename); returns a stop function. */
export function watchToolList(config: ConfigSource, notify: () => void): () => void {
  let last = signature(config.current());
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const now = signature(config.current());
    if (now !== last) {
      last = now;
      notify();
    }
  };
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(dirname(config.path), { persistent: false }, (_event, file) => {
      if (file !== null && file !== basename(config.path)) return;
      clearTimeout(timer);
      timer = setTimeout(check, DEBOUNCE_MS);
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    // No watching (e.g. the directory vanished): the next tools/list still reads the file afresh.
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
