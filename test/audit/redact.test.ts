import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskDigitRuns, maskTarget, redactInput, redactText } from "../../src/audit/redact.js";
import { anyText, DIGIT_CHARS, longestDigitRun, unicodeNumber } from "../support/unicode-numbers.js";

describe("maskTarget", () => {
  it.each([
    ["+27821234567", "+27•••••4567"],
    ["+4915112345678", "+49•••••••5678"],
    ["-1001234567890", "••••••••••7890"],
    ["channel:123456789012345678", "channel:••••••••••••••5678"],
    ["@ops_bot", "••••••ot"],
  ])("%s -> %s", (target, masked) => expect(maskTarget(target)).toBe(masked));
});

describe("redactInput", () => {
  it("masks digit runs, escapes invisible characters and clips", () => {
    expect(redactInput("+27 82 123 4567")).toBe("+•••••••••67");
    expect(redactInput("al\u200bice")).toBe("al\\u{200b}ice");
    expect(redactInput("x".repeat(100))).toMatch(/^x{64}…\(clipped, 100 chars\)$/);
    expect(redactInput(["alice", "+27821234567"])).toBe('["alice","+•••••••••67"]');
  });

  it("never leaves 6 or more consecutive digits of the input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(..."0123456789 -+().") })), (input) => {
        expect(redactInput(input)).not.toMatch(/\d{6}/);
        expect(maskDigitRuns(input).replace(/[\s().-]/g, "")).not.toMatch(/\d{6}/);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("masking numbers in any script, across any separators (issue 13.2)", () => {
  it.each([
    ["+27/82/123/4567", "+•••••••••67"],
    ["+27_82_123_4567", "+•••••••••67"],
    ["+27–82–123–4567", "+•••••••••67"],
    ["＋２７８２１２３４５６７", "＋•••••••••６７"],
    ["٠٨٢١٢٣٤٥٦٧", "••••••••٦٧"],
    ["1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7", "•••••67"],
    ["1\\u{0}2\\u{0}3\\u{0}4\\u{0}5\\u{0}6\\u{0}7", "•••••67"],
    ["①②③④⑤⑥⑦", "•••••⑥⑦"],
    ["𝟐𝟕𝟖𝟐𝟏𝟐𝟑𝟒𝟓𝟔𝟕", "•••••••••𝟔𝟕"],
    ["+27 82 123 4567 then alice", "+•••••••••67 then alice"],
  ])("%s -> %s", (input, masked) => expect(redactInput(input)).toBe(masked));

  it("keeps short numbers, words and the escape notation readable", () => {
    expect(redactInput("ops2")).toBe("ops2");
    expect(redactInput("a\u2061 12345 b")).toBe("a\\u{2061} 12345 b");
    expect(redactText("gateway: 403 Forbidden for +27821234567 at 12:00")).toBe("gateway: 403 Forbidden for +•••••••••67 at 12:00");
  });

  it("the generator writes digits from many scripts", () => {
    expect(DIGIT_CHARS.length).toBeGreaterThan(600);
    expect(DIGIT_CHARS).toEqual(expect.arrayContaining(["7", "٧", "७", "７", "𝟕", "⑦", "⁷"]));
  });

  it("never shows 7 or more digits of a number written in any digits across any separators", () => {
    fc.assert(
      fc.property(anyText, unicodeNumber, anyText, (before, number, after) => {
        expect(longestDigitRun(number)).toBeGreaterThanOrEqual(7); // the oracle sees the number
        expect(longestDigitRun(redactInput(before + number + after))).toBeLessThan(7);
        expect(longestDigitRun(redactText(before + number + after))).toBeLessThan(7);
      }),
      { numRuns: 3000 },
    );
  });

  it("never shows 7 or more digits of arbitrary full-Unicode text", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyText, unicodeNumber, fc.constantFrom(...DIGIT_CHARS)), { maxLength: 8 }), (parts) => {
        const text = parts.join("");
        expect(longestDigitRun(redactInput(text))).toBeLessThan(7);
        expect(longestDigitRun(redactText(text))).toBeLessThan(7);
      }),
      { numRuns: 3000 },
    );
  });
});
