// Per-channel target validation. Targets are stored canonical so the gateway never has to guess
// (WhatsApp, for one, strips non-digits and falls back to a group-name lookup on digit-free text).
import { phoneNumbers } from "./phone-numbers.js";

export const CHANNELS = ["whatsapp", "telegram", "signal", "imessage", "discord", "slack", "matrix"] as const;
export type Channel = (typeof CHANNELS)[number];

export type TargetCheck = { ok: true; target: string } | { ok: false; reason: string };

type Form = { name: string; test: (t: string) => string | undefined };

const pattern = (name: string, re: RegExp): Form => ({ name, test: (t) => (re.test(t) ? t : undefined) });

const phone: Form = { name: "an international phone number starting with + (E.164)", test: toE164 };

const FORMS: Record<Channel, Form[]> = {
  whatsapp: [phone, pattern("a group JID (digits[-digits]@g.us)", /^\d{5,}(-\d+)?@g\.us$/), pattern("a newsletter JID (digits@newsletter)", /^\d{5,}@newsletter$/)],
  telegram: [
    pattern("a numeric chat id (groups are negative, e.g. -1001234567890)", /^-?\d{1,20}$/),
    pattern("a @username", /^@[A-Za-z][A-Za-z0-9_]{3,31}$/),
    pattern("<chatId>:topic:<n>", /^-?\d{1,20}:topic:\d{1,10}$/),
  ],
  signal: [
    phone,
    pattern("group:<id>", /^group:[A-Za-z0-9+/=_-]{8,128}$/),
    pattern("uuid:<uuid>", /^uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i),
    pattern("username:<name>", /^username:[A-Za-z0-9_.]{3,64}$/),
  ],
  imessage: [
    phone,
    pattern("an email handle", /^[^\s@:]+@[^\s@:]+\.[A-Za-z]{2,}$/),
    pattern("chat_id:<id>", /^chat_id:\d{1,20}$/),
    pattern("chat_guid:<guid>", /^chat_guid:[A-Za-z0-9;+._:-]{1,128}$/),
  ],
  discord: [pattern("channel:<id>", /^channel:\d{15,21}$/), pattern("user:<id>", /^user:\d{15,21}$/)],
  slack: [pattern("channel:<id>", /^channel:[A-Z0-9]{8,12}$/), pattern("user:<id>", /^user:[A-Z0-9]{8,12}$/)],
  matrix: [
    pattern("@user:server", /^@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:\d{1,5})?$/),
    pattern("!room:server", /^![A-Za-z0-9._~-]+:[A-Za-z0-9.-]+(:\d{1,5})?$/),
    pattern("#alias:server", /^#[A-Za-z0-9._=-]+:[A-Za-z0-9.-]+(:\d{1,5})?$/),
  ],
};

/** Only a leading "+" number is accepted: guessing a default region turns typos into real strangers. */
function toE164(text: string): string | undefined {
  if (!/^\+[\d ()./-]+$/.test(text)) return undefined;
  const parsed = phoneNumbers().parsePhoneNumberFromString(text);
  if (!parsed || !parsed.isValid() || parsed.ext) return undefined;
  return parsed.number;
}

export function validateTarget(channel: Channel, target: string): TargetCheck {
  const trimmed = target.trim();
  for (const form of FORMS[channel]) {
    const canonical = form.test(trimmed);
    if (canonical !== undefined) return { ok: true, target: canonical };
  }
  const accepted = FORMS[channel].map((f) => f.name).join("; ");
  return { ok: false, reason: `is not a valid ${channel} target. Accepted forms: ${accepted}` };
}

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

/**
 * Where a message goes as the gateway will deliver it: a chat and, in Telegram forums, a topic
 * (`topic:5` or `direct-topic:5`). The address book's targets and the recipients the gateway's
 * hooks see are both reduced to this, by the same code.
 */
export type Destination = { channel: Channel; chat: string; thread?: string };

/** `chat` or `chat:thread`: the form destinations are compared, audited and fingerprinted in. */
export function destinationKey(d: Destination): string {
  return d.thread === undefined ? d.chat : `${d.chat}:${d.thread}`;
}

/**
 * Every spelling the gateway accepts for one recipient, reduced to one form, following OpenClaw
 * 2026.9.6's own target parsers; undefined for anything not positively understood (such a
 * recipient is refused, never guessed at).
 */
