// Shared test scaffolding: private temp dirs and config files written the way a careful human would.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach } from "vitest";

export const REPO_ROOT = resolve(import.meta.dirname, "..");
export const CLI = join(REPO_ROOT, "dist", "cli.js");

const made: string[] = [];
// Retried: a hook process that has just answered may still be writing Node's compile cache into a
// HOME here as it exits (ENOTEMPTY under load, seen in the gemini suite).
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** A 0700 temp dir removed after the test. */
export function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ocg-test-"));
  chmodSync(dir, 0o700);
  made.push(dir);
  return dir;
}

export function writeConfig(dir: string, text: string, name = "config.json5"): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

export const BOOK = `{
  openclaw: { transport: "dry-run" },
  contacts: {
    alice: { channel: "whatsapp", target: "+27821234567", description: "Alice, co-founder" },
    ops: { channel: "telegram", target: "-1001234567890", account: "work", description: "Ops group" },
  },
}`;

import { readFileSync } from "node:fs";
import { createStore, type AuditRecord, type Store } from "../src/audit/store.js";
import { parseConfig, type Config } from "../src/contacts/config.js";
import type { DeliveryOutcome, DeliveryRequest, Transport } from "../src/gateway/transport.js";
import type { SendDeps } from "../src/send/pipeline.js";

export type Recorder = Transport & { requests: DeliveryRequest[] };

export function recordingTransport(answer: (r: DeliveryRequest) => DeliveryOutcome | Promise<DeliveryOutcome> = () => ({ status: "sent", messageId: "m1" })): Recorder {
  const requests: DeliveryRequest[] = [];
  return {
    name: "recording",
    requests,
    async deliver(request) {
      requests.push(request);
      return answer(request);
    },
  };
}

export function readAudit(file: string): AuditRecord[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as AuditRecord);
}

/**
 * Pipeline deps over a config text held in memory, a recording transport, and the real audit store
 * in a private temp dir. `setConfig` swaps the text; `clock` drives the store and the pipeline.
 */
export function memoryDeps<T extends Transport = Recorder>(text = BOOK, transport: T = recordingTransport() as Transport as T) {
  const dir = privateDir();
  const clock = { now: Date.parse("2026-11-22T10:00:00Z") };
  const store: Store = createStore(join(dir, "audit.jsonl"), { now: () => clock.now });
  let config: Config | Error = parseConfig(text, "/mem/config.json5");
  const deps: SendDeps = {
    config: { path: "/mem/config.json5", current: () => (config instanceof Error ? { ok: false, error: config.message } : { ok: true, config }) },
    transportFor: () => transport,
    storeFor: () => store,
    now: () => clock.now,
    newId: (() => {
      let n = 0;
      return () => `id-${++n}`;
    })(),
  };
  const setConfig = (next: string) => {
    try {
      config = parseConfig(next, "/mem/config.json5");
    } catch (error) {
      config = error as Error;
    }
  };
  return { deps, transport, setConfig, clock, store, audit: { get records() { return readAudit(store.auditFile); } } };
}


/** Retries `check` (sync or async) until it stops throwing, for effects that land after an answer on a loaded machine. */
export async function eventually<T>(check: () => T | Promise<T>, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - start > ms) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
