// A small, careful editor for one TOML table (Codex's ~/.codex/config.toml). No TOML library is
// installed and we only ever touch our own `[mcp_servers.openclaw-guard]` table, so a line scanner
// is enough: it tracks strings, multi-line strings and multi-line arrays/inline tables well enough
// to find table headers, refuses anything it does not understand (naming the line), and leaves
// every other byte of the file as it was.
import { InitError } from "./init-plan.js";

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const KEY_PART = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const DOTTED_KEY = String.raw`${KEY_PART}(?:\s*\.\s*${KEY_PART})*`;
const HEADER = new RegExp(String.raw`^\s*(\[\[?)\s*(${DOTTED_KEY})\s*(\]\]?)\s*(?:#.*)?$`);
const KEY_VALUE = new RegExp(String.raw`^\s*(${DOTTED_KEY})\s*=(.*)$`);

interface Header {
  readonly line: number;
  readonly keys: string[];
  readonly arrayTable: boolean;
}

interface Pair {
  readonly line: number;
  readonly keys: string[];
}

export interface TomlScan {
  readonly headers: Header[];
  readonly pairs: Pair[];
}

/** TOML basic string (JSON string escapes are all valid TOML escapes). */
export function tomlString(value: string): string {
  return JSON.stringify(value);
}

export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}

export function splitKeys(dotted: string): string[] {
  const parts = dotted.match(new RegExp(KEY_PART, "g")) ?? [];
  return parts.map((part) => (part.startsWith('"') ? (JSON.parse(part) as string) : part.startsWith("'") ? part.slice(1, -1) : part));
}

/** Table headers and keys of a TOML text, with their line indexes. Throws InitError (file:line) on what it cannot follow. */
export function scanToml(file: string, text: string): TomlScan {
  const lines = text.split("\n");
  const headers: Header[] = [];
  const pairs: Pair[] = [];
  let multi: { delimiter: string; line: number } | undefined;
  let depth = 0;
  let depthStart = 0;
  const fail = (line: number, why: string): never => {
    throw new InitError(`${file}:${line + 1}: ${why}; refusing to rewrite it. Fix it, then re-run; the file was not changed.`);
  };

  /** Scan value text for strings and brackets; updates `multi` and `depth`. */
  const scanValue = (s: string, line: number) => {
    let i = 0;
    while (i < s.length) {
      if (multi) {
        const end = s.indexOf(multi.delimiter, i);
        if (end < 0) return;
        i = end + 3;
        while (s[i] === multi.delimiter[0]) i++; // up to two quotes may end the string
        multi = undefined;
        continue;
      }
      const c = s[i];
      if (c === "#") return;
      if (s.startsWith('"""', i) || s.startsWith("'''", i)) {
        multi = { delimiter: s.slice(i, i + 3), line };
        i += 3;
        continue;
      }
      if (c === '"') {
        let j = i + 1;
        while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
        if (j >= s.length) fail(line, "unterminated string");
        i = j + 1;
        continue;
      }
      if (c === "'") {
        const j = s.indexOf("'", i + 1);
        if (j < 0) fail(line, "unterminated string");
        i = j + 1;
        continue;
      }
      if (c === "[" || c === "{") {
        if (depth === 0) depthStart = line;
        depth++;
      } else if (c === "]" || c === "}") {
        depth--;
        if (depth < 0) fail(line, `unbalanced "${c}"`);
      }
      i++;
    }
  };

  for (const [index, raw] of lines.entries()) {
    if (multi || depth > 0) {
      scanValue(raw, index);
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const header = HEADER.exec(raw);
    if (header) {
      if (header[1]!.length !== header[3]!.length) fail(index, "mismatched table brackets");
      headers.push({ line: index, keys: splitKeys(header[2]!), arrayTable: header[1] === "[[" });
      continue;
    }
    const pair = KEY_VALUE.exec(raw);
    if (!pair) fail(index, "not a TOML key = value line or table header");
    if (pair![2]!.trim() === "" || pair![2]!.trim().startsWith("#")) fail(index, "a key without a value");
    pairs.push({ line: index, keys: splitKeys(pair![1]!) });
    scanValue(pair![2]!, index);
  }
  if (multi) fail(multi.line, "unterminated multi-line string");
  if (depth > 0) fail(depthStart, "unterminated array or inline table");
  return { headers, pairs };
}

/**
 * Insert or replace the table `keys` (e.g. ["mcp_servers", "openclaw-guard"]) with `body` lines.
 * Sub-tables such as `[mcp_servers.openclaw-guard.env]` are kept. Refuses when the same table is
 * also defined some other way (dotted keys, an inline table, an array of tables) or twice.
 */
export function upsertTomlTable(file: string, text: string | undefined, keys: readonly string[], body: readonly string[]): { after: string; mark: "+" | "~" | "=" } {
  const source = text ?? "";
  const { headers, pairs } = scanToml(file, source);
  const lines = source.split("\n");
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);
  checkOtherDefinitions(file, headers, pairs, keys);
  const ours = headers.filter((h) => same(h.keys, keys));
  if (ours.some((h) => h.arrayTable)) throw new InitError(`${file}:${ours[0]!.line + 1}: [[${keys.join(".")}]] is an array of tables; refusing to rewrite it. Fix it, then re-run.`);
  if (ours.length > 1) throw new InitError(`${file}:${ours[1]!.line + 1}: [${keys.join(".")}] is defined twice (invalid TOML); refusing to rewrite it. Fix it, then re-run.`);
  const block = [`[${keys.map(tomlKey).join(".")}]`, ...body];

  const header = ours[0];
  if (header === undefined) {
    const prefix = source === "" ? "" : source.endsWith("\n") ? (source.endsWith("\n\n") ? source : `${source}\n`) : `${source}\n\n`;
    return { after: `${prefix}${block.join("\n")}\n`, mark: "+" };
  }
  const next = headers.find((h) => h.line > header.line)?.line ?? lines.length;
  let end = next; // exclusive; give trailing blank lines and comments to whatever follows
  while (end - 1 > header.line && /^\s*(#.*)?\r?$/.test(lines[end - 1] ?? "")) end--;
  const current = lines.slice(header.line, end);
  if (current.map((l) => l.replace(/\r$/, "")).join("\n") === block.join("\n")) return { after: source, mark: "=" };
  const after = [...lines.slice(0, header.line), ...block, ...lines.slice(end)].join("\n");
  return { after, mark: "~" };
}

/** Our table also set through `[mcp_servers]` + `openclaw-guard = {...}` or dotted keys: refuse, we would define it twice. */
function checkOtherDefinitions(file: string, headers: readonly Header[], pairs: readonly Pair[], keys: readonly string[]): void {
  const startsWith = (full: readonly string[]) => full.length >= keys.length && keys.every((k, i) => k === full[i]);
  for (const pair of pairs) {
    const table = [...headers].reverse().find((h) => h.line < pair.line)?.keys ?? [];
    if (startsWith(table)) continue; // a key inside our own table (or one of its sub-tables)
    if (startsWith([...table, ...pair.keys])) {
      throw new InitError(`${file}:${pair.line + 1}: ${keys.join(".")} is already set here (dotted key or inline table); refusing to define it twice. Remove it, then re-run.`);
    }
  }
}
