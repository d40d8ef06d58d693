// Wires the pipeline to the real file system, transports and audit store for the CLI entry points.
import { dirname } from "node:path";
import { createStore, type Store } from "../audit/store.js";
import { DEFAULT_ROTATE_BYTES, defaultAuditFile, loadConfig, type Config } from "../contacts/config.js";
import { createConfigSource } from "../contacts/config-source.js";
import { createTransport } from "../gateway/create-transport.js";
import type { Transport } from "../gateway/transport.js";
import type { SendDeps } from "./pipeline.js";

/** One transport per distinct `openclaw` section and one store per audit file, reused across sends. */
export function createSendDeps(
  configPath: string,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  /** Windows the book does not know about (agent tokens' limits) that the ledger must also cover. */
  retainAtLeastSeconds: () => number = () => 0,
): SendDeps & { close(): Promise<void> } {
  const transports = new Map<string, Transport>();
  const stores = new Map<string, Store>();
  const config = createConfigSource(configPath, (path) => loadConfig(path, env));
  // From the config the current send works with, so a transaction needs no second read of the file.
  let retention = MAX_RETENTION_SECONDS;
  let rotateBytes = DEFAULT_ROTATE_BYTES;
  return {
    config,
    transportFor(current: Config) {
      const key = perBook(transportKeys, current, () => JSON.stringify(current.openclaw));
      let transport = transports.get(key);
      if (!transport) {
        transport = createTransport(current.openclaw, env);
        transports.set(key, transport);
      }
      return transport;
    },
    storeFor(current: Config | undefined) {
      retention = current ? Math.max(perBook(retentions, current, () => retainSecondsOf(current)), retainAtLeastSeconds()) : MAX_RETENTION_SECONDS;
      rotateBytes = current?.audit.rotateBytes ?? DEFAULT_ROTATE_BYTES;
      const file = current?.audit.file ?? defaultAuditFile(env);
      let store = stores.get(file);
      if (!store) {
        store = createStore(file, { retainSeconds: () => retention, rotateBytes: () => rotateBytes, onLockCompromised: (error) => warn(`openclaw-guard: audit lock in ${dirname(file)} was compromised: ${error.message}`) });
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

// Derived once per loaded book (a reload is a new Config object), not on every send.
const transportKeys = new WeakMap<Config, string>();
const retentions = new WeakMap<Config, number>();

function perBook<T>(cache: WeakMap<Config, T>, config: Config, derive: () => T): T {
  let value = cache.get(config);
  if (value === undefined) cache.set(config, (value = derive()));
  return value;
}

/** Without a readable config, ledger entries are kept as long as any window could need them. */
const MAX_RETENTION_SECONDS = 31 * 86_400;

/** Ledger entries are kept as long as the longest window of the config needs them. */
function retainSecondsOf(config: Config): number {
  const windows = [config.globalRateLimit.windowSeconds];
  for (const contact of config.contacts.values()) windows.push(contact.policy.duplicateWindowSeconds, contact.policy.perContact.windowSeconds);
  return Math.max(...windows);
}
