// The line-based TOML table editor behind `init codex`: finds only real table headers, replaces
// only our table, keeps every other byte, and refuses what it cannot follow.
import { describe, expect, it } from "vitest";
import { removeTomlTable, scanToml, upsertTomlTable } from "../../src/setup/init-toml.js";

const KEYS = ["mcp_servers", "openclaw-guard"];
const VALUES = { command: '"/n"', args: '["/c", "serve"]' };
const OURS = '[mcp_servers.openclaw-guard]\ncommand = "/n"\nargs = ["/c", "serve"]\n';
/** The result with a `+` (added), `~` (changed) or `=` (unchanged) mark. */
const up = (text: string | undefined) => {
  const { after, added, changed } = upsertTomlTable("/h/config.toml", text, KEYS, VALUES);
  return { after, mark: added ? "+" : changed.length > 0 ? "~" : "=" };
};

describe("upsertTomlTable", () => {
  it("creates the table in a new file and appends it to an existing one", () => {
    expect(up(undefined)).toEqual({ after: OURS, mark: "+" });
    expect(up('model = "o4"')).toEqual({ after: `model = "o4"\n\n${OURS}`, mark: "+" });
    expect(up('model = "o4"\n')).toEqual({ after: `model = "o4"\n\n${OURS}`, mark: "+" });
  });

  it("replaces our keys in place, keeping the header as written, comments, sub-tables and the tables around it", () => {
    const text = `a = 1\n[mcp_servers."openclaw-guard"]\ncommand = "/old"\nargs = [\n  "/old/cli.js",\n]\n\n# about the next table\n[mcp_servers.openclaw-guard.env]\nX = "1"\n[other]\nb = 2\n`;
    const { after, mark } = up(text);
    expect(mark).toBe("~");
    expect(after).toBe(`a = 1\n[mcp_servers."openclaw-guard"]\ncommand = "/n"\nargs = ["/c", "serve"]\n\n# about the next table\n[mcp_servers.openclaw-guard.env]\nX = "1"\n[other]\nb = 2\n`);
    expect(up(after)).toEqual({ after, mark: "=" });
  });

  it("is not fooled by header-like text inside strings and multi-line arrays", () => {
    const text = `x = """\n[mcp_servers.openclaw-guard]\n"""\ny = [\n  "[mcp_servers.openclaw-guard]",\n  [1, 2],\n]\nz = '[mcp_servers.openclaw-guard]' # [x]\n`;
    expect(scanToml("f", text).headers).toEqual([]);
    expect(up(text)).toEqual({ after: `${text}\n${OURS}`, mark: "+" });
  });

  it.each([
    ['a = "unterminated\n', /:1: unterminated string/],
    ['a = """\nnever closed\n', /:1: unterminated multi-line string/],
    ["a = [\n 1,\n", /:1: unterminated array or inline table/],
    ["just some words\n", /:1: not a TOML key = value line or table header/],
    ["[table\n", /:1: not a TOML key = value line/],
    ["a =\n", /:1: a key without a value/],
    ["a = 1]\n", /:1: unbalanced "\]"/],
    [`${OURS}${OURS}`, /:4: \[mcp_servers\.openclaw-guard\] is defined twice/],
    ['[mcp_servers]\nopenclaw-guard = { command = "/x" }\n', /:2: mcp_servers\.openclaw-guard is already set here/],
    ['mcp_servers.openclaw-guard.command = "/x"\n', /:1: mcp_servers\.openclaw-guard is already set here/],
    ["[[mcp_servers.openclaw-guard]]\n", /:1: \[\[mcp_servers\.openclaw-guard\]\] is an array of tables/],
    // a parent set as a value: appending [mcp_servers.openclaw-guard] would define a table twice
    ['model = "o4"\nmcp_servers = { other = { command = "/o" } }\n', /:2: mcp_servers is set here as a value .*Write its entries as \[mcp_servers\.<name>\] tables instead, then re-run/],
    ["mcp_servers = {}\n", /:1: mcp_servers is set here as a value/],
    ['mcp_servers = { openclaw-guard = { command = "/x" } }\n', /:1: mcp_servers is set here as a value/],
    ["mcp_servers = {\n}\n[other]\n", /:1: mcp_servers is set here as a value/],
    ["mcp_servers = 1\n", /:1: mcp_servers is set here as a value/],
    ["[[mcp_servers]]\nx = 1\n", /:1: \[\[mcp_servers\]\] is an array of tables, so \[mcp_servers\.openclaw-guard\] would belong to its last entry/],
    ['[mcp_servers.openclaw-guard]\ncommand = "/a"\ncommand = "/b"\n', /:3: command is set twice/],
  ])("refuses %j", (text, message) => {
    expect(() => up(text)).toThrow(message);
    expect(() => up(text)).toThrow(/the file was not changed/);
  });

  it("changes only our keys in an existing table: the user's env, timeouts and comments stay, in order", () => {
    const text = '[mcp_servers.openclaw-guard]\ncommand = "/old"\nstartup_timeout_sec = 20\nenv = { OPENCLAW_GATEWAY_TOKEN = "t" } # mine\nargs = [\n  "/old",\n]\n\n[other]\n';
    const result = upsertTomlTable("/h/config.toml", text, KEYS, VALUES);
    expect(result).toEqual({
      after: '[mcp_servers.openclaw-guard]\ncommand = "/n"\nstartup_timeout_sec = 20\nenv = { OPENCLAW_GATEWAY_TOKEN = "t" } # mine\nargs = ["/c", "serve"]\n\n[other]\n',
      added: false,
      changed: ["command", "args"],
      kept: ["startup_timeout_sec", "env"],
    });
    expect(up(result.after)).toEqual({ after: result.after, mark: "=" });
  });

  it("adds a missing key after the table's last key", () => {
    expect(up('[mcp_servers.openclaw-guard]\ncommand = "/n"\nx = 1\n\n# next\n[other]\n').after).toBe('[mcp_servers.openclaw-guard]\ncommand = "/n"\nx = 1\nargs = ["/c", "serve"]\n\n# next\n[other]\n');
    expect(up('[mcp_servers.openclaw-guard]\ncommand = "/old"').after).toBe(OURS.trimEnd()); // no final newline: still none
  });

  it("reads a CRLF file and writes new lines with CRLF", () => {
    const crlf = (s: string) => s.replaceAll("\n", "\r\n");
    expect(up(crlf('model = "o4"\n'))).toEqual({ after: crlf(`model = "o4"\n\n${OURS}`), mark: "+" });
    const text = crlf('model = "o4"\n[mcp_servers.openclaw-guard]\ncommand = "/old"\nx = [\n  1,\n]\n# c\n');
    const { after, mark } = up(text);
    expect(mark).toBe("~");
    expect(after).toBe(crlf('model = "o4"\n[mcp_servers.openclaw-guard]\ncommand = "/n"\nx = [\n  1,\n]\nargs = ["/c", "serve"]\n# c\n'));
    expect(up(after)).toEqual({ after, mark: "=" });
  });

  it("allows our own sub-table keys and other servers' dotted keys", () => {
    const text = '[mcp_servers]\nother.command = "/o"\n[mcp_servers.openclaw-guard.env]\nX = "1"\n';
    expect(up(text).mark).toBe("+");
  });
});

describe("removeTomlTable", () => {
  const keys = ["mcp_servers", "openclaw-guard"];
  it("takes out our table with its sub-tables, in the middle of a file, keeping every other byte", () => {
    const text = 'model = "o4"\n\n[mcp_servers.openclaw-guard]\ncommand = "/n"\n\n[mcp_servers.openclaw-guard.env]\nA = "1"\n\n# mine\n[profiles.fast]\nmodel = "x"\n';
    expect(removeTomlTable("f", text, keys)).toBe('model = "o4"\n\n# mine\n[profiles.fast]\nmodel = "x"\n');
  });
  it("at the end of a file, also the blank line init put before it; CRLF kept", () => {
    expect(removeTomlTable("f", 'a = 1\r\n\r\n[mcp_servers.openclaw-guard]\r\ncommand = "/n"\r\n', keys)).toBe("a = 1\r\n");
    expect(removeTomlTable("f", '[mcp_servers.openclaw-guard]\ncommand = "/n"\n', keys)).toBe("");
  });
  it("leaves a file without our table as it is", () => {
    const text = '[mcp_servers.other]\ncommand = "/o"\n';
    expect(removeTomlTable("f", text, keys)).toBe(text);
  });
});
