// Writes the gateway-side audit log off the gateway's event loop: the store's lock, ledger rewrite
// and fsync are synchronous, and on a busy disk an fsync on the main thread stalls every send.
import { parentPort } from "node:worker_threads";
import { createStore, type AuditRecord, type Store } from "../audit/store.js";

export type AuditBatch = { id: number; file: string; records: AuditRecord[] };
export type AuditBatchResult = { id: number; error?: string };

const stores = new Map<string, Store>();

// Not chained batch after batch: the store queues in arrival order itself, and batches that arrive
// while its fsync is in flight share the next one (group commit).
parentPort?.on("message", (batch: AuditBatch) => {
  let store = stores.get(batch.file);
  if (!store) stores.set(batch.file, (store = createStore(batch.file)));
  store.record(...batch.records).then(
    () => parentPort?.postMessage({ id: batch.id } satisfies AuditBatchResult),
    (error: unknown) => parentPort?.postMessage({ id: batch.id, error: error instanceof Error ? error.message : String(error) } satisfies AuditBatchResult),
  );
});
