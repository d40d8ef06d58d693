// JSON5.parse keeps the last of two equal keys without a word; a silently shadowed contact is
// exactly the mistake an address book must not make. This scan runs only on text JSON5 already
// accepted, so it tracks just strings, comments, nesting and "key:" pairs to report key lines.

export type KeyLocation = { path: string[]; line: number };
/** `elements`: where each string in an array starts (path ends with its index), for errors about one entry. */
export type KeyScan = { keys: KeyLocation[]; duplicates: KeyLocation[]; elements: KeyLocation[] };

type Frame = { kind: "object" | "array"; path: string[]; seen: Set<string>; index: number; pendingKey?: string };

export function scanJson5Keys(text: string): KeyScan {
  const keys: KeyLocation[] = [];
  const duplicates: KeyLocation[] = [];
  const elements: KeyLocation[] = [];
  const stack: Frame[] = [];
  let line = 1;
  let i = 0;
  let lastToken: { value: string; line: number } | undefined;

  const top = () => stack[stack.length - 1];
  const childPath = (): string[] => {
    const frame = top();
    if (!frame) return [];
    return frame.kind === "object" ? [...frame.path, frame.pendingKey ?? ""] : [...frame.path, String(frame.index)];
  };

  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\n") {
      line++;
      i++;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (ch === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      line += countNewlines(text, i, stop);
      i = stop;
    } else if (ch === '"' || ch === "'") {
      const start = i;
      const startLine = line;
      const { value, end } = decodeWhile(text, i + 1, (c) => c !== ch);
      i = end + 1;
      line += countNewlines(text, start, i);
      lastToken = { value, line: startLine };
      const frame = top();
      if (frame?.kind === "array") elements.push({ path: [...frame.path, String(frame.index)], line: startLine });
    } else if (ch === "{" || ch === "[") {
      stack.push({ kind: ch === "{" ? "object" : "array", path: childPath(), seen: new Set(), index: 0 });
      lastToken = undefined;
      i++;
    } else if (ch === "}" || ch === "]") {
      stack.pop();
      lastToken = undefined;
      i++;
    } else if (ch === ":") {
      const frame = top();
      if (frame?.kind === "object" && lastToken) {
        const location = { path: [...frame.path, lastToken.value], line: lastToken.line };
        (frame.seen.has(lastToken.value) ? duplicates : keys).push(location);
        frame.seen.add(lastToken.value);
        frame.pendingKey = lastToken.value;
      }
      lastToken = undefined;
      i++;
    } else if (ch === ",") {
      const frame = top();
      if (frame?.kind === "array") frame.index++;
      lastToken = undefined;
      i++;
    } else if (/[A-Za-z0-9_$+\-.\\]/.test(ch)) {
      // Identifier keys may spell letters as \uXXXX too (JSON5), so decode them the same way.
      const { value, end } = decodeWhile(text, i, (c) => /[A-Za-z0-9_$+\-.\\]/.test(c));
      i = end;
      lastToken = { value, line };
    } else {
      i++;
    }
  }
  return { keys, duplicates, elements };
}

/** Reads from `from` while `keep` holds, decoding backslash escapes; `end` is the first index not read. */
function decodeWhile(text: string, from: number, keep: (ch: string) => boolean): { value: string; end: number } {
  let value = "";
  let i = from;
  while (i < text.length && keep(text[i]!)) {
    if (text[i] === "\\") {
      const [decoded, length] = unescape(text, i);
      value += decoded;
      i += length;
    } else {
      value += text[i];
      i++;
    }
  }
  return { value, end: i };
}

const SIMPLE_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "0": "\0" };

/** The character a backslash escape at `at` stands for, and how many source characters it took. */
function unescape(text: string, at: number): [string, number] {
  const kind = text[at + 1] ?? "";
  const hex = kind === "u" ? text.slice(at + 2, at + 6) : kind === "x" ? text.slice(at + 2, at + 4) : "";
  if (hex && /^[0-9a-fA-F]+$/.test(hex) && hex.length === (kind === "u" ? 4 : 2)) return [String.fromCharCode(parseInt(hex, 16)), 2 + hex.length];
  if (kind === "\n") return ["", 2]; // line continuation
  return [SIMPLE_ESCAPES[kind] ?? kind, 2];
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (text[k] === "\n") n++;
  return n;
}

/** The line of the deepest known key on `path` (falls back to its nearest ancestor). */
export function lineOf(scan: KeyScan, path: readonly (string | number)[]): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const wanted = path.slice(0, depth).map(String);
    const same = (k: KeyLocation) => k.path.length === wanted.length && k.path.every((p, j) => p === wanted[j]);
    const hit = scan.keys.find(same) ?? scan.elements.find(same);
    if (hit) return hit.line;
  }
  return undefined;
}
