import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { maskTarget } from "../../src/audit/redact.js";
import { CHANNELS } from "../../src/contacts/targets.js";
import { decideSend } from "../../src/plugin/decide.js";
import { createAdmissions } from "../../src/plugin/admissions.js";
import { allowToSchema, watchBook, type LiveBook } from "../../src/plugin/live-book.js";
import { privateDir, writeConfig } from "../helpers.js";

const book = (contacts: Record<string, string>) => JSON.stringify({ contacts: Object.fromEntries(Object.entries(contacts).map(([alias, target]) => [alias, { channel: "telegram", target }])) });
const until = async (what: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!what()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
};

let live: LiveBook | undefined;
afterEach(() => live?.stop());

describe("watchBook", () => {
  it("applies an edit, a deletion, an invalid file and a recreation within 2 s, never throwing", async () => {
    const dir = privateDir();
    const path = writeConfig(dir, book({ alice: "555111" }));
    live = watchBook(path);
    const size = () => (live!.current().ok ? (live!.current() as { book: { size: number } }).book.size : -1);
    expect(size()).toBe(1);

    writeConfig(dir, book({ alice: "555111", bob: "555222" }));
    await until(() => size() === 2);
    rmSync(path);
    await until(() => !live!.current().ok);
    writeConfig(dir, "{ contacts: { alice: { channel: 'telegram', target: '555111' }, ");
    await until(() => !live!.current().ok && /not valid JSON5/.test((live!.current() as { error: string }).error));
    // an editor's save: write a temp file and rename it over the book
    writeFileSync(join(dir, "tmp"), book({ carol: "555333" }), { mode: 0o600 });
    renameSync(join(dir, "tmp"), path);
    await until(() => size() === 1);
  });

  it("fails closed on a missing book and on one others can write", async () => {
    const dir = privateDir();
    live = watchBook(join(dir, "missing.json5"));
    expect(live.current()).toMatchObject({ ok: false, error: expect.stringMatching(/cannot read/) });
    live.stop();
    const path = writeConfig(dir, book({ alice: "555111" }));
    const { chmodSync } = await import("node:fs");
    chmodSync(path, 0o666);
    live = watchBook(path);
    expect(live.current()).toMatchObject({ ok: false, error: expect.stringMatching(/writable by other users/) });
  });

  it("keeps polling when the loader itself throws something odd", async () => {
    const dir = privateDir();
    const path = writeConfig(dir, book({ alice: "555111" }));
    let calls = 0;
    live = watchBook(path, {
      pollMs: 20,
      load: () => {
        calls++;
        throw "not an Error";
      },
    });
    expect(live.current()).toMatchObject({ ok: false, error: "not an Error" });
    writeConfig(dir, book({ bob: "555222" }));
    await until(() => calls >= 2);
  });
});

