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
});
