// A small, careful editor for one TOML table (Codex's ~/.codex/config.toml). No TOML library is
// installed and we only ever set our own keys in our own `[mcp_servers.openclaw-guard]` table, so
// a line scanner is enough: it tracks strings, multi-line strings and multi-line arrays/inline
// tables well enough to find table headers and keys, refuses anything it does not understand
// (naming the line), and leaves every other byte of the file as it was (LF or CRLF).
import { changeSummary, detectEol, InitError, type FilePlan } from "./init-plan.js";

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
  /** The last line of the value (multi-line strings, arrays and inline tables span several). */
  end: number;
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
  const lines = text.split("\n").map((line) => line.replace(/\r$/, "")); // CRLF files too
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
      if (!multi && depth === 0) pairs.at(-1)!.end = index;
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
    pairs.push({ line: index, end: index, keys: splitKeys(pair![1]!) });
    scanValue(pair![2]!, index);
  }
  if (multi) fail(multi.line, "unterminated multi-line string");
  if (depth > 0) fail(depthStart, "unterminated array or inline table");
  return { headers, pairs };
}

export interface TomlUpsert {
  readonly after: string;
  /** The table was added. */
  readonly added: boolean;
  /** Our keys that were added or changed in an existing table. */
  readonly changed: string[];
  /** Other keys of an existing table, kept as they were. */
  readonly kept: string[];
}

/**
 * Insert the table `keys` (e.g. ["mcp_servers", "openclaw-guard"]) with `values` (key -> TOML
 * value text), or set just those keys in the existing table: its other keys, comments and
 * sub-tables such as `[mcp_servers.openclaw-guard.env]` are kept. New lines use the file's line
 * ending. Refuses when the table is also defined some other way (dotted keys, an inline table, an
 * array of tables, a parent set as a value) or twice.
 */
export function upsertTomlTable(file: string, text: string | undefined, keys: readonly string[], values: Readonly<Record<string, string>>, remove: readonly string[] = []): TomlUpsert {
  const source = text ?? "";
  const eol = detectEol(source);
  const { headers, pairs } = scanToml(file, source);
  const fail = (line: number, why: string, fix = "Fix it"): never => {
    throw new InitError(`${file}:${line + 1}: ${why}; refusing to rewrite it. ${fix}, then re-run; the file was not changed.`);
  };
  checkOtherDefinitions(headers, pairs, keys, fail);
  const name = keys.join(".");
  const ours = headers.filter((h) => sameKeys(h.keys, keys));
  if (ours.some((h) => h.arrayTable)) fail(ours[0]!.line, `[[${name}]] is an array of tables`);
  if (ours.length > 1) fail(ours[1]!.line, `[${name}] is defined twice (invalid TOML)`);
  const entry = (key: string) => `${tomlKey(key)} = ${values[key]}`;

  const header = ours[0];
  if (header === undefined) {
    const block = [`[${keys.map(tomlKey).join(".")}]`, ...Object.keys(values).map(entry)].join(eol) + eol;
    const prefix = source === "" || source.endsWith(eol + eol) ? source : source.endsWith(eol) ? source + eol : source + eol + eol;
    return { after: prefix + block, added: true, changed: [], kept: [] };
  }
  // Edit whole lines; a final line without a line ending gets one while we work, and loses it again.
  const unterminated = !source.endsWith("\n");
  const lines = (unterminated ? source + eol : source).split("\n");
  const cr = eol === "\r\n" ? "\r" : "";
  const next = headers.find((h) => h.line > header.line)?.line ?? lines.length;
  const body = pairs.filter((p) => p.line > header.line && p.line < next);
  const changed: string[] = [];
  const missing: string[] = [];
  const replacements: { start: number; end: number; text?: string }[] = [];
  for (const key of Object.keys(values)) {
    const found = body.filter((p) => sameKeys(p.keys, [key]));
    if (found.length > 1) fail(found[1]!.line, `${key} is set twice in [${name}] (invalid TOML)`);
    const pair = found[0];
    if (pair && lines.slice(pair.line, pair.end + 1).map((l) => l.replace(/\r$/, "")).join("\n").trim() === entry(key)) continue;
    changed.push(key);
    if (pair) replacements.push({ start: pair.line, end: pair.end + 1, text: entry(key) + cr });
    else missing.push(entry(key) + cr);
  }
  for (const key of remove) {
    // The other kind of server's keys (switching between stdio and --remote).
    for (const pair of body.filter((p) => sameKeys(p.keys, [key]))) {
      changed.push(`-${key}`);
      replacements.push({ start: pair.line, end: pair.end + 1 });
    }
  }
  // Missing keys go after the table's last key; then replace from the bottom up so line numbers hold.
  lines.splice(Math.max(header.line, ...body.map((p) => p.end)) + 1, 0, ...missing);
  for (const r of replacements.sort((a, b) => b.start - a.start)) lines.splice(r.start, r.end - r.start, ...(r.text === undefined ? [] : [r.text]));
  const after = changed.length === 0 ? source : unterminated ? lines.join("\n").slice(0, -eol.length) : lines.join("\n");
  const kept = [...new Set(body.map((p) => p.keys[0]!).filter((k) => !Object.hasOwn(values, k) && !remove.includes(k)))];
  return { after, added: false, changed, kept };
}

/**
 * The text without the table `keys` and its sub-tables (`[mcp_servers.openclaw-guard.env]`), and
 * without the blank line that set it apart; every other byte stays. `text` went through
 * upsertTomlTable, so the table is defined once, by a header.
 */
