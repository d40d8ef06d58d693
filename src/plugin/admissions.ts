// Who the channel itself let in. OpenClaw fires `message_received` only for an inbound message its
// channel admitted (allowFrom, an approved pairing, an open DM policy); a pairing-code exchange with
// an unknown sender never reaches it. A reply to that conversation, to that sender, within the
// window, is the assistant answering someone it already talks to, and is delivered without a
// contact entry. Anything else the assistant sends still needs the address book.
//
// A reply from a real agent turn then passes `message_sending` as well, with the same text and no
// sender (seen on 2026.9.6 with a model turn; a plugin-made reply passed only the reply hook). So a
// reply the reply hook let through is remembered briefly, and `message_sending` lets the same text
// (or a chunk of it) to the same chat through; any other text to that chat still needs the book.
//
// Only on channels where that path is verified end to end (test/e2e/plugin-inbound.test.ts): an
// inbound message on any other channel admits no one, and a reply there needs the book like any
// send. WhatsApp is not one: no inbound is possible without a linked phone, so its replies were
// never measured (docs/gateway.md), even where `channels.whatsapp.pluginHooks.messageReceived`
// passes its inbound messages to plugins.
import type { Destination } from "../contacts/targets.js";
import { destinationKey } from "../contacts/targets.js";

/** Long enough for a slow turn's reply; short enough that an old conversation is not a standing pass. */
export const ADMISSION_WINDOW_MS = 2 * 60 * 60 * 1000;
/** The channels whose admitted replies are measured end to end on the pinned OpenClaw. */
export const ADMITTED_REPLY_CHANNELS: ReadonlySet<string> = new Set(["telegram"]);
/** From the reply hook to the send hook of the same payload: milliseconds when seen; a minute allows a loaded gateway. */
export const REPLY_HANDOFF_MS = 60_000;
const MAX_CONVERSATIONS = 10_000;
const MAX_REPLIES = 1_000;

export type Admission = { channel: string; accountId?: unknown; destination: Destination; senderId?: unknown };

export interface Admissions {
  admit(admission: Admission, now: number): void;
  admitted(admission: Admission, now: number): boolean;
  /** A reply the reply hook delivered to `destination`: its send-hook twin may follow. */
  replied(destination: Destination, text: string, now: number): void;
  /** Whether `text` to `destination` is (a chunk of) a reply delivered there within the handoff window. */
  isReply(destination: Destination, text: unknown, now: number): boolean;
}

/** `windowMs` 0 admits no one: every reply needs the book. */
export function createAdmissions(windowMs = ADMISSION_WINDOW_MS): Admissions {
  // Map order is insertion order: re-inserting on every admit keeps the oldest first for eviction.
  const seen = new Map<string, number>();
  const replies: { chat: string; text: string; at: number }[] = [];
  const chatOf = (d: Destination) => `${d.channel}|${destinationKey({ ...d, thread: undefined })}`;
  const keyOf = (a: Admission): string | undefined => {
    if (windowMs <= 0 || !ADMITTED_REPLY_CHANNELS.has(a.channel)) return undefined;
    if (typeof a.senderId !== "string" && typeof a.senderId !== "number") return undefined;
    const account = typeof a.accountId === "string" && a.accountId !== "" ? a.accountId : "default";
    // The reply goes to the chat; its topic is where the turn happened, not a different audience.
    return [a.channel, account, destinationKey({ ...a.destination, thread: undefined }), String(a.senderId)].join("|");
  };
  return {
    admit(admission, now) {
      const key = keyOf(admission);
      if (key === undefined) return;
      seen.delete(key);
      seen.set(key, now);
      if (seen.size > MAX_CONVERSATIONS) seen.delete(seen.keys().next().value!);
    },
    admitted(admission, now) {
      const key = keyOf(admission);
      const at = key === undefined ? undefined : seen.get(key);
      return at !== undefined && now - at <= windowMs && now >= at;
    },
    replied(destination, text, now) {
      if (text.trim() === "") return;
      replies.push({ chat: chatOf(destination), text, at: now });
      if (replies.length > MAX_REPLIES) replies.shift();
    },
    isReply(destination, text, now) {
      while (replies.length > 0 && now - replies[0]!.at > REPLY_HANDOFF_MS) replies.shift();
      if (typeof text !== "string" || text.trim() === "") return false;
      const chat = chatOf(destination);
      const chunk = text.trim();
      return replies.some((r) => r.chat === chat && r.text.includes(chunk));
    },
  };
}
