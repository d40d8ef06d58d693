import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideRecipient, type RecipientRefusal } from "../../src/policy/recipient.js";

const contacts = new Map([
  ["alice", { target: "+27821234567" }],
  ["ops", { target: "-1001234567890" }],
  ["team.lead-2", { target: "+4915112345678" }],
]);

describe("decideRecipient", () => {
  it.each([
    ["alice", "alice"],
    ["  Alice\n", "alice"],
    ["OPS", "ops"],
    ["team.lead-2", "team.lead-2"],
  ])("accepts %j as exactly %s", (input, alias) => {
    expect(decideRecipient(input, contacts)).toMatchObject({ allow: true, alias });
  });

  const refusals: [unknown, RecipientRefusal][] = [
    ["+27821234567", "phone-number"],
    ["+27 82 123 4567", "phone-number"],
    ["082 123 4567", "phone-number"],
    ["(082) 123-4567", "phone-number"],
    ["27821234567", "phone-number"],
    ["tel:+27821234567", "address"],
    ["whatsapp:+27821234567", "address"],
    ["WhatsApp: alice", "address"],
    ["27821234567@s.whatsapp.net", "address"],
    ["120363025246125486@g.us", "address"],
    ["@alice", "address"],
    ["alice@example.com", "address"],
    ["!room:example.org", "address"],
    ["-1001234567890", "chat-id"],
    ["123456789:topic:2", "chat-id"],
    ["alice,ops", "list"],
    ["alice ops", "list"],
    ["alice;ops", "list"],
    [["alice", "ops"], "list"],
    ["аlice", "non-ascii"], // Cyrillic а
    ["ＡＬＩＣＥ", "non-ascii"], // full-width
    ["\u212Alice", "non-ascii"], // Kelvin sign lower-cases to "k"
    ["al\u200bice", "invisible-characters"],
    ["\u200balice", "invisible-characters"],
    ["alice\u202e", "invisible-characters"],
    ["\ufeffalice", "invisible-characters"],
    ["alice\u00a0", "invisible-characters"],
    ["ali\u0000ce", "invisible-characters"],
    ["__proto__", "object-property"],
    ["constructor", "object-property"],
    ["hasOwnProperty", "object-property"],
    ["toString", "object-property"],
    ["alicee", "unknown-alias"],
    ["alic", "unknown-alias"],
    ["bob", "unknown-alias"],
    ["Alice!", "invalid-alias"],
    ["", "empty"],
    ["   ", "empty"],
    ["a".repeat(300), "too-long"],
    [undefined, "not-a-string"],
    [42, "not-a-string"],
    [{ alias: "alice" }, "not-a-string"],
    [null, "not-a-string"],
  ];
  it.each(refusals)("refuses %j as %s, naming the valid aliases", (input, code) => {
    const decision = decideRecipient(input, contacts);
    expect(decision).toMatchObject({ allow: false, code });
    if (!decision.allow) {
      expect(decision.reason).toContain("alice, ops, team.lead-2");
      expect(decision.reason).not.toMatch(/\+27821234567|1001234567890|4915112345678/);
    }
  });

  it("an empty address book refuses everything, even a well-formed alias", () => {
    expect(decideRecipient("alice", new Map())).toMatchObject({ allow: false, code: "empty-address-book" });
  });

  it("does not consult the prototype chain", () => {
    const book = new Map<string, unknown>();
    for (const key of ["constructor", "__proto__", "valueOf"]) expect(decideRecipient(key, book).allow).toBe(false);
  });
});

const asciiTrimLower = (s: string) => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "").toLowerCase();

describe("decideRecipient properties", () => {
  it("allows only when the input is exactly an alias after ASCII trim + lower-case", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.constantFrom(...contacts.keys())), (input) => {
        const decision = decideRecipient(input, contacts);
        if (decision.allow) {
          expect(/^[\x20-\x7e\t\r\n]*$/.test(input)).toBe(true);
          expect(asciiTrimLower(input)).toBe(decision.alias);
          expect(contacts.has(decision.alias)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("never allows an alias with an inserted invisible, look-alike or separator character", () => {
    const inserts = fc.constantFrom("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u00ad", "\u0430", "\u0435", "\u043e", "\u0131", "\u212a", " ", ",", ";", "\u00a0", "\u3000", "\u0301", "+", "@", ":");
    fc.assert(
      fc.property(fc.constantFrom(...contacts.keys()), fc.nat(), inserts, (alias, at, ch) => {
        const i = at % (alias.length + 1);
        const mutated = alias.slice(0, i) + ch + alias.slice(i);
        if (mutated.trim() === alias) return; // an edge space is trimmed by design
        expect(decideRecipient(mutated, contacts).allow).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it("never allows any phone number in any notation", () => {
    const digits = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 7, maxLength: 15 });
    const separators = fc.constantFrom("", " ", "-", ".", "(", ")");
    const prefixes = fc.constantFrom("", "+", "00", "tel:", "tel:+", "whatsapp:+", "sms:", "signal:");
    fc.assert(
      fc.property(prefixes, digits, separators, (prefix, number, sep) => {
        const input = prefix + number.split("").join(sep);
        const decision = decideRecipient(input, contacts);
        expect(decision.allow).toBe(false);
        if (!decision.allow) expect(["phone-number", "address", "chat-id"]).toContain(decision.code);
      }),
      { numRuns: 3000 },
    );
  });
});
