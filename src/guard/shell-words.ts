// Static evaluation of shell words: quote removal, $'...' decoding, known variables,
// simple command substitutions and brace expansion. Whatever cannot be known
// statically becomes the UNKNOWN character, so callers can still see the static parts
// (`$HOME/bin/openclaw` ends in "/bin/openclaw").
import type { Node } from "./shell-parser.js";

export const UNKNOWN = "\u0000";

export interface ShellWord {
  /** The word after expansion; UNKNOWN marks parts only known at run time. */
  readonly text: string;
  /** Unquoted glob characters: the shell may replace the word with file names. */
  readonly glob: boolean;
  /** For `<(cmd)`: what the file it names holds, when the command's output is known. */
  readonly content?: string;
}

export interface WordContext {
  /** The parsed text; node offsets index into it. */
  readonly source: string;
  /** Value of a variable assigned once, statically, in the analysed text. */
  lookupVariable(name: string): string | undefined;
  /** A variable the shell inherits when the command does not assign it ($HOME: the user's home). */
  inheritedVariable?(name: string): string | undefined;
  /** Output of a `$(...)` whose result can be computed statically (echo, printf, base64 -d). */
  commandOutput(substitution: Node): string | undefined;
}

const MAX_BRACE_WORDS = 64;

export const isStatic = (text: string): boolean => !text.includes(UNKNOWN);

/** Bash quote removal outside quotes: a backslash keeps the next character, backslash-newline vanishes. */
export function unescapeUnquoted(text: string): string {
  return text.replace(/\\(\n|[\s\S])/g, (_, c: string) => (c === "\n" ? "" : c));
}

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === "\n" ? "" : c));
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
  "\\": "\\", "'": "'", '"': '"', "?": "?",
};

/** Decode the body of a `$'...'` string. */
export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c[\s\S]|[\s\S])/g,
    (whole, escape: string) => {
      const kind = escape[0] ?? "";
      if (kind === "x" || kind === "u" || kind === "U") {
        const code = Number.parseInt(escape.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      if (/[0-7]/.test(kind)) return String.fromCharCode(Number.parseInt(escape, 8) & 0xff);
      if (kind === "c" && escape.length === 2) return String.fromCharCode(escape.charCodeAt(1) & 0x1f);
      return SIMPLE_ESCAPES[kind] ?? whole;
    },
  );
}

/** Replace the named children of `node` by their values and treat the text between them with `literal`. */
function evaluateParts(node: Node, context: WordContext, literal: (text: string) => string, from: number, to: number): string {
  let result = "";
  let position = from;
  for (const child of node.namedChildren) {
    if (child === null || child.startIndex < from || child.endIndex > to) continue;
    result += literal(context.source.slice(position, child.startIndex));
    result += evaluateNode(child, context);
    position = child.endIndex;
  }
  return result + literal(context.source.slice(position, to));
}

