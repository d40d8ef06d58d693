// The plugin's side effects, all off the decision path: the gateway-side audit log (the same
// hash-chained format `openclaw-guard audit verify` checks) and the alert to a vetted contact.
import { createStore, sha256, type AuditRecord, type Store } from "../audit/store.js";
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
    ...(a.sessionKey ? { sessionKey: a.sessionKey } : {}),
  };
}

export type AuditQueue = { append(record: AuditRecord): void; flushed(): Promise<void> };

/** Appends in order, one at a time; a failed write is reported, never thrown into a hook. */
export function createAuditQueue(fileFor: () => string, warn: (message: string) => void): AuditQueue {
  const stores = new Map<string, Store>();
  let tail: Promise<void> = Promise.resolve();
  return {
    append(record) {
      tail = tail.then(async () => {
        const file = fileFor();
        let store = stores.get(file);
        if (!store) stores.set(file, (store = createStore(file)));
        try {
          await store.record(record);
        } catch (error) {
          warn(`openclaw-guard: could not write the gateway audit record to ${file} (${error instanceof Error ? error.message : String(error)})`);
        }
      });
    },
    flushed: () => tail,
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
