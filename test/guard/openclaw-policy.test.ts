import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ALLOW_LIST,
  DEFAULT_ALLOWED_OPENCLAW_COMMANDS,
  decideOpenclawArgv,
  formatDenial,
  parseAllowList,
  SEND_MESSAGE_ADVICE,
} from "../../src/guard/openclaw-policy.js";

const decide = (argv: string) => decideOpenclawArgv(argv === "" ? [] : argv.split(" "), DEFAULT_ALLOW_LIST);

describe("decideOpenclawArgv with the default allowlist", () => {
  it.each([
    "--version",
    "-V",
    "--help",
    "help",
    "help message",
    "status",
    "status --json",
    "health",
    "logs --follow",
    "channels list",
    "channels status --probe",
    "sessions list",
    "config get gateway.port",
    "models list",
    "skills list",
    "plugins list",
    "doctor",
    "--profile work health",
    "--profile=work --log-level debug --no-color --dev status",
    "-- status",
    "--container c1 status",
    // Issue 21: subcommand words and one final --help print the help and run nothing.
    "message --help",
    "message send --help",
    "gateway call -h",
  ])("allows the read-only form `openclaw %s`", (argv) => {
    expect(decide(argv)).toEqual({ allowed: true });
  });

  it.each([
    ["message send -t x -m hi", "message send"],
    ["--profile message message send", "message send"],
    ["--profile=x --dev message send", "message send"],
    ["-- message send", "message send"],
    ["gateway call send", "gateway call"],
    ["agent --deliver", "agent --deliver"],
    ["cron add --announce", "cron add"],
    ["mcp serve", "mcp serve"],
    ["config set gateway.auth.mode none", "config set"],
    ["channels add", "channels add"],
    ["doctor --fix", "doctor --fix"],
    ["doctor --fix=all", "doctor --fix=all"],
    ["MESSAGE send", "MESSAGE send"],
    ["tui", "tui"],
    // --help after another option may be that option's value; help before more words is not the last word.
    ["message send -m --help", "message send"],
    ["message send --help -t x", "message send"],
    ["message --help send", "message --help"],
    ["message --help send --help", "message --help"],
    ["", "without a subcommand"],
    ["--dev", "without a subcommand"],
    ["--profile", "without a subcommand"],
    ["--json status", "an unknown root option --json"],
    ["-x message", "an unknown root option -x"],
  ])("refuses `openclaw %s` and names %j", (argv, refused) => {
    expect(decide(argv)).toEqual({ allowed: false, refused });
  });

  it("treats an info flag before a subcommand as no permission for that subcommand", () => {
    expect(decide("--version message send").allowed).toBe(false);
  });
});

describe("parseAllowList", () => {
  it("parses words, forbidden flags and info flags", () => {
    expect(parseAllowList(["channels list", "doctor !--fix", "-V"])).toEqual([
      { words: ["channels", "list"], forbiddenFlags: [] },
      { words: ["doctor"], forbiddenFlags: ["--fix"] },
      { words: [], infoFlag: "--version", forbiddenFlags: [] },
    ]);
  });

  it.each([["message send; rm -rf /"], ["status'"], ["!--fix"], ["doctor !--fix extra"], [""], ["$(x)"], ["--json"]])(
    "rejects %j (the shim embeds entries in sh)",
    (entry) => {
      expect(() => parseAllowList([entry])).toThrow(/invalid guard.allowOpenclawCommands entry/);
    },
  );

  it("lets a configured list loosen or tighten the policy", () => {
    const custom = parseAllowList(["status", "message read"]);
    expect(decideOpenclawArgv(["message", "read"], custom).allowed).toBe(true);
    expect(decideOpenclawArgv(["health"], custom).allowed).toBe(false);
    expect(decideOpenclawArgv(["--version"], custom).allowed).toBe(false);
  });
});

describe("formatDenial", () => {
  it("ends every denial with what to do instead", () => {
    expect(formatDenial(["Raw `openclaw message send` is disabled here."])).toBe(
      `Raw \`openclaw message send\` is disabled here. ${SEND_MESSAGE_ADVICE}`,
    );
    expect(SEND_MESSAGE_ADVICE).toMatch(/send_message.*mcp__openclaw-guard__send_message.*alias.*list_contacts/);
  });
});

describe("docs/config.md's default allowlist", () => {
  it("is exactly DEFAULT_ALLOWED_OPENCLAW_COMMANDS, in order", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "docs", "config.md"), "utf8");
    const listed = DEFAULT_ALLOWED_OPENCLAW_COMMANDS.map((entry) => {
      const [words, ...forbidden] = entry.split(" !");
      return forbidden.length === 0 ? `\`${entry}\`` : `\`${words}\` (without ${forbidden.map((f) => `\`${f}\``).join(" or ")})`;
    });
    expect(readme).toContain(`replaces the default list, which is exactly: ${listed.join(", ")}.`);
  });
});
