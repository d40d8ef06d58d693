import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { guardConfigPath, readGuardAllowList, withoutConfigOption } from "../../src/guard/guard-config.js";
import { DEFAULT_ALLOW_LIST } from "../../src/guard/openclaw-policy.js";

const dir = mkdtempSync(path.join(tmpdir(), "guard-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("guardConfigPath", () => {
  it("prefers --config, then $OPENCLAW_GUARD_CONFIG, then $XDG_CONFIG_HOME, then ~/.config", () => {
    const env = { OPENCLAW_GUARD_CONFIG: "/e/c.json5", XDG_CONFIG_HOME: "/xdg", HOME: "/home/u" };
    expect(guardConfigPath(["--config", "/f/c.json5"], env)).toBe("/f/c.json5");
    expect(guardConfigPath(["--config=/f/d.json5"], env)).toBe("/f/d.json5");
    expect(guardConfigPath([], env)).toBe("/e/c.json5");
    expect(guardConfigPath([], { XDG_CONFIG_HOME: "/xdg", HOME: "/home/u" })).toBe("/xdg/openclaw-guard/config.json5");
    expect(guardConfigPath([], { HOME: "/home/u" })).toBe("/home/u/.config/openclaw-guard/config.json5");
  });

  it("strips the option from the arguments", () => {
    expect(withoutConfigOption(["claude-code", "--config", "x", "--config=y", "z"])).toEqual(["claude-code", "z"]);
  });
});

describe("readGuardAllowList", () => {
  it("uses the defaults when the file or the key is missing", () => {
    expect(readGuardAllowList(["--config", path.join(dir, "missing.json5")], {})).toBe(DEFAULT_ALLOW_LIST);
    expect(readGuardAllowList(["--config", configFile("nokey.json5", "{ contacts: {} }")], {})).toBe(DEFAULT_ALLOW_LIST);
  });

  it("reads guard.allowOpenclawCommands from JSON5", () => {
    const file = configFile("ok.json5", "// comment\n{ guard: { allowOpenclawCommands: ['status', 'doctor !--fix',], }, }");
    expect(readGuardAllowList(["--config", file], {})).toEqual([
      { words: ["status"], forbiddenFlags: [] },
      { words: ["doctor"], forbiddenFlags: ["--fix"] },
    ]);
  });

  it.each([
    ["broken.json5", "{ guard: "],
    ["wrongtype.json5", "{ guard: { allowOpenclawCommands: 'status' } }"],
    ["badentry.json5", "{ guard: { allowOpenclawCommands: ['status; rm -rf /'] } }"],
  ])("throws for %s so the hook can fail closed", (name, text) => {
    expect(() => readGuardAllowList(["--config", configFile(name, text)], {})).toThrow();
  });

  it("throws for an unreadable path", () => {
    expect(() => readGuardAllowList(["--config", dir], {})).toThrow(/cannot read/);
  });
});
