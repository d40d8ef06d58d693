// What the gateway plugin decides, as pure functions of the book, the event and the clock. The hooks
// (index.ts) call these synchronously and turn any exception into a cancel.
import { maskTarget, redactInput } from "../audit/redact.js";
import { canonicalDestination, destinationKey, isChannel, type Destination } from "../contacts/targets.js";
import type { Admissions } from "./admissions.js";
import { entryKey, type Book } from "./book.js";

export type BookState = { ok: true; book: Book } | { ok: false; error: string };

export type Verdict =
  | { deliver: true; code: "vetted" | "internal-channel" | "admitted-reply" | "read-only-action" | "not-a-send"; alias?: string; to: string }
  | { deliver: false; code: string; reason: string; to: string };

export type Policy = { internalChannels: ReadonlySet<string> };

const BLOCKED = "openclaw-guard blocked this message at the gateway";

function refuse(code: string, why: string, to: string): Verdict {
  return { deliver: false, code, reason: `${BLOCKED}: ${why}`, to };
}

/** What may appear in a log for a recipient: masked when understood, otherwise the redacted input. */
function shown(destination: Destination | undefined, raw: unknown): string {
  return destination ? maskTarget(destinationKey(destination)) : redactInput(raw);
}

/**
 * A recipient the book vets. A contact that is a whole Telegram group also covers its topics; a
 * contact that is one topic covers only that topic. A `threadId` beside the target is a topic too.
 */
function vet(state: BookState, channel: string, to: unknown, threadId?: unknown): Verdict {
  if (typeof to !== "string" || to.trim() === "") return refuse("no-recipient", "the recipient is missing or not text.", redactInput(to));
  if (!state.ok) return refuse("book-invalid", "the address book cannot be read or is invalid, so every message is refused until a human fixes it.", redactInput(to));
  if (!isChannel(channel)) return refuse("unknown-channel", `the channel ${JSON.stringify(redactInput(channel))} has no contacts in the address book.`, redactInput(to));
  const destination = canonicalDestination(channel, to);
  if (!destination) return refuse("unrecognised-recipient", `the recipient is not a ${channel} target form the guard understands.`, redactInput(to));
  const destinations = [destination];
  if (channel === "telegram" && threadId !== undefined && threadId !== null && threadId !== "") {
    const topic = typeof threadId === "number" || typeof threadId === "string" ? /^\d{1,12}$/.exec(String(threadId).trim()) : null;
    if (!topic) return refuse("unrecognised-recipient", "the topic id is not a number.", shown(destination, to));
    destinations.push({ ...destination, thread: `topic:${Number(topic[0])}` });
  }
  let alias: string | undefined;
  for (const d of destinations) {
    const entry = state.book.entries.get(entryKey(d.channel, destinationKey(d))) ?? (d.thread !== undefined ? state.book.entries.get(entryKey(d.channel, d.chat)) : undefined);
    if (!entry) return refuse("not-in-address-book", `the recipient is not a contact in the vetted address book.`, shown(d, to));
    alias = entry.alias;
  }
  return { deliver: true, code: "vetted", alias, to: shown(destinations.at(-1), to) };
}

export type SendAttempt = { channel: unknown; to: unknown; threadId?: unknown; content?: unknown };

/**
 * `message_sending`: every explicit send (RPC, CLI, cron, webhooks, the message tool), and the
 * send-hook twin of a reply the reply hook already let through (see admissions.ts).
 */
export function decideSend(state: BookState, policy: Policy, admissions: Admissions, attempt: SendAttempt, now: number): Verdict {
  const channel = typeof attempt.channel === "string" ? attempt.channel : "";
  if (policy.internalChannels.has(channel)) return { deliver: true, code: "internal-channel", to: redactInput(attempt.to) };
  const verdict = vet(state, channel, attempt.to, attempt.threadId);
  if (verdict.deliver || verdict.code !== "not-in-address-book" || !isChannel(channel) || typeof attempt.to !== "string") return verdict;
  const destination = canonicalDestination(channel, attempt.to);
  return destination && admissions.isReply(destination, attempt.content, now) ? { deliver: true, code: "admitted-reply", to: verdict.to } : verdict;
}

