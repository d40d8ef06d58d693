import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStore, GENESIS, readAuditTail, verifyAuditText } from "../../src/audit/store.js";
import { privateDir, readAudit } from "../helpers.js";

async function storeWith(records: number) {
  const file = join(privateDir(), "audit.jsonl");
  const store = createStore(file);
  for (let i = 0; i < records; i++) await store.record({ event: "attempt", n: i });
  return { file, store };
}

const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n");

describe("hash-chained audit log", () => {
  it("chains every record to the one before, starting from the genesis hash", async () => {
    const { file } = await storeWith(3);
    const records = readAudit(file);
    expect(records[0]!.prev).toBe(GENESIS);
    expect(records[1]!.prev).toBe(records[0]!.hash);
    expect(records[2]!.prev).toBe(records[1]!.hash);
    expect(verifyAuditText(readFileSync(file, "utf8"))).toEqual({ ok: true, records: 3 });
  });

  it("names the first edited record", async () => {
    const { file } = await storeWith(4);
    const l = lines(file);
    l[1] = l[1]!.replace('"n":1', '"n":9');
    expect(verifyAuditText(l.join("\n") + "\n")).toMatchObject({ ok: false, line: 2, problem: expect.stringMatching(/does not match its own hash/) });
  });

  it("detects a removed, inserted or reordered record, and an edited last record", async () => {
    const { file } = await storeWith(4);
    const l = lines(file);
    expect(verifyAuditText([l[0], l[2], l[3]].join("\n"))).toMatchObject({ ok: false, line: 2, problem: expect.stringMatching(/does not follow/) });
    expect(verifyAuditText([l[0], l[2], l[1], l[3]].join("\n"))).toMatchObject({ ok: false, line: 2 });
    expect(verifyAuditText([l[0], l[1], l[1], l[2]].join("\n"))).toMatchObject({ ok: false, line: 3 });
    expect(verifyAuditText([...l.slice(0, 3), l[3]!.replace("attempt", "outcome")].join("\n"))).toMatchObject({ ok: false, line: 4 });
    expect(verifyAuditText(l.slice(1).join("\n"))).toMatchObject({ ok: false, line: 1 });
  });

  it("with the ledger's tail, detects records cut off the end (which a chain alone cannot)", async () => {
    const { file } = await storeWith(3);
    const tail = readAuditTail(file);
    expect(tail).toBe(readAudit(file)[2]!.hash);
    const l = lines(file);
    expect(verifyAuditText(`${l[0]}\n`)).toEqual({ ok: true, records: 1 });
    expect(verifyAuditText(`${l[0]}\n`, tail)).toMatchObject({ ok: false, line: 2, problem: expect.stringMatching(/cut off the end/) });
    expect(verifyAuditText(readFileSync(file, "utf8"), tail)).toEqual({ ok: true, records: 3 });
  });

  it("after a torn last line (a write cut short), sets the fragment aside byte for byte and records it, keeping one chain", async () => {
    const { file, store } = await storeWith(2);
    const fragment = '{"event":"attempt","n":2,"pre';
    appendFileSync(file, fragment);
    await store.record({ event: "attempt", n: 3 });
    const l = lines(file);
    expect(l).toHaveLength(4);
    const torn = JSON.parse(l[2]!);
    expect(torn).toMatchObject({ event: "torn", bytes: fragment.length, prev: JSON.parse(l[1]!).hash });
    expect(readFileSync(join(dirname(file), torn.movedTo), "utf8")).toBe(fragment);
    expect(torn.sha256).toBe(createHash("sha256").update(fragment).digest("hex"));
    expect(JSON.parse(l[3]!).prev).toBe(torn.hash);
    expect(verifyAuditText(readFileSync(file, "utf8"), readAuditTail(file))).toEqual({ ok: true, records: 4 });
    // A torn line in the middle (not the last) is still named by verify: only the end is repaired.
    const edited = [l[0], fragment, l[1]].join("\n");
    expect(verifyAuditText(edited)).toMatchObject({ ok: false, line: 2, problem: expect.stringMatching(/torn write/) });
  });

  it("writes the log 0600 in a 0700 directory", async () => {
    const dir = join(privateDir(), "state", "openclaw-guard");
    const store = createStore(join(dir, "audit.jsonl"));
    await store.record({ event: "attempt" });
    const { statSync } = await import("node:fs");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "audit.jsonl")).mode & 0o777).toBe(0o600);
  });
});

