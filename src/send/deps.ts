// Wires the pipeline to the real file system, transports and audit store for the CLI entry points.
import { dirname } from "node:path";
import { createStore, type Store } from "../audit/store.js";
import { defaultAuditFile, loadConfig, type Config } from "../contacts/config.js";
import { createConfigSource } from "../contacts/config-source.js";
import { createTransport } from "../gateway/create-transport.js";
import type { Transport } from "../gateway/transport.js";
import type { SendDeps } from "./pipeline.js";

/** One transport per distinct `openclaw` section and one store per audit file, reused across sends. */
export function createSendDeps(configPath: string, env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): SendDeps & { close(): Promise<void> } {
  const transports = new Map<string, Transport>();
  const stores = new Map<string, Store>();
  const config = createConfigSource(configPath, (path) => loadConfig(path, env));
  return {
    config,
    transportFor(current: Config) {
      const key = JSON.stringify(current.openclaw);
      let transport = transports.get(key);
      if (!transport) {
        transport = createTransport(current.openclaw, env);
        transports.set(key, transport);
      }
      return transport;
    },
    storeFor(current: Config | undefined) {
      const file = current?.audit.file ?? defaultAuditFile(env);
      let store = stores.get(file);
      if (!store) {
        store = createStore(file, { retainSeconds: () => retainSeconds(config.current()), onLockCompromised: (error) => warn(`openclaw-guard: audit lock in ${dirname(file)} was compromised: ${error.message}`) });
        stores.set(file, store);
      }
      return store;
    },
    warn,
    /** Closes open gateway connections so the process can exit. */
    async close() {
      await Promise.all([...transports.values()].map((t) => t.close?.()));
    },
  };
}

/** Ledger entries are kept as long as the longest window of the current config needs them. */
function retainSeconds(state: ReturnType<ReturnType<typeof createConfigSource>["current"]>): number {
  if (!state.ok) return 31 * 86_400;
  const windows = [state.config.globalRateLimit.windowSeconds];
  for (const contact of state.config.contacts.values()) windows.push(contact.policy.duplicateWindowSeconds, contact.policy.perContact.windowSeconds);
  return Math.max(...windows);
}
