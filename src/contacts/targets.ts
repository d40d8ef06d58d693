// Per-channel target validation. Targets are stored canonical so the gateway never has to guess
// (WhatsApp, for one, strips non-digits and falls back to a group-name lookup on digit-free text).
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

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
  const parsed = parsePhoneNumberFromString(text);
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