describe("allowTo (the plugin's own list, no book needed)", () => {
  const policy = { internalChannels: new Set<string>() };
  const send = (l: LiveBook, channel: string, to: string) => decideSend(l.current(), policy, createAdmissions(), { channel, to, content: "hi" }, Date.now());
  const allowTo = { telegram: ["123456789", "@Friend_Name"], whatsapp: ["+27 (82) 123-4567"] };

  it("with no book file, delivers to allowTo's recipients in every spelling the gateway reads and cancels others", () => {
    const dir = privateDir();
    live = watchBook(join(dir, "missing.json5"), { allowTo });
    expect(live.current().ok).toBe(true);
    expect(live.describe()).toEqual({ bookFile: "missing", allowTo: { telegram: [maskTarget("123456789"), maskTarget("@friend_name")], whatsapp: [maskTarget("+27821234567")] } });
    expect(JSON.stringify(live.describe())).not.toMatch(/\d{5}/);
    for (const to of ["123456789", "telegram:123456789", "tg:123456789", "@friend_name", "t.me/FRIEND_NAME"]) expect(send(live, "telegram", to)).toMatchObject({ deliver: true, alias: "allowTo" });
    for (const to of ["+27821234567", "27821234567@s.whatsapp.net", "whatsapp:+27 82 123 4567"]) expect(send(live, "whatsapp", to)).toMatchObject({ deliver: true });
    for (const [channel, to] of [["telegram", "123456780"], ["telegram", "-123456789"], ["whatsapp", "+27821234568"], ["telegram", "+15551234567"], ["signal", "+15551234567"]] as const) {
      expect(send(live, channel, to)).toMatchObject({ deliver: false });
    }
  });

  it("adds to a book: both are allowed, and the fingerprint stays the book's", () => {
    const dir = privateDir();
    const path = writeConfig(dir, book({ alice: "555111" }));
    const plain = watchBook(path);
    live = watchBook(path, { allowTo: { telegram: ["123456789"] } });
    expect(send(live, "telegram", "555111")).toMatchObject({ deliver: true, alias: "alice" });
    expect(send(live, "telegram", "123456789")).toMatchObject({ deliver: true, alias: "allowTo" });
    expect(send(live, "telegram", "555112")).toMatchObject({ deliver: false });
    const fp = (l: LiveBook) => (l.current() as { book: { fingerprint: string } }).book.fingerprint;
    expect(fp(live)).toBe(fp(plain));
    expect(live.describe().bookFile).toBe("loaded");
    plain.stop();
  });

  it("fails closed with no book and no allowTo (also an empty allowTo), and on a book file that exists but is invalid", () => {
    const dir = privateDir();
    for (const a of [undefined, {}, { telegram: [] }] as (Record<string, string[]> | undefined)[]) {
      const l = watchBook(join(dir, "missing.json5"), { allowTo: a });
      expect(l.current()).toMatchObject({ ok: false, error: expect.stringMatching(/cannot read/) });
      l.stop();
    }
    const path = writeConfig(dir, "{ contacts: ");
    live = watchBook(path, { allowTo });
    expect(live.current()).toMatchObject({ ok: false });
    expect(send(live, "telegram", "123456789")).toMatchObject({ deliver: false, code: "book-invalid" });
  });

  it("refuses invalid entries with the reason, never showing a full number", () => {
    const bad = (value: unknown) => {
      const r = allowToSchema.safeParse(value);
      expect(r.success).toBe(false);
      return r.success ? "" : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    };
    expect(bad({ whatsapp: ["5551234567"] })).toMatch(/^whatsapp\.0: "\u2022+567" is not a valid whatsapp target/);
    expect(bad({ whatsapp: ["+27821234567", "+2782"] })).toMatch(/^whatsapp\.1: /);
    expect(bad({ telegram: ["friend name"] })).toMatch(/telegram\.0: .*not a valid telegram target/);
    expect(bad({ sms: ["+15551234567"] })).toMatch(/unknown channel "sms"/);
    expect(bad({ telegram: "123456789" })).toMatch(/telegram/);
    expect(bad({ whatsapp: ["+1 555 123 4567x"] })).not.toMatch(/5551234567/);
  });

  it("accepts exactly what the address book accepts, and allows exactly those recipients (property)", () => {
    const dir = privateDir();
    fc.assert(
      fc.property(fc.constantFrom(...CHANNELS), fc.string({ maxLength: 20 }), fc.stringMatching(/^[+]?[0-9 ()-]{1,18}$/), (channel, any, digits) => {
        for (const target of [any, digits, `+${digits.replace(/\D/g, "")}`]) {
          const parsed = allowToSchema.safeParse({ [channel]: [target] });
          if (!parsed.success) continue;
          const l = watchBook(join(dir, "missing.json5"), { allowTo: parsed.data, pollMs: 60_000 });
          try {
            // An accepted entry is allowed as written, and no other chat on that channel is.
            expect(send(l, channel, target).deliver).toBe(true);
            expect(send(l, channel, channel === "telegram" ? "999999999999" : "+442079460999").deliver).toBe(target.replace(/\D/g, "") === "442079460999" || target === "999999999999");
          } finally {
            l.stop();
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("openclaw.plugin.json declares allowTo for the same channels, and needs no config to enable", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../openclaw.plugin.json", import.meta.url), "utf8"));
    expect(manifest.configSchema.required).toBeUndefined();
    expect(manifest.configSchema.properties.allowTo.propertyNames.enum).toEqual([...CHANNELS]);
  });
});
