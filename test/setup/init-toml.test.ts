// The line-based TOML table editor behind `init codex`: finds only real table headers, replaces
// only our table, keeps every other byte, and refuses what it cannot follow.
import { describe, expect, it } from "vitest";
import { scanToml, upsertTomlTable } from "../../src/setup/init-toml.js";

const KEYS = ["mcp_servers", "openclaw-guard"];
const BODY = ['command = "/n"', 'args = ["/c", "serve"]'];
const OURS = '[mcp_servers.openclaw-guard]\ncommand = "/n"\nargs = ["/c", "serve"]\n';
const up = (text: string | undefined) => upsertTomlTable("/h/config.toml", text, KEYS, BODY);

describe("upsertTomlTable", () => {
  it("creates the table in a new file and appends it to an existing one", () => {
    expect(up(undefined)).toEqual({ after: OURS, mark: "+" });
    expect(up('model = "o4"')).toEqual({ after: `model = "o4"\n\n${OURS}`, mark: "+" });
    expect(up('model = "o4"\n')).toEqual({ after: `model = "o4"\n\n${OURS}`, mark: "+" });
  });

  it("replaces our table in place, keeping comments, sub-tables and the tables around it", () => {
    const text = `a = 1\n[mcp_servers."openclaw-guard"]\ncommand = "/old"\nargs = [\n  "/old/cli.js",\n]\n\n# about the next table\n[mcp_servers.openclaw-guard.env]\nX = "1"\n[other]\nb = 2\n`;
    const { after, mark } = up(text);
    expect(mark).toBe("~");
    expect(after).toBe(`a = 1\n${OURS}\n# about the next table\n[mcp_servers.openclaw-guard.env]\nX = "1"\n[other]\nb = 2\n`);
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
  ])("refuses %j", (text, message) => {
    expect(() => up(text)).toThrow(message);
  });

  it("allows our own sub-table keys and other servers' dotted keys", () => {
    const text = '[mcp_servers]\nother.command = "/o"\n[mcp_servers.openclaw-guard.env]\nX = "1"\n';
    expect(up(text).mark).toBe("+");
  });
});
