import { chmodSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig, resolveConfigPath } from "../../src/contacts/config.js";
import { BOOK, privateDir, writeConfig } from "../helpers.js";

function errorOf(text: string): string {
  try {
    parseConfig(text, "/cfg/config.json5");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("loads the address book with canonical targets", () => {
    const config = parseConfig(BOOK, "/cfg/config.json5");
    expect([...config.contacts.keys()]).toEqual(["alice", "ops"]);
    expect(config.contacts.get("ops")).toMatchObject({ alias: "ops", channel: "telegram", target: "-1001234567890", account: "work", description: "Ops group" });
    expect(config.openclaw).toEqual({ transport: "dry-run", bin: undefined, timeoutMs: 60000, gateway: { url: undefined, token: undefined } });
    expect(config.audit.includeText).toBe(false);
  });

  it("stores phone targets in E.164", () => {
    const config = parseConfig(`{ openclaw: { transport: "dry-run" }, contacts: { a: { channel: "signal", target: "+49 151 1234 5678" } } }`, "/c");
    expect(config.contacts.get("a")?.target).toBe("+4915112345678");
  });

  it("an empty address book loads (and then denies every send)", () => {
    expect(parseConfig(`{ openclaw: { transport: "dry-run" } }`, "/c").contacts.size).toBe(0);
  });

  it("refuses duplicate aliases with both the line and a fix", () => {
    const message = errorOf(`{
  openclaw: { transport: "dry-run" },
  contacts: {
    alice: { channel: "whatsapp", target: "+27821234567" },
    alice: { channel: "whatsapp", target: "+4915112345678" },
  },
}`);
    expect(message).toContain("/cfg/config.json5:5:");
    expect(message).toMatch(/contacts\.alice" is defined twice.*Remove or rename/);
  });

  it("treats quoted and bare duplicate keys alike", () => {
    expect(errorOf(`{ contacts: { 'bob': { channel: "signal", target: "+4915112345678" }, "bob": { channel: "signal", target: "+4915112345678" } }, openclaw: { transport: "dry-run" } }`)).toMatch(/defined twice/);
  });

  it("sees duplicates spelled with escapes, as JSON5 decodes them", () => {
    const book = (second: string) => `{ openclaw: { transport: "dry-run" }, contacts: {\n alice: { channel: "whatsapp", target: "+27821234567" },\n ${second}: { channel: "whatsapp", target: "+4915112345678" } } }`;
    expect(errorOf(book(String.raw`"\u0061lice"`))).toMatch(/:3: "contacts.alice" is defined twice/);
    expect(errorOf(book(String.raw`ali\u0063e`))).toMatch(/:3: "contacts.alice" is defined twice/);
    expect(errorOf(book(String.raw`'\x61lice'`))).toMatch(/defined twice/);
  });

  it("refuses unknown keys at their line", () => {
    const message = errorOf(`{
  openclaw: { transport: "dry-run" },
  contacts: {
    alice: { channel: "whatsapp", target: "+27821234567", tagret: "x" },
  },
  allowAll: true,
}`);
    expect(message).toContain(':4: unknown key "tagret" in contacts.alice');
    expect(message).toContain(':6: unknown key "allowAll" in the top level');
    expect(message).toMatch(/check its spelling/);
  });

  it("refuses unknown channels and says which exist", () => {
    expect(errorOf(`{ openclaw: { transport: "dry-run" },\n contacts: {\n x: { channel: "sms", target: "+27821234567" } } }`)).toMatch(/:3: unknown channel "sms".*Use one of: whatsapp, telegram/);
  });

  it("refuses invalid, ambiguous or region-less phone targets without echoing them", () => {
    for (const target of ["0821234567", "+1 555 000 1111", "27821234567", "Family"]) {
      const message = errorOf(`{ openclaw: { transport: "dry-run" }, contacts: { x: { channel: "whatsapp", target: "${target}" } } }`);
      expect(message).toMatch(/not a valid whatsapp target/);
      expect(message).not.toContain(target);
    }
  });

  it("refuses aliases outside the pattern", () => {
    for (const alias of ["Alice", "-ops", "a".repeat(33), "ali ce", "__proto__"]) {
      expect(errorOf(`{ openclaw: { transport: "dry-run" }, contacts: { ${JSON.stringify(alias)}: { channel: "telegram", target: "123" } } }`)).toMatch(/not a valid alias/);
    }
  });

  it("reports JSON5 syntax errors with their line", () => {
    expect(errorOf(`{\n contacts: {\n alice: { channel: "whatsapp" target: "+27821234567" } } }`)).toMatch(/config\.json5:3: not valid JSON5/);
  });

  it("needs an absolute openclaw.bin for the cli transport", () => {
    expect(errorOf(`{ openclaw: { transport: "cli" } }`)).toMatch(/needs openclaw.bin/);
    expect(errorOf(`{ openclaw: { transport: "cli", bin: "openclaw" } }`)).toMatch(/must be an absolute path/);
    const config = parseConfig(`{ openclaw: { transport: "cli", bin: ["/opt/node24/bin/node", "/opt/openclaw/openclaw.mjs"], timeoutMs: 5000 } }`, "/c");
    expect(config.openclaw).toMatchObject({ transport: "cli", bin: ["/opt/node24/bin/node", "/opt/openclaw/openclaw.mjs"], timeoutMs: 5000 });
    expect(parseConfig(`{}`, "/c").openclaw.transport).toBe("gateway");
    expect(errorOf(`{ openclaw: { gateway: { url: "http://x" } } }`)).toMatch(/ws:\/\/ or wss:\/\//);
  });

  it("resolves the audit file relative to the config and expands ~", () => {
    expect(parseConfig(`{ openclaw: { transport: "dry-run" }, audit: { file: "logs/a.jsonl" } }`, "/cfg/config.json5").audit.file).toBe("/cfg/logs/a.jsonl");
    expect(parseConfig(`{ openclaw: { transport: "dry-run" }, audit: { file: "~/a.jsonl" } }`, "/cfg/c", { HOME: "/home/u" }).audit.file).toBe("/home/u/a.jsonl");
    expect(parseConfig(`{ openclaw: { transport: "dry-run" } }`, "/cfg/c", { HOME: "/home/u" }).audit.file).toBe("/home/u/.local/state/openclaw-guard/audit.jsonl");
  });
});

describe("policy settings", () => {
  it("applies the documented defaults", () => {
    const config = parseConfig(BOOK, "/c");
    expect(config.contacts.get("alice")!.policy).toEqual({
      content: { secrets: "block", phoneNumbers: "confirm", deny: [], maxLength: 4000 },
      duplicateWindowSeconds: 600,
      perContact: { count: 10, windowSeconds: 3600 },
      confirm: "never",
    });
    expect(config.globalRateLimit).toEqual({ count: 30, windowSeconds: 3600 });
  });

  it("lets a contact override policy.*, while deny patterns add up", () => {
    const config = parseConfig(
      `{
  openclaw: { transport: "dry-run" },
  policy: { content: { secrets: "confirm", deny: ["falcon"], maxLength: 100 }, duplicateWindowSeconds: 60, rateLimit: { perContact: { count: 3, windowSeconds: 60 }, global: { count: 5, windowSeconds: 120 } }, confirm: "first" },
  contacts: {
    bob: { channel: "signal", target: "+4915112345678", confirm: "always", content: { phoneNumbers: "block", deny: ["osprey"] }, rateLimit: { perContact: { count: 1, windowSeconds: 10 } } },
    carol: { channel: "signal", target: "+4915112345679" },
  },
}`,
      "/c",
    );
    const bob = config.contacts.get("bob")!.policy;
    expect(bob).toMatchObject({ content: { secrets: "confirm", phoneNumbers: "block", maxLength: 100 }, duplicateWindowSeconds: 60, perContact: { count: 1, windowSeconds: 10 }, confirm: "always" });
    expect(bob.content.deny.map((d) => [d.name, d.pattern.source])).toEqual([
      ["policy.content.deny[0]", "falcon"],
      ["contacts.bob.content.deny[0]", "osprey"],
    ]);
    expect(config.contacts.get("carol")!.policy).toMatchObject({ confirm: "first", perContact: { count: 3, windowSeconds: 60 } });
    expect(config.globalRateLimit).toEqual({ count: 5, windowSeconds: 120 });
  });

  it("refuses a guard allowlist entry the shim could not embed safely", () => {
    expect(errorOf(`{ openclaw: { transport: "dry-run" },\n guard: { allowOpenclawCommands: ["status", "channels $(id)"] } }`)).toMatch(/:2: invalid guard.allowOpenclawCommands entry "channels \$\(id\)"/);
    expect(parseConfig(`{ openclaw: { transport: "dry-run" }, guard: { allowOpenclawCommands: ["status", "doctor !--fix"] } }`, "/c").guard.allowOpenclawCommands).toEqual(["status", "doctor !--fix"]);
  });

  it("refuses bad policy values with their line", () => {
    expect(errorOf(`{ openclaw: { transport: "dry-run" },\n policy: { confirm: "sometimes" } }`)).toMatch(/:2: policy.confirm/);
    expect(errorOf(`{ openclaw: { transport: "dry-run" },\n policy: { content: { secrets: "warn" } } }`)).toMatch(/:2: policy.content.secrets/);
    const invalid = errorOf(`{ openclaw: { transport: "dry-run" }, policy: { content: { deny: ["ok", "(osprey"] } }, contacts: { a: { channel: "telegram", target: "123" } } }`);
    expect(invalid).toMatch(/the deny pattern policy.content.deny\[1\] is not a valid regular expression \(Unterminated group\)/);
    expect(invalid, "the pattern is a code name: never echoed").not.toContain("osprey");
  });
});

describe("loadConfig file checks", () => {
  it("refuses a config file other users can write, with the chmod fix", () => {
    const dir = privateDir();
    const path = writeConfig(dir, BOOK);
    chmodSync(path, 0o666);
    expect(() => loadConfig(path)).toThrow(/writable by other users \(mode 666\).*chmod go-w/);
    chmodSync(path, 0o644);
    expect(loadConfig(path).contacts.size).toBe(2);
  });

  it("accepts group-write only when the group is the owner's private group (umask 002)", () => {
    const dir = privateDir();
    const path = writeConfig(dir, BOOK);
    chmodSync(path, 0o664);
    chmodSync(dir, 0o775);
    const { uid, gid } = statSync(path);
    const accounts = (members: string) => (file: string) =>
      file === "/etc/passwd" ? `me:x:${uid}:${gid}::/home/me:/bin/sh\n` : `me:x:${gid}:${members}\n`;
    expect(loadConfig(path, {}, accounts("")).contacts.size).toBe(2);
    const error = (() => {
      try {
        loadConfig(path, {}, accounts("me,mallory"));
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error).toMatch(/config file is writable by other users \(its group is not the owner's private group\) \(mode 664\)/);
    // One command fixes both the file and its directory.
    expect(error).toContain(`Fix: chmod go-w ${JSON.stringify(path)} ${JSON.stringify(dir)}`);
  });

  it("refuses a config whose directory other users can write", () => {
    const dir = join(privateDir(), "world-writable");
    mkdirSync(dir);
    const path = writeConfig(dir, BOOK);
    chmodSync(dir, 0o777);
    expect(() => loadConfig(path)).toThrow(/config directory is writable by other users/);
  });

  it("says how to create a missing config", () => {
    expect(() => loadConfig(join(privateDir(), "nope.json5"))).toThrow(/ENOENT.*examples\/config\.json5/);
  });
});

describe("resolveConfigPath", () => {
  it("prefers --config, then OPENCLAW_GUARD_CONFIG, then XDG_CONFIG_HOME, then ~/.config", () => {
    expect(resolveConfigPath({ flag: "/a.json5", env: { OPENCLAW_GUARD_CONFIG: "/b.json5" } })).toBe("/a.json5");
    expect(resolveConfigPath({ env: { OPENCLAW_GUARD_CONFIG: "/b.json5", XDG_CONFIG_HOME: "/x" } })).toBe("/b.json5");
    expect(resolveConfigPath({ env: { XDG_CONFIG_HOME: "/x", HOME: "/h" } })).toBe("/x/openclaw-guard/config.json5");
    expect(resolveConfigPath({ env: { HOME: "/h" } })).toBe("/h/.config/openclaw-guard/config.json5");
  });
});

describe("a bad deny pattern", () => {
  it("is reported once, at the line of the pattern itself", () => {
    const text = "{\n  openclaw: { transport: \"dry-run\" },\n  policy: {\n    content: {\n      deny: [\n        \"ok\",\n        \"bad(\",\n      ],\n    },\n  },\n  contacts: {\n    alice: { channel: \"whatsapp\", target: \"+27821234567\" },\n    bob: { channel: \"whatsapp\", target: \"+27821234568\", content: { deny: [\"fine\",\n      \"[z-a]\"] } },\n  },\n}\n";
    let message = "";
    try {
      parseConfig(text, "/c.json5");
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split("\n").filter((l) => l.includes("deny pattern"));
    expect(lines).toEqual([
      expect.stringMatching(/^\/c\.json5:7: the deny pattern policy\.content\.deny\[1\] is not a valid regular expression/),
      expect.stringMatching(/^\/c\.json5:14: the deny pattern contacts\.bob\.content\.deny\[1\] is not a valid regular expression/),
    ]);
  });
});
