import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideConfirmation, decideDuplicate, decideRateLimit, type LedgerEntry } from "../../src/policy/limits.js";

const T0 = Date.parse("2026-11-22T10:00:00Z");
const entry = (alias: string, at: number, textSha256 = `h-${at}`): LedgerEntry => ({ id: `${alias}-${at}`, alias, textSha256, at });

describe("decideDuplicate", () => {
  const entries = [entry("ops", T0, "same")];
  it("refuses the same text to the same contact inside the window, up to its last millisecond", () => {
    expect(decideDuplicate(entries, "ops", "same", T0 + 599_999, 600)).toMatchObject({ ok: false, code: "duplicate", reason: expect.stringMatching(/already went to ops 600 s ago.*do not retry/) });
  });
  it("allows it again exactly when the window has passed", () => {
    expect(decideDuplicate(entries, "ops", "same", T0 + 600_000, 600)).toEqual({ ok: true });
  });
  it("allows other text, other contacts, and a zero window", () => {
    expect(decideDuplicate(entries, "ops", "other", T0 + 1, 600).ok).toBe(true);
    expect(decideDuplicate(entries, "alice", "same", T0 + 1, 600).ok).toBe(true);
    expect(decideDuplicate(entries, "ops", "same", T0, 0).ok).toBe(true);
  });
});

describe("decideRateLimit", () => {
  const perContact = { count: 3, windowSeconds: 60 };
  const global = { count: 5, windowSeconds: 3600 };

  it("allows the count-th send and refuses the next, with the time until one frees up", () => {
    const two = [entry("ops", T0), entry("ops", T0 + 10_000)];
    expect(decideRateLimit(two, "ops", T0 + 20_000, perContact, global)).toEqual({ ok: true });
    const three = [...two, entry("ops", T0 + 20_000)];
    expect(decideRateLimit(three, "ops", T0 + 30_000, perContact, global)).toMatchObject({ ok: false, code: "rate-limit-contact", reason: expect.stringMatching(/limit of 3 messages per 60 s; the next is possible in 30 s/) });
  });

  it("frees a slot exactly when the oldest entry leaves the window", () => {
    const three = [entry("ops", T0), entry("ops", T0 + 10_000), entry("ops", T0 + 20_000)];
    expect(decideRateLimit(three, "ops", T0 + 59_999, perContact, global).ok).toBe(false);
    expect(decideRateLimit(three, "ops", T0 + 60_000, perContact, global).ok).toBe(true);
  });

  it("counts every contact against the global limit", () => {
    const five = ["a", "b", "c", "d", "e"].map((alias, i) => entry(alias, T0 + i));
    expect(decideRateLimit(five, "f", T0 + 10, perContact, global)).toMatchObject({ ok: false, code: "rate-limit-global" });
    expect(decideRateLimit(five, "f", T0 + 3_600_000, perContact, global).ok).toBe(true);
  });

  it("a count of 0 refuses everything", () => {
    expect(decideRateLimit([], "ops", T0, { count: 0, windowSeconds: 60 }, global).ok).toBe(false);
  });

  it("never allows more than `count` sends inside any window (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(200_000), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 120 }), (offsets, count, windowSeconds) => {
        const accepted: LedgerEntry[] = [];
        for (const offset of [...offsets].sort((a, b) => a - b)) {
          if (decideRateLimit(accepted, "ops", T0 + offset, { count, windowSeconds }, { count: 10_000, windowSeconds: 1 }).ok) accepted.push(entry("ops", T0 + offset));
        }
        for (const a of accepted) expect(accepted.filter((b) => b.at >= a.at && b.at - a.at < windowSeconds * 1000).length).toBeLessThanOrEqual(count);
      }),
    );
  });
});

describe("decideConfirmation", () => {
  it("follows the mode, and content findings always ask", () => {
    expect(decideConfirmation("never", false, "ops")).toEqual({ required: false });
    expect(decideConfirmation("first", false, "ops")).toMatchObject({ required: true, why: expect.stringMatching(/first message to ops/) });
    expect(decideConfirmation("first", true, "ops")).toEqual({ required: false });
    expect(decideConfirmation("always", true, "ops")).toMatchObject({ required: true });
    expect(decideConfirmation("never", true, "ops", "The message contains a phone number")).toEqual({ required: true, why: "The message contains a phone number" });
  });
});

describe("decideRateLimit with an agent token's own limit", () => {
  const loose = { count: 100, windowSeconds: 3600 };
  const byAgent = (alias: string, at: number, agent: string): LedgerEntry => ({ ...entry(alias, at), agent });

  it("counts only that agent's sends, across contacts, inside its window", () => {
    const entries = [byAgent("ops", T0, "red"), byAgent("alice", T0 + 1000, "red"), byAgent("ops", T0 + 2000, "blue"), entry("ops", T0 + 3000)];
    const red = { name: "red", window: { count: 2, windowSeconds: 60 } };
    expect(decideRateLimit(entries, "bob", T0 + 5000, loose, loose, red)).toMatchObject({ ok: false, code: "rate-limit-agent", reason: expect.stringMatching(/token \(red\).*limit of 2 messages per 60 s; the next is possible in 55 s/) });
    expect(decideRateLimit(entries, "bob", T0 + 60_000, loose, loose, red)).toEqual({ ok: true });
    expect(decideRateLimit(entries, "bob", T0 + 5000, loose, loose, { name: "blue", window: { count: 2, windowSeconds: 60 } })).toEqual({ ok: true });
  });

  it("never loosens the book's limits", () => {
    const entries = [byAgent("ops", T0, "red")];
    expect(decideRateLimit(entries, "ops", T0 + 1, { count: 1, windowSeconds: 60 }, loose, { name: "red", window: loose })).toMatchObject({ code: "rate-limit-contact" });
    expect(decideRateLimit(entries, "alice", T0 + 1, loose, { count: 1, windowSeconds: 60 }, { name: "red", window: loose })).toMatchObject({ code: "rate-limit-global" });
  });
});
