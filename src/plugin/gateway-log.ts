// The plugin's side effects, all off the decision path: the gateway-side audit log (the same
// hash-chained format `openclaw-guard audit verify` checks) and the alert to a vetted contact.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { redactText } from "../audit/redact.js";
import { createStore, sha256, type AuditRecord, type Store } from "../audit/store.js";
import type { AuditBatch, AuditBatchResult } from "./audit-worker.js";
import type { Verdict } from "./decide.js";

export type HookPath = "message_sending" | "reply_payload_sending" | "before_tool_call";

export type Attempt = { path: HookPath; channel: string; account?: string; verdict: Verdict; text?: string; action?: string; sessionKey?: string };

/** The audit record for one attempt: numbers masked, the text only as its hash and length. */
export function attemptRecord(a: Attempt): AuditRecord {
  const v = a.verdict;
  return {
    event: "gateway-attempt",
    path: a.path,
    channel: a.channel,
    ...(a.account ? { account: a.account } : {}),
    ...(a.action ? { action: a.action } : {}),
    to: v.to,
    ...(v.deliver && v.alias ? { alias: v.alias } : {}),
    decision: v.deliver ? "deliver" : "cancel",
    code: v.code,
    ...(v.deliver ? {} : { reason: v.reason }),
    ...(typeof a.text === "string" ? { textSha256: sha256(a.text), textLength: a.text.length } : {}),
    // Session keys name the peer (agent:main:whatsapp:group:<jid>, ...:direct:+<number>): masked like any text.
    ...(a.sessionKey ? { sessionKey: redactText(a.sessionKey) } : {}),
  };
}

export type AuditQueue = { append(record: AuditRecord): void; flushed(): Promise<void> };

/** Writes one batch of records to `file`; the gateway uses a worker thread (audit-worker.ts). */
export type AuditWriter = (file: string, records: AuditRecord[]) => Promise<void>;

/** The store in this thread: for tests running from source, where there is no built worker. */
export function inThreadWriter(): AuditWriter {
  const stores = new Map<string, Store>();
  return async (file, records) => {
    let store = stores.get(file);
    if (!store) stores.set(file, (store = createStore(file)));
    await store.record(...records);
  };
}

/** The built worker beside this module when there is one (dist/), else this thread's store. */
export function defaultWriter(): AuditWriter {
  const url = new URL("./audit-worker.js", import.meta.url);
  return existsSync(fileURLToPath(url)) ? workerWriter(url) : inThreadWriter();
}

/** The store in a worker thread, so its synchronous fsync never stalls the gateway. */
export function workerWriter(workerUrl: URL): AuditWriter {
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const start = () => {
    const created = new Worker(workerUrl);
    created.unref(); // never keeps the gateway alive
    created.on("message", ({ id, error }: AuditBatchResult) => {
      const entry = waiting.get(id);
      waiting.delete(id);
      if (error === undefined) entry?.resolve();
      else entry?.reject(new Error(error));
    });
    created.on("error", (error) => {
      worker = undefined;
      for (const entry of waiting.values()) entry.reject(error);
      waiting.clear();
    });
    return created;
  };
  return (file, records) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      (worker ??= start()).postMessage({ id, file, records } satisfies AuditBatch);
    });
}

/**
 * Appends in order, never inside a hook: records wait for the next turn of the event loop and go out
 * in batches (one lock and one fsync for a burst). A failed write is reported, never thrown into a hook.
 */
export function createAuditQueue(fileFor: () => string, write: AuditWriter, warn: (message: string) => void): AuditQueue {
  let pending: AuditRecord[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      const file = fileFor();
      try {
        await write(file, batch);
      } catch (error) {
        warn(`openclaw-guard: could not write ${batch.length} gateway audit record(s) to ${file} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    flushing = undefined;
  };
  return {
    append(record) {
      pending.push(record);
      flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
    },
    flushed: () => flushing ?? Promise.resolve(),
  };
}

export type AlertSettings = { to: string; maxPerHour: number };

/**
 * Whether a cancel may alert now: at most `maxPerHour` alerts in any hour, so a flood of attempts
 * cannot flood the human (the audit log still has every one).
 */
export function createAlertBudget(maxPerHour: number): (now: number) => boolean {
  const sent: number[] = [];
  return (now) => {
    while (sent.length > 0 && now - sent[0]! >= 3_600_000) sent.shift();
    if (sent.length >= maxPerHour) return false;
    sent.push(now);
    return true;
  };
}

/** What the human is told: where, how and which masked recipient; never the text or a number. */
export function alertText(a: Attempt, at: Date): string {
  const how = a.path === "before_tool_call" ? `the assistant's message tool (${a.action ?? "?"})` : a.path === "reply_payload_sending" ? "an assistant reply" : "a send through the gateway";
  return `openclaw-guard blocked ${how} on ${a.channel} to ${a.verdict.to} at ${at.toISOString()} (${a.verdict.code}). Nothing was delivered. Details: the gateway audit log.`;
}