/** The value of one word-like node, UNKNOWN where it depends on run time. */
export function evaluateNode(node: Node, context: WordContext): string {
  switch (node.type) {
    case "word":
    case "command_name":
    case "concatenation":
      return evaluateParts(node, context, unescapeUnquoted, node.startIndex, node.endIndex);
    case "number":
    case "variable_name":
      return node.text;
    case "string_content":
      return unescapeDoubleQuoted(node.text);
    case "raw_string":
      return node.text.slice(1, -1);
    case "ansi_c_string":
      return decodeAnsiC(node.text.slice(2, -1));
    case "string":
      return evaluateParts(node, context, unescapeDoubleQuoted, node.startIndex + 1, node.endIndex - 1);
    case "translated_string":
      return node.namedChildren.map((child) => (child ? evaluateNode(child, context) : "")).join("");
    case "simple_expansion":
      return context.lookupVariable(node.text.slice(1)) ?? context.inheritedVariable?.(node.text.slice(1)) ?? UNKNOWN;
    case "expansion": {
      // Only the plain ${NAME} form; operators (${X,,}, ${X:-y}, ${#X}, ${a[@]}) stay unknown.
      const plain = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(node.text);
      return (plain?.[1] !== undefined ? (context.lookupVariable(plain[1]) ?? context.inheritedVariable?.(plain[1])) : undefined) ?? UNKNOWN;
    }
    case "command_substitution":
      return context.commandOutput(node) ?? UNKNOWN;
    case "arithmetic_expansion":
      return arithmetic(node.text.slice(3, -2)) ?? UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** `$((18000+789))`, `$((0x4965))`: integer arithmetic on literals (+ - * / % and parentheses), else undefined. */
export function arithmetic(expression: string): string | undefined {
  const tokens = expression.match(/0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*|[-+*/%()]|\S/g) ?? [];
  let at = 0;
  const number = (token: string): bigint => (/^0[xX]/.test(token) ? BigInt(token) : /^0[0-7]+$/.test(token) ? BigInt(`0o${token.slice(1)}`) : BigInt(token));
  const primary = (): bigint | undefined => {
    const token = tokens[at++];
    if (token === "(") {
      const value = sum();
      return tokens[at++] === ")" ? value : undefined;
    }
    if (token === "-" || token === "+") {
      const value = primary();
      return value === undefined ? undefined : token === "-" ? -value : value;
    }
    return token !== undefined && /^[0-9]/.test(token) ? number(token) : undefined;
  };
  const product = (): bigint | undefined => {
    let value = primary();
    while (value !== undefined && /^[*/%]$/.test(tokens[at] ?? "")) {
      const operator = tokens[at++];
      const right = primary();
      if (right === undefined || (operator !== "*" && right === 0n)) return undefined;
      value = operator === "*" ? value * right : operator === "/" ? value / right : value % right;
    }
    return value;
  };
  const sum = (): bigint | undefined => {
    let value = product();
    while (value !== undefined && /^[-+]$/.test(tokens[at] ?? "")) {
      const operator = tokens[at++];
      const right = product();
      if (right === undefined) return undefined;
      value = operator === "+" ? value + right : value - right;
    }
    return value;
  };
  try {
    const value = sum();
    return value !== undefined && at === tokens.length ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

function hasUnquotedGlob(node: Node): boolean {
  if (node.type === "word") return /(^|[^\\])(\\\\)*[*?[]/.test(node.text);
  if (node.type === "concatenation") return node.namedChildren.some((child) => child !== null && hasUnquotedGlob(child));
  return false;
}

/** Bash brace expansion of an unquoted word: `{a,b}c` -> ["ac", "bc"], `{1..3}` -> ["1","2","3"]. */
export function braceExpand(text: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "{") {
      if (depth++ === 0) {
        open = i;
        commas.length = 0;
      }
    } else if (c === "," && depth === 1) commas.push(i);
    else if (c === "}" && depth > 0 && --depth === 0) {
      const prefix = text.slice(0, open);
      const suffix = text.slice(i + 1);
      const inner = text.slice(open + 1, i);
      let alternatives: string[] | undefined;
      if (commas.length > 0) {
        const cuts = [open, ...commas, i];
        alternatives = cuts.slice(1).map((cut, k) => text.slice((cuts[k] ?? 0) + 1, cut));
      } else {
        alternatives = expandSequence(inner);
      }
      if (alternatives === undefined) continue;
      const words: string[] = [];
      for (const alternative of alternatives) {
        for (const expanded of braceExpand(prefix + alternative + suffix)) {
          if (words.length >= MAX_BRACE_WORDS) return words;
          words.push(expanded);
        }
      }
      return words;
    }
  }
  return [text];
}

function expandSequence(inner: string): string[] | undefined {
  const numeric = /^(-?\d+)\.\.(-?\d+)$/.exec(inner);
  if (numeric) {
    const from = Number(numeric[1]);
    const to = Number(numeric[2]);
    const step = from <= to ? 1 : -1;
    const values: string[] = [];
    for (let n = from; values.length < MAX_BRACE_WORDS; n += step) {
      values.push(String(n));
      if (n === to) break;
    }
    return values;
  }
  const letters = /^([A-Za-z])\.\.([A-Za-z])$/.exec(inner);
  if (letters?.[1] !== undefined && letters[2] !== undefined) {
    const from = letters[1].charCodeAt(0);
    const to = letters[2].charCodeAt(0);
    const step = from <= to ? 1 : -1;
    const values: string[] = [];
    for (let n = from; ; n += step) {
      values.push(String.fromCharCode(n));
      if (n === to) break;
    }
    return values;
  }
  return undefined;
}

const BRACE_CANDIDATE = /[{][^}]*(,|\.\.)/;

/** Unquoted expansions whose value bash splits into fields on $IFS. */
const SPLIT_TYPES = new Set(["simple_expansion", "expansion", "command_substitution"]);

function splitFields(value: string, ifs: string): string[] {
  if (ifs === "") return [value];
  if (!isStatic(ifs)) return splitFields(value, " \t\n");
  const separators = new RegExp(`[${ifs.replace(/[\\\]^-]/g, "\\$&")}]+`);
  return value.split(separators).filter((field) => field !== "");
}

/** One argument node as the words bash would produce from it. */
export function evaluateWord(node: Node, context: WordContext): ShellWord[] {
  if (SPLIT_TYPES.has(node.type)) {
    const ifs = context.lookupVariable("IFS") ?? " \t\n";
    return splitFields(evaluateNode(node, context), ifs).map((text) => ({ text, glob: false }));
  }
  const glob = hasUnquotedGlob(node);
  const braceable =
    (node.type === "concatenation" && node.namedChildren.every((child) => child?.type === "word" || child?.type === "number")) ||
    node.type === "brace_expression" ||
    node.type === "word";
  if (braceable && BRACE_CANDIDATE.test(node.text)) {
    return braceExpand(node.text).map((text) => ({ text: unescapeUnquoted(text), glob }));
  }
  return [{ text: evaluateNode(node, context), glob }];
}

/** A glob pattern as an anchored regular expression (`?`, `*`, `[...]`). */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "\\") source += escapeRegExp(pattern[++i] ?? "");
    else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) source += "\\[";
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
