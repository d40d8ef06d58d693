import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createConfigSource } from "../../src/contacts/config-source.js";
import { BOOK, privateDir, writeConfig } from "../helpers.js";

describe("createConfigSource (real files)", () => {
  it("re-reads the file when it changes and fails closed when it turns invalid", () => {
    const path = writeConfig(privateDir(), BOOK);
    const source = createConfigSource(path);
    const first = source.current();
    expect(first.ok && [...first.config.contacts.keys()]).toEqual(["alice", "ops"]);
    expect(source.current()).toBe(first); // unchanged file: cached

    writeFileSync(path, BOOK.replace("ops:", '"ops-team":'));
    const second = source.current();
    expect(second.ok && [...second.config.contacts.keys()]).toEqual(["alice", "ops-team"]);

    writeFileSync(path, BOOK.replace("ops:", "alice:"));
    const broken = source.current();
    expect(broken).toMatchObject({ ok: false, error: expect.stringMatching(/defined twice/) });

    writeFileSync(path, BOOK);
    expect(source.current().ok).toBe(true);
  });

  it("fails closed when the file becomes writable by others or disappears", () => {
    const path = writeConfig(privateDir(), BOOK);
    const source = createConfigSource(path);
    expect(source.current().ok).toBe(true);
    chmodSync(path, 0o666);
    expect(source.current()).toMatchObject({ ok: false, error: expect.stringMatching(/writable by other users/) });
    chmodSync(path, 0o600);
    expect(source.current().ok).toBe(true);
    rmSync(path);
    expect(source.current()).toMatchObject({ ok: false, error: expect.stringMatching(/ENOENT/) });
  });
});
