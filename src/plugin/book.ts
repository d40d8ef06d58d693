// The address book as the gateway plugin enforces it: each contact reduced to the destination the
// gateway would deliver to, plus a fingerprint that names the book without showing any number.
import { sha256 } from "../audit/store.js";
import type { Contact } from "../contacts/config.js";
import { canonicalDestination, destinationKey, type Channel, type Destination } from "../contacts/targets.js";
import { contactRegions } from "../policy/regions.js";
import type { ContactPolicy } from "../policy/settings.js";
import type { CountryCode } from "libphonenumber-js";

/** `content` is the contact's content policy, checked at the gateway too (absent: the defaults). */
export type BookEntry = { alias: string; destination: Destination; content?: ContactPolicy["content"] };

export type Book = {
  /** `channel|chat` or `channel|chat:thread` -> the contact. */
  readonly entries: ReadonlyMap<string, BookEntry>;
  readonly size: number;
  readonly fingerprint: string;
  /** Where national-format phone numbers are looked for in message text. */
  readonly regions: readonly CountryCode[];
};

export type BookContact = Pick<Contact, "alias" | "channel" | "target" | "account"> & { policy?: Pick<ContactPolicy, "content"> };

export const entryKey = (channel: Channel, key: string): string => `${channel}|${key}`;

/**
 * sha256 over the canonical alias -> channel/account/target list, sorted by alias. The MCP server's
 * config and the plugin's book give the same value exactly when they vet the same recipients, so
 * `doctor` can compare them without printing a number.
 */
export function bookFingerprint(contacts: Iterable<BookContact>): string {
  const lines = [...contacts].map((c) => {
    const destination = canonicalDestination(c.channel, c.target);
    return [c.alias, c.channel, c.account ?? "", destination ? destinationKey(destination) : `raw:${c.target}`].join("\t");
  });
  return `sha256:${sha256(lines.sort().join("\n"))}`;
}

export function bookFromContacts(contacts: Iterable<BookContact>): Book {
  const list = [...contacts];
  const entries = new Map<string, BookEntry>();
  for (const contact of list) {
    // A stored target the gateway's parsers would read differently can never match: refused, not guessed.
    const destination = canonicalDestination(contact.channel, contact.target);
    if (destination) entries.set(entryKey(contact.channel, destinationKey(destination)), { alias: contact.alias, destination, ...(contact.policy ? { content: contact.policy.content } : {}) });
  }
  return { entries, size: list.length, fingerprint: bookFingerprint(list), regions: contactRegions(list) };
}