export function canonicalDestination(channel: Channel, raw: string): Destination | undefined {
  if (typeof raw !== "string" || raw.length > 256) return undefined;
  if (channel === "telegram") return telegramDestination(raw);
  if (channel === "whatsapp") return whatsappDestination(raw);
  // Other channels: one optional "<channel>:" prefix, then exactly a form the address book accepts.
  const bare = raw.trim().replace(new RegExp(`^${channel}:`, "i"), "");
  const check = validateTarget(channel, bare);
  return check.ok && check.target === bare.trim() ? { channel, chat: check.target } : undefined;
}

const TELEGRAM_CHAT_ID = /^-?\d{1,20}$/;
const TELEGRAM_USERNAME = /^[A-Za-z0-9_]{5,32}$/;

/** OpenClaw strips `telegram:`/`tg:` (any case, repeatedly, then `group:`), reads `chat:topic:N`, `chat:direct-topic:N` and `chat:N`, and looks usernames up by `@name`, `t.me/name` or a bare name. */
function telegramDestination(raw: string): Destination | undefined {
  let text = raw.trim();
  let prefixed = false;
  for (;;) {
    // A bare `group:` is OpenClaw's legacy outbound form, stripped only around a numeric chat.
    const next = /^(telegram|tg):/i.test(text) ? text.replace(/^(telegram|tg):/i, "").trim() : prefixed || /^group:-?\d+(?::(?:direct-topic|topic):\d+|:\d+)?$/i.test(text) ? text.replace(/^group:/i, "").trim() : text;
    if (next === text) break;
    prefixed ||= /^(telegram|tg):/i.test(text);
    text = next;
  }
  const withThread = /^(.+?):(?:(direct-topic|topic):)?(\d{1,12})$/.exec(text);
  const chat = telegramChat(withThread ? withThread[1]! : text);
  if (chat === undefined) return undefined;
  if (!withThread) return { channel: "telegram", chat };
  const id = Number(withThread[3]);
  const marker = withThread[2] ?? "topic";
  if (marker === "direct-topic" && id === 0) return undefined; // OpenClaw wants a positive id there
  return { channel: "telegram", chat, thread: `${marker}:${id}` };
}

function telegramChat(text: string): string | undefined {
  if (TELEGRAM_CHAT_ID.test(text)) return text;
  const link = /^(?:https?:\/\/)?t\.me\/([A-Za-z0-9_]+)$/i.exec(text);
  const name = link ? link[1]! : text.startsWith("@") ? text.slice(1) : /^\d+$/.test(text) ? "" : text;
  // Telegram usernames are case-insensitive; the Bot API resolves any case to the same chat.
  return TELEGRAM_USERNAME.test(name) ? `@${name.toLowerCase()}` : undefined;
}

/** OpenClaw resolves WhatsApp recipients before the hook: user JIDs and phone spellings to +digits, `group:` JIDs to the JID. */
function whatsappDestination(raw: string): Destination | undefined {
  let text = raw.trim();
  while (/^whatsapp:/i.test(text)) text = text.replace(/^whatsapp:/i, "").trim();
  const group = /^(?:group:)?(\d{5,}(?:-\d+)?)@g\.us$/i.exec(text);
  if (group) return { channel: "whatsapp", chat: `${group[1]}@g.us` };
  const newsletter = /^(\d{5,})@newsletter$/i.exec(text);
  if (newsletter) return { channel: "whatsapp", chat: `${newsletter[1]}@newsletter` };
  // A device suffix (`:12`) only on s.whatsapp.net: OpenClaw refuses `...:12@c.us`.
  const user = /^(\d{6,15})(?::\d{1,3})?@s\.whatsapp\.net$/i.exec(text) ?? /^(\d{6,15})@c\.us$/i.exec(text);
  if (user) return { channel: "whatsapp", chat: `+${user[1]}` };
  // A phone number as people type it; anything with letters would be a group-name lookup.
  if (!/^\+?[\d\s().-]+$/.test(text)) return undefined;
  const digits = text.replace(/\D/g, "");
  return digits.length >= 6 && digits.length <= 15 && !digits.startsWith("0") ? { channel: "whatsapp", chat: `+${digits}` } : undefined;
}
