import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findAgent, parseTokenFile } from "../../src/tokens/tokens.js";
import { BOOK, CLI, privateDir, writeConfig } from "../helpers.js";

const run = promisify(execFile);

async function token(config: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, "token", ...args, "--config", config]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("openclaw-guard token", () => {
  it("add prints the token once on stdout, stores only its hash 0600 beside the book; list shows no secret; revoke removes it", async () => {
    const dir = privateDir();
    const config = writeConfig(dir, BOOK);
    const added = await token(config, "add", "laptop", "--aliases", "alice,ops,nobody", "--rate", "10/1h");
    expect(added.code).toBe(0);
    const secret = added.stdout.trim();
    expect(secret).toMatch(/^ocg_[A-Za-z0-9_-]{43}$/);
    expect(added.stderr).toMatch(/not in the address book \(yet\): nobody/);
    const path = join(dir, "tokens.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(secret.slice(4));
    const file = parseTokenFile(text, path);
    expect(findAgent(file, secret)).toMatchObject({ name: "laptop", grant: { aliases: ["alice", "ops", "nobody"], rate: { count: 10, windowSeconds: 3600 } } });

    expect((await token(config, "add", "laptop")).code).toBe(1);
    const listed = await token(config, "list");
    expect(listed.stdout).toMatch(/^laptop\s+alice,ops,nobody\s+10\/1h/);
    expect(listed.stdout + listed.stderr).not.toContain(secret.slice(4));

    expect((await token(config, "revoke", "laptop")).code).toBe(0);
    expect(findAgent(parseTokenFile(readFileSync(path, "utf8"), path), secret)).toBeUndefined();
    expect((await token(config, "revoke", "laptop")).code).toBe(1);
  });

  it("refuses bad names, aliases and rates with a usage error", async () => {
    const config = writeConfig(privateDir(), BOOK);
    for (const args of [["add", "Bad Name"], ["add", "x", "--aliases", "+27821234567"], ["add", "x", "--rate", "lots"], ["frobnicate"], ["add"]]) {
      expect((await token(config, ...args)).code).not.toBe(0);
    }
  });

  it("rotate gives a new secret for the same grant; the old one holds for the grace time only, then is refused", async () => {
    const dir = privateDir();
    const config = writeConfig(dir, BOOK);
    const path = join(dir, "tokens.json");
    const old = (await token(config, "add", "laptop", "--aliases", "alice")).stdout.trim();
    const rotated = await token(config, "rotate", "laptop", "--grace", "10m");
    expect(rotated.code).toBe(0);
    const fresh = rotated.stdout.trim();
    expect(fresh).toMatch(/^ocg_[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(old);
    const file = parseTokenFile(readFileSync(path, "utf8"), path);
    const now = Date.now();
    expect(findAgent(file, fresh, now)).toMatchObject({ name: "laptop", grant: { aliases: ["alice"] } });
    expect(findAgent(file, old, now)?.name).toBe("laptop");
    expect(findAgent(file, old, now + 11 * 60_000)).toBeUndefined();
    expect(findAgent(file, fresh, now + 11 * 60_000)?.name).toBe("laptop");
    // A second rotation drops the first secret at once; --grace 0 refuses the replaced one immediately.
    const third = (await token(config, "rotate", "laptop", "--grace", "0")).stdout.trim();
    const after = parseTokenFile(readFileSync(path, "utf8"), path);
    expect(findAgent(after, old, now)).toBeUndefined();
    expect(findAgent(after, fresh, now)).toBeUndefined();
    expect(findAgent(after, third, now)?.name).toBe("laptop");
    expect((await token(config, "rotate", "nobody")).code).toBe(1);
    expect((await token(config, "rotate", "laptop", "--grace", "9y")).code).not.toBe(0);
  });

  it("concurrent adds under the lock lose none of each other's tokens", async () => {
    const dir = privateDir();
    const config = writeConfig(dir, BOOK);
    const names = Array.from({ length: 8 }, (_, i) => `agent${i}`);
    const results = await Promise.all(names.map((n) => token(config, "add", n)));
    expect(results.map((r) => r.code)).toEqual(names.map(() => 0));
    const file = parseTokenFile(readFileSync(join(dir, "tokens.json"), "utf8"), join(dir, "tokens.json"));
    expect(Object.keys(file.tokens).sort()).toEqual(names);
    for (const [i, r] of results.entries()) expect(findAgent(file, r.stdout.trim())?.name).toBe(names[i]);
  }, 60_000);
});