export type ReplyAttempt = { channel: unknown; accountId?: unknown; conversationId: unknown; senderId?: unknown; text?: unknown };

/**
 * `reply_payload_sending`: the assistant's replies. A vetted conversation is let through; so is the
 * conversation a turn came from, when the channel admitted its sender (see admissions.ts).
 */
export function decideReply(state: BookState, policy: Policy, admissions: Admissions, attempt: ReplyAttempt, now: number): Verdict {
  const channel = typeof attempt.channel === "string" ? attempt.channel : "";
  if (policy.internalChannels.has(channel)) return { deliver: true, code: "internal-channel", to: redactInput(attempt.conversationId) };
  const verdict = vet(state, channel, attempt.conversationId);
  if (verdict.deliver || !isChannel(channel) || typeof attempt.conversationId !== "string") return verdict;
  const destination = canonicalDestination(channel, attempt.conversationId);
  if (destination && admissions.admitted({ channel, accountId: attempt.accountId, destination, senderId: attempt.senderId }, now)) {
    if (typeof attempt.text === "string") admissions.replied(destination, attempt.text, now);
    return { deliver: true, code: "admitted-reply", to: shown(destination, attempt.conversationId) };
  }
  return verdict;
}

/** Message-tool actions that only read: nothing reaches anyone. */
const READ_ONLY_ACTIONS = new Set(["read", "reactions", "list-pins", "permissions", "thread-list", "search", "sticker-search", "member-info", "role-info", "emoji-list", "channel-info", "channel-list", "event-list", "download-file"]);
/** Actions whose delivery passes `message_sending` (or the reply hook), which decides on the resolved recipient. */
const SEND_ACTIONS = new Set(["send", "reply", "thread-reply", "broadcast"]);

export type ToolCall = { toolName: unknown; params: unknown; channelId?: unknown };

/**
 * `before_tool_call` for the assistant's `message` tool: polls, stickers, topics and the other
 * actions that reach a chat without `message_sending` need a vetted explicit target.
 */
export function decideToolCall(state: BookState, policy: Policy, call: ToolCall): Verdict {
  if (call.toolName !== "message") return { deliver: true, code: "not-a-send", to: "" };
  const params = (call.params && typeof call.params === "object" ? call.params : {}) as Record<string, unknown>;
  const action = typeof params.action === "string" ? params.action : "";
  if (READ_ONLY_ACTIONS.has(action)) return { deliver: true, code: "read-only-action", to: "" };
  const channel = typeof params.channel === "string" && params.channel !== "" ? params.channel : typeof call.channelId === "string" ? call.channelId : "";
  // WhatsApp's upload-file and react deliver to `chatJid` before `to` (seen: a vetted target beside a stranger's chatJid reached the stranger).
  const targets = [params.target, params.to, params.chatJid, ...(Array.isArray(params.targets) ? params.targets : [])].filter((t) => t !== undefined && t !== null && t !== "");
  if (targets.length === 0) {
    // No explicit recipient: a send resolves to the current conversation and meets the send hooks there.
    return SEND_ACTIONS.has(action) ? { deliver: true, code: "not-a-send", to: "" } : refuse("no-recipient", `the message tool's "${redactInput(action)}" action needs an explicit vetted target.`, "");
  }
  if (policy.internalChannels.has(channel)) return { deliver: true, code: "internal-channel", to: redactInput(targets[0]) };
  let last: Verdict = refuse("no-recipient", "no recipient.", "");
  for (const target of targets) {
    last = vet(state, channel, target, params.threadId);
    if (!last.deliver) return last;
  }
  return last;
}
