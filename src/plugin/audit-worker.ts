// Writes the gateway-side audit log off the gateway's event loop: the store's lock, ledger rewrite
// and fsync are synchronous, and on a busy disk an fsync on the main thread stalls every send.
import { parentPort } from "node:worker_threads";
import { createStore, type AuditRecord, type Store } from "../audit/store.js";

export type AuditBatch = { id: number; file: string; records: AuditRecord[] };
export type AuditBatchResult = { id: number; error?: string };

const stores = new Map<string, Store>();
let tail: Promise<void> = Promise.resolve();

parentPort?.on("message", (batch: AuditBatch) => {
  tail = tail.then(async () => {
    let store = stores.get(batch.file);
    if (!store) stores.set(batch.file, (store = createStore(batch.file)));
    try {
      await store.record(...batch.records);
      parentPort?.postMessage({ id: batch.id } satisfies AuditBatchResult);
    } catch (error) {
      parentPort?.postMessage({ id: batch.id, error: error instanceof Error ? error.message : String(error) } satisfies AuditBatchResult);
    }
  });
});