export function removeTomlTable(file: string, text: string, keys: readonly string[]): string {
  const { headers, pairs } = scanToml(file, text);
  const start = headers.find((h) => sameKeys(h.keys, keys))?.line;
  if (start === undefined) return text;
  const lines = text.split("\n");
  const count = text.endsWith("\n") ? lines.length - 1 : lines.length; // the last "" is no line
  const next = headers.find((h) => h.line > start && !isPrefix(keys, h.keys))?.line ?? count;
  const blank = (i: number) => lines[i]!.replace(/\r$/, "").trim() === "";
  // Up to our last header or key, then the blank lines after it; a comment before the next table is not ours.
  const ours = [...headers.map((h) => h.line), ...pairs.map((p) => p.end)].filter((line) => line >= start && line < next);
  let end = Math.max(...ours) + 1;
  while (end < next && blank(end)) end++;
  // At the end of the file the blank line before our table was init's separator: it goes too.
  const from = end >= count && start > 0 && blank(start - 1) ? start - 1 : start;
  return [...lines.slice(0, from), ...lines.slice(end)].join("\n");
}

/** A FilePlan for our table in a TOML file (Codex's config.toml), with its removal. */
export function planTomlTable(file: string, before: string | undefined, keys: readonly string[], values: Readonly<Record<string, string>>, label: string, remove: readonly string[] = []): FilePlan {
  const table = upsertTomlTable(file, before, keys, values, remove);
  const kept = removeTomlTable(file, table.after, keys);
  return {
    path: file,
    before,
    after: table.after,
    summary: [table.added ? `+ ${label}` : changeSummary(label, table.changed, table.kept)],
    newFileMode: 0o600,
    removal: before === undefined || kept === before ? { after: before ?? "", deleteFile: false, summary: [] } : { after: kept, deleteFile: kept.trim() === "", summary: [`- [${keys.map(tomlKey).join(".")}]`] },
  };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function isPrefix(short: readonly string[], long: readonly string[]): boolean {
  return short.length <= long.length && short.every((k, i) => k === long[i]);
}

/**
 * TOML defines a table only once. Refuse when ours, or a table above it, is already defined by a
 * key: `openclaw-guard = {...}` under `[mcp_servers]`, `mcp_servers.openclaw-guard.command = ...`,
 * `mcp_servers = { ... }`, `mcp_servers = 1`; or when a parent is an array of tables.
 */
function checkOtherDefinitions(headers: readonly Header[], pairs: readonly Pair[], keys: readonly string[], fail: (line: number, why: string, fix: string) => never): void {
  const name = keys.join(".");
  for (const header of headers) {
    if (header.arrayTable && header.keys.length < keys.length && isPrefix(header.keys, keys)) {
      fail(header.line, `[[${header.keys.join(".")}]] is an array of tables, so [${name}] would belong to its last entry`, `Write it as [${header.keys.join(".")}.<name>] tables`);
    }
  }
  for (const pair of pairs) {
    const table = [...headers].reverse().find((h) => h.line < pair.line)?.keys ?? [];
    if (isPrefix(keys, table)) continue; // a key inside our own table (or one of its sub-tables)
    const full = [...table, ...pair.keys];
    if (isPrefix(keys, full)) {
      fail(pair.line, `${name} is already set here (dotted key or inline table), and a [${name}] table would define it twice`, `Remove it (or write it as a [${name}] table)`);
    }
    if (isPrefix(full, keys)) {
      const parent = full.join(".");
      fail(pair.line, `${parent} is set here as a value (inline table or plain key), so a [${name}] table cannot be added to it (TOML defines a table once)`, `Write its entries as [${parent}.<name>] tables instead`);
    }
  }
}

/**
 * Set a key of the root table (before the first table header), as `key = value # marker`: an existing
 * root `key` is replaced, a new one goes after the file's leading comments. `removeRootKey` takes out
 * only a line carrying `marker`, so a value the user set themselves stays.
 */
export function upsertRootKey(file: string, text: string | undefined, key: string, value: string, marker: string): { after: string; mark: "+" | "~" | "=" } {
  const source = text ?? "";
  const eol = detectEol(source);
  const { headers, pairs } = scanToml(file, source);
  const firstHeader = headers[0]?.line ?? Number.POSITIVE_INFINITY;
  const line = `${tomlKey(key)} = ${value} # ${marker}`;
  const lines = source.split("\n");
  const cr = eol === "\r\n" ? "\r" : "";
  const found = pairs.filter((p) => p.line < firstHeader && sameKeys(p.keys, [key]));
  if (found.length > 1) throw new InitError(`${file}:${found[1]!.line + 1}: ${key} is set twice (invalid TOML); refusing to rewrite it. Fix it, then re-run; the file was not changed.`);
  const pair = found[0];
  if (pair) {
    if (pair.line === pair.end && lines[pair.line]!.replace(/\r$/, "") === line) return { after: source, mark: "=" };
    lines.splice(pair.line, pair.end - pair.line + 1, line + cr);
    return { after: lines.join("\n"), mark: "~" };
  }
  if (source === "") return { after: line + eol, mark: "+" };
  // After the leading comment block (and the blank line closing it), before anything else.
  let at = 0;
  while (at < lines.length && at < firstHeader && /^\s*#/.test(lines[at]!)) at++;
  const blank = at > 0 && at < lines.length && lines[at]!.replace(/\r$/, "").trim() === "";
  lines.splice(blank ? at + 1 : at, 0, line + cr); // one line, so that removing it gives the text back byte for byte
  return { after: lines.join("\n"), mark: "+" };
}

export function removeRootKey(text: string, key: string, marker: string): string {
  const lines = text.split("\n");
  const ours = new RegExp(String.raw`^\s*${key}\s*=.*#\s*${marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\s*\r?$`);
  return lines.filter((l) => !ours.test(l)).join("\n");
}
