// Properties of the text normalisation the content checks read through, and the disguises it must
// see through: digits of any script, invisible characters, fullwidth forms, line breaks (phone
// numbers), look-alike letters, case, accents and separators (deny patterns). Full-Unicode
// generators, so the properties hold beyond printable ASCII.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findDenied, findPhoneNumbers } from "../../src/policy/content.js";
import { asciiDigit, denyForms, originalSpan, phoneForm, scanForm, type MappedText } from "../../src/policy/normalise.js";

/** The zero of every run of Unicode decimal digits, from the Unicode data the regex engine has. */
const DIGIT_ZEROS: number[] = [];
for (let code = 0x30; code < 0x20000; code++) {
  if (/\p{Nd}/u.test(String.fromCodePoint(code)) && !/\p{Nd}/u.test(String.fromCodePoint(code - 1))) {
    for (let run = code; /\p{Nd}/u.test(String.fromCodePoint(run)); run += 10) DIGIT_ZEROS.push(run);
  }
}
const INVISIBLES = ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u200E", "\u202E", "\u2066", "\uFE0F", "\u180E", "\u{E0041}"];

const anyText = fc.string({ unit: "binary", maxLength: 60 });
const invisible = fc.constantFrom(...INVISIBLES);
/** `text` with invisible characters put in at random places. */
const withInvisibles = (text: string) =>
  fc.array(fc.tuple(fc.nat({ max: text.length }), invisible), { maxLength: 6 }).map((inserts) => {
    const chars = Array.from(text);
    for (const [at, c] of inserts.sort((a, b) => b[0] - a[0])) chars.splice(Math.min(at, chars.length), 0, c);
    return chars.join("");
  });
const inScript = (digits: string, zero: number) => digits.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));

function expectSpansValid(mapped: MappedText, original: string): void {
  expect(mapped.from).toHaveLength(mapped.text.length);
  for (let i = 0; i < mapped.text.length; i++) {
    expect(mapped.from[i]).toBeGreaterThanOrEqual(0);
    expect(mapped.to[i]).toBeGreaterThan(mapped.from[i]!);
    expect(mapped.to[i]).toBeLessThanOrEqual(original.length);
    if (i > 0) expect(mapped.from[i]).toBeGreaterThanOrEqual(mapped.from[i - 1]!);
  }
}

describe("scanForm and phoneForm", () => {
  it("knows the digits of every script (found Unicode's decimal digit runs)", () => {
    expect(DIGIT_ZEROS.length).toBeGreaterThan(50);
    for (const zero of DIGIT_ZEROS) expect(inScript("0123456789", zero).replace(/\p{Nd}/gu, asciiDigit)).toBe("0123456789");
  });

  it("reads digits of any script as ASCII digits", () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9 +()-]{0,30}$/), fc.constantFrom(...DIGIT_ZEROS), (digits, zero) => {
      expect(scanForm(inScript(digits, zero)).text).toBe(digits);
    }));
  });

  it("drops invisible characters wherever they are put, in any text", () => {
    fc.assert(fc.property(anyText.chain((text) => fc.tuple(fc.constant(text), withInvisibles(text))), ([text, hidden]) => {
      expect(scanForm(hidden).text).toBe(scanForm(text).text);
    }));
  });

  it("leaves plain text as it is, and maps every unit of any text back into it, in order", () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
      expect(scanForm(text).text).toBe(text);
    }));
    fc.assert(fc.property(anyText, (text) => {
      for (const form of [scanForm(text), phoneForm(text), ...denyForms(text)]) expectSpansValid(form, text);
    }));
  });

  it("joins a line break and the blanks around it into one space", () => {
    expect(phoneForm("+44 7700 \r\n  900123").text).toBe("+44 7700 900123");
    expect(originalSpan(phoneForm("a\n+44 7700\n900123"), 2, 17)).toEqual({ start: 2, end: 17 });
  });
});

// Formatted international numbers (possible ones: the checks do not require them to be valid).
const NUMBERS = ["+27 82 123 4567", "+1 555 123 4567", "+44 7700 900123", "+49 30 901820", "+33 1 42 68 53 00", "+91 98765 43210", "+55 11 91234-5678"];

