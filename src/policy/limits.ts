// Duplicate window, rate limits and the confirmation requirement: pure functions over ledger entries.
import type { ConfirmMode, Window } from "./settings.js";

/** A delivery that counts: pending (in flight or interrupted), sent, queued or unknown. */
export type LedgerEntry = { id: string; alias: string; textSha256: string; at: number; /** the agent token that sent it, over HTTP */ agent?: string };

export type LimitDecision = { ok: true } | { ok: false; code: "duplicate" | "rate-limit-contact" | "rate-limit-agent" | "rate-limit-global"; reason: string };

/** An agent token's own limit, counted over its sends to every contact. */
export type AgentLimit = { name: string; window: Window };

const inWindow = (entry: LedgerEntry, now: number, seconds: number) => now - entry.at < seconds * 1000;

export function decideDuplicate(entries: readonly LedgerEntry[], alias: string, textSha256: string, now: number, windowSeconds: number): LimitDecision {
  const previous = entries.find((e) => e.alias === alias && e.textSha256 === textSha256 && inWindow(e, now, windowSeconds));
  if (!previous) return { ok: true };
  return {
    ok: false,
    code: "duplicate",
    reason: `The same text already went to ${alias} ${ago(now - previous.at)} (duplicates are refused for ${windowSeconds} s). It was not sent again; do not retry it.`,
  };
}

export function decideRateLimit(entries: readonly LedgerEntry[], alias: string, now: number, perContact: Window, global: Window, agent?: AgentLimit): LimitDecision {
  const contactRecent = entries.filter((e) => e.alias === alias && inWindow(e, now, perContact.windowSeconds));
  if (contactRecent.length >= perContact.count) {
    return { ok: false, code: "rate-limit-contact", reason: `${alias} has reached its limit of ${perContact.count} messages per ${perContact.windowSeconds} s; the next is possible ${retryIn(contactRecent, now, perContact)}. Nothing was sent; do not queue or retry in a loop.` };
  }
  if (agent) {
    const agentRecent = entries.filter((e) => e.agent === agent.name && inWindow(e, now, agent.window.windowSeconds));
    if (agentRecent.length >= agent.window.count) {
      return { ok: false, code: "rate-limit-agent", reason: `This agent's token (${agent.name}) has reached its limit of ${agent.window.count} messages per ${agent.window.windowSeconds} s; the next is possible ${retryIn(agentRecent, now, agent.window)}. Nothing was sent; do not queue or retry in a loop.` };
    }
  }
  const allRecent = entries.filter((e) => inWindow(e, now, global.windowSeconds));
  if (allRecent.length >= global.count) {
    return { ok: false, code: "rate-limit-global", reason: `The limit of ${global.count} messages per ${global.windowSeconds} s across all contacts is reached; the next is possible ${retryIn(allRecent, now, global)}. Nothing was sent.` };
  }
  return { ok: true };
}

export type ConfirmationNeed = { required: false } | { required: true; why: string };

export function decideConfirmation(mode: ConfirmMode, everDelivered: boolean, alias: string, contentReason?: string): ConfirmationNeed {
  if (contentReason) return { required: true, why: contentReason };
  if (mode === "always") return { required: true, why: `Every message to ${alias} needs the human's confirmation.` };
  if (mode === "first" && !everDelivered) return { required: true, why: `This is the first message to ${alias}, which needs the human's confirmation.` };
  return { required: false };
}

function retryIn(recent: readonly LedgerEntry[], now: number, window: Window): string {
  // The window frees up when enough of the oldest entries age out.
  const sorted = recent.map((e) => e.at).sort((a, b) => a - b);
  const freeAt = (sorted[recent.length - window.count] ?? now) + window.windowSeconds * 1000;
  return `in ${Math.max(1, Math.ceil((freeAt - now) / 1000))} s`;
}

function ago(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))} s ago`;
}