describe("ledger", () => {
  it("reserves, releases and remembers first deliveries atomically with the records", async () => {
    let now = 1_000_000;
    const dir = privateDir();
    const store = createStore(join(dir, "audit.jsonl"), { now: () => now, retainSeconds: () => 60 });
    await store.transact(() => ({ result: 0, records: [{ event: "attempt" }], reserve: { id: "a", alias: "ops", textSha256: "h", at: now } }));
    await store.transact(() => ({ result: 0, records: [{ event: "attempt" }], reserve: { id: "b", alias: "ops", textSha256: "h2", at: now } }));
    await store.transact(() => ({ result: 0, records: [{ event: "outcome" }], release: "a" }));
    await store.transact(() => ({ result: 0, records: [{ event: "outcome" }], markDelivered: "ops" }));
    const ledger = JSON.parse(readFileSync(join(dir, "audit.ledger.json"), "utf8"));
    expect(ledger.entries.map((e: { id: string }) => e.id)).toEqual(["b"]);
    expect(ledger.delivered).toEqual({ ops: 1_000_000 });
    now += 61_000;
    await store.transact(() => ({ result: 0, records: [], markDelivered: "ops" }));
    expect(JSON.parse(readFileSync(join(dir, "audit.ledger.json"), "utf8")).entries).toEqual([]);
  });

  it("refuses to work on a corrupt ledger instead of silently resetting the limits", async () => {
    const dir = privateDir();
    writeFileSync(join(dir, "audit.ledger.json"), "{ nope");
    const store = createStore(join(dir, "audit.jsonl"));
    await expect(store.transact(() => ({ result: 0, records: [] }))).rejects.toThrow();
  });

  const reserveAll = (store: ReturnType<typeof createStore>, ids: string[]) =>
    Promise.all(ids.map((id) => store.transact(() => ({ result: 0, records: [{ event: "attempt" }], reserve: { id, alias: "ops", textSha256: id, at: Date.now() } }))));

  it("is overwritten in place behind a full copy, each write beginning and ending with one stamp", async () => {
    const dir = privateDir();
    const store = createStore(join(dir, "audit.jsonl"));
    await reserveAll(store, ["a", "b"]);
    const text = readFileSync(join(dir, "audit.ledger.json"), "utf8");
    const stamp = /^\{"begin":"([^"]+)",/.exec(text)?.[1];
    expect(stamp).toBeDefined();
    expect(text.endsWith(`,"end":"${stamp}"}`)).toBe(true);
    expect(readFileSync(join(dir, "audit.ledger.json.copy"), "utf8")).toBe(text);
  });

  it("a write cut short (kill -9 mid-write) is read from its copy: no reservation is lost", async () => {
    const dir = privateDir();
    const ledger = join(dir, "audit.ledger.json");
    await reserveAll(createStore(join(dir, "audit.jsonl")), ["a", "b", "c"]);
    const whole = readFileSync(ledger, "utf8");
    // Torn at every kind of place: inside the stamp's record, mid-entries, just before the end stamp.
    for (const cut of [20, Math.floor(whole.length / 2), whole.length - 5]) {
      writeFileSync(`${ledger}.copy`, whole); // the write that was cut, complete in the copy
      writeFileSync(ledger, whole.slice(0, cut));
      const seen = await createStore(join(dir, "audit.jsonl")).transact((l) => ({ result: l.entries.map((e) => e.id), records: [] }));
      expect(seen).toEqual(["a", "b", "c"]);
    }
    // And a shorter new write over a longer old one, not yet truncated: the old end stamp does not match.
    writeFileSync(ledger, whole);
    writeFileSync(ledger, whole.replace(/"end":"[^"]+"\}$/, '"end":"an-earlier-write-1"}'));
    writeFileSync(`${ledger}.copy`, whole);
    expect(await createStore(join(dir, "audit.jsonl")).transact((l) => ({ result: l.entries.length, records: [] }))).toBe(3);
  });

  it("a torn ledger whose copy holds another write is refused, not reset", async () => {
    const dir = privateDir();
    const ledger = join(dir, "audit.ledger.json");
    const store = createStore(join(dir, "audit.jsonl"));
    await reserveAll(store, ["a"]);
    const first = readFileSync(ledger, "utf8");
    await reserveAll(store, ["b"]);
    writeFileSync(ledger, readFileSync(ledger, "utf8").slice(0, 60)); // torn ...
    writeFileSync(`${ledger}.copy`, first); // ... and the copy is an older write: not the one that was cut
    await expect(createStore(join(dir, "audit.jsonl")).transact(() => ({ result: 0, records: [] }))).rejects.toThrow(/torn/);
    rmSync(`${ledger}.copy`);
    await expect(createStore(join(dir, "audit.jsonl")).transact(() => ({ result: 0, records: [] }))).rejects.toThrow(/torn/);
  });

  it("reads a ledger written whole by an earlier version or by hand, and keeps its entries", async () => {
    const dir = privateDir();
    const ledger = join(dir, "audit.ledger.json");
    for (const text of [
      JSON.stringify({ stamp: "123-abc-7", entries: [{ id: "old", alias: "ops", textSha256: "h", at: Date.now() }], delivered: {} }),
      JSON.stringify({ entries: [{ id: "old", alias: "ops", textSha256: "h", at: Date.now() }], delivered: {} }),
    ]) {
      writeFileSync(ledger, text);
      rmSync(`${ledger}.copy`, { force: true });
      const store = createStore(join(dir, "audit.jsonl"));
      await reserveAll(store, ["new"]);
      expect(JSON.parse(readFileSync(ledger, "utf8")).entries.map((e: { id: string }) => e.id)).toEqual(["old", "new"]);
    }
  });
});
