// Generators and an oracle for "no full number in the audit", independent of src/audit/redact.ts:
// numbers written with any Unicode digits joined by any separators, and a check on what a human reads.
import fc from "fast-check";

/** Every code point that writes at least one digit once compatibility forms are folded. */
export const DIGIT_CHARS: readonly string[] = (() => {
  const found: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (/\p{N}/u.test(ch) && /\p{N}/u.test(ch.normalize("NFKC"))) found.push(ch);
  }
  return found;
})();

/** Neither a letter nor a digit after NFKC: anything a number can be spread across. */
const isSeparator = (ch: string) => !/[\p{L}\p{N}]/u.test(ch.normalize("NFKC"));

const COMMON_SEPARATORS = [" ", "-", "/", "_", ".", "–", "—", "\u00a0", "\u2009", "\u3000", "・", "(", ")", "\t", "\n", "\u200b", "\u2060", "\u202e", "\ufeff", "\u0301", "\ufe0f\u20e3", "\\u{200b}"];

const separatorUnit = fc.oneof(
  fc.constantFrom(...COMMON_SEPARATORS),
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)).filter(isSeparator),
);

/** A number of 7-16 digits, each digit from any script, joined by runs of 0-3 arbitrary separators. */
export const unicodeNumber = fc
  .tuple(fc.constantFrom("", "+", "＋", "﹢"), fc.array(fc.tuple(fc.constantFrom(...DIGIT_CHARS), fc.array(separatorUnit, { maxLength: 3 })), { minLength: 7, maxLength: 16 }))
  .map(([plus, parts]) => plus + parts.map(([digit, seps], i) => digit + (i < parts.length - 1 ? seps.join("") : "")).join(""));

/** Any text: well-formed full Unicode, lone surrogates included. */
export const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 4 }), fc.constant(""));

/**
 * The longest run of digits a reader sees, across everything that is not a letter or a digit after
 * NFKC. "\u{...}" is the audit's notation for one invisible character, so it reads as a separator.
 */
export function longestDigitRun(text: string): number {
  const readable = text.replace(/\\u\{[0-9a-fA-F]{1,6}\}/g, " ").normalize("NFKC");
  let longest = 0;
  let current = 0;
  for (const ch of readable) {
    if (/\p{N}/u.test(ch)) longest = Math.max(longest, ++current);
    else if (/\p{L}/u.test(ch)) current = 0;
  }
  return longest;
}
