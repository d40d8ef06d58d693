// The recipient decision: exactly one vetted alias, or a refusal that says why and what to do.
// Never guesses, never fuzzy-matches, never reveals a target.
import { isValidAlias } from "../contacts/alias.js";

export type RecipientRefusal =
  | "not-a-string"
  | "empty"
  | "too-long"
  | "invisible-characters"
  | "non-ascii"
  | "list"
  | "phone-number"
  | "address"
  | "chat-id"
  | "object-property"
  | "invalid-alias"
  | "unknown-alias"
  | "empty-address-book";

export type RecipientDecision<C> =
  | { allow: true; alias: string; contact: C }
  | { allow: false; code: RecipientRefusal; reason: string };

const MAX_INPUT = 256;
const EDGE_WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
// Control, format (zero-width, bidi), separators and every space but U+0020, plus blank-looking letters.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u115F\u1160\u3164\uFFA0\u2800\u034F]/u;
const SCHEMES = /^(tel|sms|whatsapp|signal|telegram|imessage|discord|slack|matrix|mailto|sip|group|uuid|username|user|channel|chat_id|chat_guid)\s*:/i;

export function decideRecipient<C>(input: unknown, contacts: ReadonlyMap<string, C>): RecipientDecision<C> {
  const refusal = classifyInput(input);
  if (refusal) return { allow: false, ...refusal, reason: `${refusal.reason} ${whatToDo(contacts)}` };
  const alias = (input as string).replace(EDGE_WHITESPACE, "").toLowerCase();
  const contact = contacts.get(alias);
  if (contact !== undefined) return { allow: true, alias, contact };
  if (contacts.size === 0) {
    return { allow: false, code: "empty-address-book", reason: "The address book has no contacts, so every send is refused. A human must add contacts to the openclaw-guard config." };
  }
  const unknown = explainUnknown(input as string, alias);
  return { allow: false, code: unknown.code, reason: `${unknown.reason} ${whatToDo(contacts)}` };
}

function explainUnknown(input: string, alias: string): { code: RecipientRefusal; reason: string } {
  if (/^-\d+$|:topic:/.test(alias)) return { code: "chat-id", reason: "The recipient looks like a numeric chat id; only aliases are accepted." };
  if (alias.replace(/\D/g, "").length >= 7) return { code: "phone-number", reason: "The recipient looks like a phone number; raw numbers are never accepted." };
  const name = input.replace(EDGE_WHITESPACE, "");
  if (name in Object.prototype || alias in Object.prototype) return { code: "object-property", reason: `"${name}" is an object property name, not a contact.` };
  if (!isValidAlias(alias)) return { code: "invalid-alias", reason: "The recipient is not a valid alias (lower-case letters, digits, \".\", \"_\", \"-\")." };
  return { code: "unknown-alias", reason: `"${alias}" is not in the address book; there is no fuzzy matching.` };
}

function whatToDo(contacts: ReadonlyMap<string, unknown>): string {
  if (contacts.size === 0) return "The address book is empty: no send is possible until a human adds contacts.";
  return `Use exactly one of these aliases: ${[...contacts.keys()].join(", ")} (see list_contacts).`;
}

/** Input-shape refusals, checked on the raw input before any normalisation can hide them. */
function classifyInput(input: unknown): { code: RecipientRefusal; reason: string } | undefined {
  if (typeof input !== "string") {
    return Array.isArray(input)
      ? { code: "list", reason: "The recipient must be one alias, not a list." }
      : { code: "not-a-string", reason: "The recipient must be a string holding one alias." };
  }
  if (input.length > MAX_INPUT) return { code: "too-long", reason: "The recipient is far too long to be an alias." };
  const trimmed = input.replace(EDGE_WHITESPACE, "");
  if (trimmed === "") return { code: "empty", reason: "The recipient is empty." };
  if (INVISIBLE.test(trimmed)) return { code: "invisible-characters", reason: "The recipient contains invisible, control or unusual space characters." };
  // Checked before lower-casing: "K" (Kelvin sign) lower-cases to an ASCII "k".
  if (/[^\x20-\x7e]/.test(trimmed)) return { code: "non-ascii", reason: "The recipient contains non-ASCII characters; look-alike letters are not accepted." };
  if (SCHEMES.test(trimmed)) return { code: "address", reason: "The recipient looks like a channel address; only aliases are accepted." };
  if (/@/.test(trimmed) || /^[!#]/.test(trimmed)) return { code: "address", reason: "The recipient looks like a username, JID, e-mail or room address; only aliases are accepted." };
  if (trimmed.startsWith("+") || (/^\(?\d[\d\s().-]*$/.test(trimmed) && trimmed.replace(/\D/g, "").length >= 7)) {
    return { code: "phone-number", reason: "The recipient looks like a phone number; raw numbers are never accepted." };
  }
  if (/[,;|&\s[\]{}]/.test(trimmed)) return { code: "list", reason: "The recipient must be exactly one alias, not a list or a phrase." };
  return undefined;
}