describe("phone numbers in disguise", () => {
  it("finds a number written in any script, fullwidth, with invisible characters or broken over a line, and points at it as written", () => {
    const disguised = fc
      .tuple(fc.constantFrom(...NUMBERS), fc.constantFrom(...DIGIT_ZEROS, 0x30), fc.boolean(), fc.boolean())
      .chain(([number, zero, fullwidthPlus, lineBreak]) => {
        let text = inScript(number, zero);
        if (fullwidthPlus) text = text.replace("+", "\uFF0B");
        if (lineBreak) text = text.replace(/ (?=\S+$)/, "\n");
        return withInvisibles(text);
      });
    fc.assert(fc.property(fc.constantFrom("call ", "ping ", ""), disguised, fc.constantFrom(" now", ", thanks", ""), (before, number, after) => {
      const text = `${before}${number}${after}`;
      const found = findPhoneNumbers(text, ["US", "GB", "DE"]);
      expect(found, JSON.stringify(text)).toHaveLength(1);
      const { start, end } = found[0]!;
      expect(start).toBeGreaterThanOrEqual(before.length);
      expect(end).toBeLessThanOrEqual(before.length + number.length);
      // The span holds the whole number: every digit, as written.
      expect(scanForm(text.slice(start, end)).text.replace(/\D/g, "")).toBe(scanForm(number).text.replace(/\D/g, ""));
    }));
  });
});

const LOOK_ALIKE_OF: Record<string, string[]> = { a: ["а", "α"], e: ["е"], o: ["о", "ο", "0"], p: ["р", "ρ"], c: ["с"], x: ["х"], y: ["у"], i: ["і", "ι"], s: ["ѕ", "5", "$"], k: ["κ"], t: ["7"] };

describe("deny patterns in disguise", () => {
  const codeName = fc.stringMatching(/^[a-z]{4,9}$/);
  const deny = (word: string) => [{ pattern: new RegExp(`\\b${word}\\b`, "iu"), name: "policy.content.deny[0]" }];

  it("match through case, look-alike letters, accents, invisible characters and _ or - inside the word", () => {
    const disguise = (word: string) =>
      fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.constantFrom("", "", "-", "_", "\u200B", "\u0301")), { minLength: word.length, maxLength: word.length }).map((choices) =>
        Array.from(word, (letter, i) => {
          const [upper, pick, after] = choices[i]!;
          const alikes = LOOK_ALIKE_OF[letter];
          const shown = alikes && pick % 3 === 0 ? alikes[pick % alikes.length]! : upper ? letter.toUpperCase() : letter;
          return i < word.length - 1 ? shown + after : shown;
        }).join(""),
      );
    fc.assert(fc.property(codeName.chain((word) => fc.tuple(fc.constant(word), disguise(word))), ([word, shown]) => {
      const text = `the ${shown} launch is on Friday`;
      const found = findDenied(text, deny(word));
      expect(found, JSON.stringify(text)).toHaveLength(1);
      expect(found[0]).toMatchObject({ start: 4, end: 4 + shown.length });
    }));
  });

  it("match a word spelt out with blanks or dashes, and multi-word names written with any separator", () => {
    fc.assert(fc.property(codeName, fc.constantFrom(" ", "-", "_", " - "), (word, separator) => {
      const spelt = Array.from(word.toUpperCase()).join(separator);
      expect(findDenied(`ship ${spelt} now`, deny(word)), spelt).toHaveLength(1);
    }));
    const project = [{ pattern: /project\s+falcon/iu, name: "policy.content.deny[0]" }];
    for (const text of ["PROJECT_FALCON", "project-falcon", "Project \u2013 Falcon", "prоject_fаlcon"]) expect(findDenied(text, project), text).toHaveLength(1);
    // Punctuation between letters, Latin look-alikes, 1 for l or i, HTML character references (issue 21).
    for (const text of ["project.falcon", "PROJECT/FALCON", "project f*a*l*c*o*n", "project f.a.l.c.o.n", "project fa1con", "project ƒalcon", "project fal&#99;on", "pr0ject f4lc0n", "project\tfalcon"]) expect(findDenied(text, project), text).toHaveLength(1);
    const pilot = [{ pattern: /\bpilot\b/iu, name: "policy.content.deny[0]" }];
    for (const text of ["p1lot", "p|lot", "p!lot", "p.i.l.o.t"]) expect(findDenied(`ship ${text} now`, pilot), text).toHaveLength(1);
    const dashed = [{ pattern: /project-falcon/iu, name: "policy.content.deny[0]" }];
    for (const text of ["project falcon", "PROJECT_FALCON"]) expect(findDenied(text, dashed), text).toHaveLength(1);
  });

  it("do not join ordinary words into a code name", () => {
    const ares = [{ pattern: /\bares\b/iu, name: "policy.content.deny[0]" }];
    for (const text of ["we are safe", "the car es", "care-share", "a r e", "we are.safe", "a.r.e", "node.js and e.g. are fine"]) expect(findDenied(text, ares), text).toEqual([]);
  });
});
