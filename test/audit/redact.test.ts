import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskDigitRuns, maskTarget, redactInput } from "../../src/audit/redact.js";

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
    expect(redactInput("x".repeat(100))).toMatch(/^x{64}…\(100 chars\)$/);
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
