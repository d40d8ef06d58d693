import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { watchBook, type LiveBook } from "../../src/plugin/live-book.js";
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
