// Differential test of the guard's WhatsApp canonicaliser against the real @openclaw/whatsapp
// 2026.9.6 channel's own target normaliser (installed by scripts/setup-e2e.sh; the module name is that
// build's). OpenClaw resolves a WhatsApp recipient with it before delivery (resolveWhatsAppOutboundTarget)
// and the gateway's message_sending hook sees its result; the assistant's message tool is checked on
// the raw spelling. Either way the guard must never vet one chat while the gateway delivers to another.
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalDestination } from "../../src/contacts/targets.js";
import { unicodeNumber } from "../support/unicode-numbers.js";
import { requireWhatsAppPlugin, WHATSAPP_NORMALISER } from "../support/openclaw-whatsapp.js";

type Normaliser = { c: (raw: string) => string | null };

const ours = (raw: string) => canonicalDestination("whatsapp", raw)?.chat;

describe("WhatsApp targets: the guard reads them as OpenClaw does", () => {
  it("every recipient the guard understands, raw or as OpenClaw resolved it, is the chat OpenClaw delivers to", async () => {
    requireWhatsAppPlugin();
    // A missing module fails: a new channel build must not turn this check off silently.
    expect(existsSync(WHATSAPP_NORMALISER), `${WHATSAPP_NORMALISER} is gone: the channel's build changed, update it`).toBe(true);
    const openclaw = ((await import(WHATSAPP_NORMALISER)) as Normaliser).c;
    const parts = fc.constantFrom(
      ..."0123456789+ -.()_:@/".split(""),
      "27", "82", "00", "0", "1", "555", "120363", "\u00a0", "\u3000", "\t", "\n", "\u200b", "１", "٣", "a", "x",
      "whatsapp:", "WhatsApp: ", "group:", "GROUP:", "status", "@s.whatsapp.net", "@S.WHATSAPP.NET", "@c.us", "@g.us", "@G.us", "@lid", "@broadcast", "@newsletter", ":12", "sms:", "tel:",
    );
    const digits = (min: number, max: number) => fc.array(fc.constantFrom(..."0123456789".split("")), { minLength: min, maxLength: max }).map((d) => d.join(""));
    const separator = fc.constantFrom("", "", " ", "-", ".", "(", ")", "\u00a0", "\t", "/", "_", "１");
    const phone = fc.tuple(fc.constantFrom("", "+", "+", "00", "0", "(+", "＋"), fc.array(fc.tuple(digits(1, 4), separator), { minLength: 1, maxLength: 6 })).map(([lead, groups]) => lead + groups.map(([d, sep]) => d + sep).join(""));
    const jid = fc.tuple(digits(1, 18), fc.constantFrom("", ":1", ":12", ":1234", "-1", "-12-3"), fc.constantFrom("@s.whatsapp.net", "@S.Whatsapp.Net", "@c.us", "@g.us", "@lid", "@broadcast", "@newsletter", "@x.us", "")).map(([d, device, at]) => d + device + at);
    const prefix = fc.constantFrom("", "", "whatsapp:", "WHATSAPP: ", " whatsapp:whatsapp:", "group:", "whatsapp:group:", "group: ", "tel:", " ");
    const shaped = fc.tuple(prefix, fc.oneof(phone, jid), fc.constantFrom("", "", " ", "\n", "x")).map((p) => p.join(""));
    const spelling = fc.oneof({ arbitrary: shaped, weight: 6 }, fc.array(parts, { maxLength: 14 }).map((p) => p.join("")), unicodeNumber, fc.string({ maxLength: 20 }));
    let understood = 0;
    fc.assert(
      fc.property(spelling, (raw) => {
        const resolved = openclaw(raw);
        // The message tool's raw parameter: understood only as the chat OpenClaw resolves it to.
        const mine = ours(raw);
        if (mine !== undefined) understood++;
        if (mine !== undefined) expect(resolved, JSON.stringify(raw)).toBe(mine);
        // message_sending's resolved recipient: the guard reads OpenClaw's own output as itself, or refuses it.
        if (resolved !== null) {
          const seen = ours(resolved);
          if (seen !== undefined) expect(seen, JSON.stringify(resolved)).toBe(resolved);
        }
      }),
      { numRuns: 30_000 },
    );
    // The generator must reach the guard's accepting forms often, or the property checks nothing.
    expect(understood).toBeGreaterThan(700);
  });

  it("agrees on the spellings the e2e suite sends (examples, so a regression names its input)", async () => {
    requireWhatsAppPlugin();
    const openclaw = ((await import(WHATSAPP_NORMALISER)) as Normaliser).c;
    const cases: [string, string | null, string | undefined][] = [
      ["+27 82 123 4567", "+27821234567", "+27821234567"],
      ["+27 (82) 123-45.67", "+27821234567", "+27821234567"],
      // A "+" that is not first: OpenClaw drops it, the guard refuses the raw spelling (the hook still sees +27821234567).
      ["(+27) 82-123.4567", "+27821234567", undefined],
      ["27821234567@s.whatsapp.net", "+27821234567", "+27821234567"],
      ["27821234567:12@s.whatsapp.net", "+27821234567", "+27821234567"],
      ["27821234567@c.us", "+27821234567", "+27821234567"],
      ["group:120363000000000001@g.us", "120363000000000001@g.us", "120363000000000001@g.us"],
      // OpenClaw reads a LID as phone digits; the guard refuses it on the raw path (stricter, never wider).
      ["27821234567@lid", "+27821234567", undefined],
      // A 00 prefix or a national trunk 0 is kept as digits by OpenClaw: another JID, refused by the guard.
      ["0027821234567", "+0027821234567", undefined],
      ["082 123 4567", "+0821234567", undefined],
      // Non-ASCII digits are dropped by OpenClaw's \D: full-width alone resolves to nothing.
      ["＋２７８２１２３４５６７", null, undefined],
      ["status@broadcast", null, undefined],
      ["120363000000000001@broadcast", null, undefined],
    ];
    for (const [raw, theirs, mine] of cases) {
      expect(openclaw(raw), raw).toBe(theirs);
      expect(ours(raw), raw).toBe(mine);
    }
  });
});
