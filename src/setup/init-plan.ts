// Pure building blocks for `openclaw-guard init`: what a client's files should become, computed
// from their current text. No I/O here: init-files.ts reads, backs up and writes; the client
// modules under clients/ decide what goes where.
import path from "node:path";
import JSON5 from "json5";
import { PARSER_NODE_OPTIONS } from "../guard/shell-parser.js";

export type Scope = "user" | "project";

/** Everything a client needs to know to plan its files. All paths are absolute. */
export interface InitContext {
  readonly home: string;
  /** The project directory (for --scope project). */
  readonly cwd: string;
  readonly scope: Scope;
  /** The Node binary that runs the guard (process.execPath). */
  readonly node: string;
  /** The guard's dist/cli.js. */
  readonly cli: string;
  /** The guard's config file (the address book). */
  readonly config: string;
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  /** `--remote`: the guard's HTTP endpoint and this agent's token, instead of a local stdio server. */
  readonly remote?: Remote;
  /** `init claude-code --sandbox` (and every `--remove`, which takes it out where it is): Claude Code's sandbox as a layer. */
  readonly sandbox?: boolean;
  /** How Claude Code's hook asks the guard (setup/clients/claude-hooks.ts); absent: a command per tool call. */
  readonly claudeHook?: ClaudeHookForm;
}

/** `command`: a process per tool call; `http`: POST to `serve --http`; `mcp-tool`: the stdio server's hidden tool. */
export type ClaudeHookForm = "command" | "http" | "mcp-tool";
export const CLAUDE_HOOK_FORMS: readonly ClaudeHookForm[] = ["command", "http", "mcp-tool"];

export type Remote = { readonly url: string; readonly token: string };

/** A change to one file, as init-files.ts applies it. `before` undefined: the file does not exist. */
export interface FileChange {
  readonly path: string;
  readonly before: string | undefined;
  /** The new text; with `deleteFile`, what is written instead when the path is a symlink. */
  readonly after: string;
  /** Remove the file (init --remove, when nothing but what init writes is left in it). */
  readonly deleteFile?: boolean;
  /** Mode for a new file (an existing file keeps its own). */
  readonly newFileMode: number;
}

/** What `init --remove` makes of a file: init's entries taken out of it, everything else kept. */
export interface Removal {
  readonly after: string;
  /** Nothing is left but what init writes into an empty file: the file goes. */
  readonly deleteFile: boolean;
  /** `- removed` lines. */
  readonly summary: readonly string[];
}

/** One file's planned change. `before` undefined: the file does not exist. */
export interface FilePlan extends FileChange {
  /** Diff-like lines: `+ added`, `~ changed`, `= unchanged`, `- removed`. */
  readonly summary: readonly string[];
  /**
   * How `init --remove` reverses this plan, computed from `after` (our entries as this install
   * writes them, stale copies already replaced), so removing is exact for every target.
   */
  readonly removal: Removal;
  /**
   * The items init writes that were already in the file before it ever installed there
   * (`tools.deny: plugins`), when this run can tell (the file holds nothing else of ours yet):
   * init records them so `init --remove` leaves them (see `keeping`). Undefined: cannot tell.
   */
  readonly preexisting?: readonly string[];
  /** The removal of an existing file that leaves the recorded pre-existing items in place (`removal` keeps none). */
  readonly keeping?: (keep: ReadonlySet<string>) => RemovalChange;
  /** The file is JSON5 and is changed only through its owner's own config writer (see ConfigWriter). */
  readonly writer?: ConfigWriter;
}

/**
 * A JSON5 file (comments, unquoted keys) that a JSON rewrite would strip: init changes it through
 * the program's own config writer instead (OpenClaw: `openclaw config set`), as commands.
 */
export interface ConfigWriter {
  /** What is lost when the writer rewrites the file ("comments, unquoted keys"). */
  readonly lost: string;
  /** Each command's arguments after the program, in order (init --remove's are in removalChange). */
  readonly apply: readonly (readonly string[])[];
}

/** One leaf change between two JSON values: set `path` to `value`, or (value undefined) remove it. */
export interface ValueChange {
  readonly path: readonly string[];
  readonly value?: unknown;
}

/** The smallest set of path changes that turns `before` into `after` (objects recursed, arrays and scalars set whole). */
export function valueChanges(before: JsonObject, after: JsonObject, prefix: readonly string[] = []): ValueChange[] {
  const changes: ValueChange[] = [];
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) changes.push({ path: [...prefix, key] });
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (deepEqual(old, value)) continue;
    if (isObject(old) && isObject(value)) changes.push(...valueChanges(old, value, [...prefix, key]));
    else changes.push({ path: [...prefix, key], value });
  }
  return changes;
}

/** Valid JSON5 that is not JSON: what makes it so ("comments, unquoted keys"), else undefined. */
export function json5Only(text: string | undefined): string | undefined {
  const body = text === undefined ? undefined : withoutBom(text);
  if (body === undefined || body.trim() === "") return undefined;
  try {
    JSON.parse(body);
    return undefined;
  } catch {
    try {
      const value: unknown = JSON5.parse(body);
      return isObject(value) ? json5Features(body) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** What `init --remove` does to one file: the change, its `- removed` lines, and for a JSON5 file the writer's commands. */
export interface RemovalChange extends FileChange {
  readonly summary: readonly string[];
  readonly writer?: readonly (readonly string[])[];
}

/** The change `init --remove` applies to a planned file; `keep`: the items recorded as there before init. */
export function removalChange(plan: FilePlan, keep: ReadonlySet<string> = new Set()): RemovalChange {
  // Nothing to remove from a file that does not exist: it stays absent (a second --remove changes nothing).
  if (plan.before === undefined) return { path: plan.path, before: undefined, after: "", deleteFile: true, newFileMode: plan.newFileMode, summary: [] };
  if (plan.keeping) return plan.keeping(keep);
  return { path: plan.path, before: plan.before, after: plan.removal.after, deleteFile: plan.removal.deleteFile, newFileMode: plan.newFileMode, summary: plan.removal.summary };
}

export interface ClientPlan {
  readonly files: readonly FilePlan[];
  /** Things the user should know (where the hook went and why, trust prompts). */
  readonly notes: readonly string[];
  /** What this client cannot block, said plainly. */
  readonly limits: readonly string[];
}

/** Reads a file's current text; undefined when it does not exist. */
export type ReadText = (file: string) => string | undefined;

export interface ClientSetup {
  readonly name: string;
  readonly title: string;
  plan(context: InitContext, read: ReadText): ClientPlan;
}

/** A refusal that names the file (and line): nothing is written. */
export class InitError extends Error {
  override name = "InitError";
}

export const SERVER_NAME = "openclaw-guard";

// ---------------------------------------------------------------------------------------------
// Commands written into client configs

export function serveArgs(context: InitContext): string[] {
  return [context.cli, "serve", "--config", context.config];
}

/** What a JSON client's server entry holds, the keys of the other kind to remove, and a summary label (never the token). */
export function jsonServerEntry(context: InitContext, object: string, typed: boolean): { owned: JsonObject; drop: string[]; label: string } {
  if (context.remote) {
    return {
      owned: { type: "http", url: context.remote.url, headers: { Authorization: `Bearer ${context.remote.token}` } },
      drop: ["command", "args", "env", "cwd", "httpUrl"],
      label: `${object}.${SERVER_NAME}: ${context.remote.url} (HTTP, Authorization: Bearer <agent token>)`,
    };
  }
  return {
    owned: { ...(typed ? { type: "stdio" } : {}), command: context.node, args: serveArgs(context) },
    drop: ["url", "headers", "httpUrl", ...(typed ? [] : ["type"])],
    label: `${object}.${SERVER_NAME}: ${context.node} ${serveArgs(context).join(" ")}`,
  };
}

export type HookClient = "claude-code" | "codex" | "gemini" | "cursor";

/**
 * The Claude Code style hook (also used by Codex, Gemini and VS Code: they all send tool_input.command;
 * `hook cursor` reads Cursor's own format). It runs the hook's fast entry (one bundled file, compile cache) beside dist/cli.js, with the V8
 * options the parser needs from node itself; `cli.js hook <client>` decides the same, slower.
 * `hook <client>` decides only how deny messages spell the send_message tool for that client's model.
 */
export function hookArgv(context: Pick<InitContext, "node" | "cli" | "config">, client: HookClient): string[] {
  return [context.node, ...PARSER_NODE_OPTIONS, path.join(path.dirname(context.cli), "guard", "hook-main.cjs"), "hook", client, "--config", context.config];
}

export function hookCommand(context: InitContext, client: HookClient): string {
  return shellJoin(hookArgv(context, client));
}

const SAFE_WORD = /^[A-Za-z0-9_/.,:=@%+-]+$/;

/** POSIX sh quoting: bare when safe, else single quotes. */
export function shellQuote(word: string): string {
  return word !== "" && SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}

/** `~/x` for paths under home (for display and Claude Code permission rules). */
export function tildePath(file: string, home: string): string {
  const relative = path.relative(home, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? `~/${relative}` : file;
}

// ---------------------------------------------------------------------------------------------
// JSON files

export type JsonObject = Record<string, unknown>;

export interface ParsedJson {
  readonly value: JsonObject;
  readonly format: JsonFormat;
}

/** How a JSON file is written, taken from its current text so a rewrite keeps it. */
export interface JsonFormat {
  readonly indent: string;
  readonly eol: string;
  readonly bom: string;
}

const BOM = "\uFEFF";

function withoutBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** The file's first line ending ("\n" for a file without one). */
export function detectEol(text: string): string {
  return /\r?\n/.exec(text)?.[0] ?? "\n";
}

/**
 * Parse a settings file that must stay strict JSON (we rewrite it with JSON.stringify).
 * `allowsComments`: the client itself reads JSONC; a file that has comments or trailing commas
 * is then refused with a different message, because rewriting it would drop them. So is one
 * that a rewrite would change in other ways: duplicate keys, integers beyond 2^53.
 */
export function parseJsonFile(file: string, text: string | undefined, allowsComments: boolean): ParsedJson {
  const bom = text?.startsWith(BOM) ? BOM : "";
  const body = text?.slice(bom.length);
  if (body === undefined || body.trim() === "") return { value: {}, format: { indent: "  ", eol: detectEol(body ?? ""), bom } };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (strictError) {
    let json5Error: unknown;
    try {
      JSON5.parse(body);
    } catch (error) {
      json5Error = error;
    }
    if (json5Error === undefined) {
      const where = jsonErrorLocation(body, strictError);
      const found = json5Features(body);
      throw new InitError(
        allowsComments
          ? `${file}${where}: is JSON5, not JSON (${found}); refusing to rewrite it, because a JSON rewrite would lose that. Add the snippet from \`openclaw-guard init --print\` by hand.`
          : `${file}${where}: not valid JSON (${found}: JSON5 is not allowed in this file). Fix it, then re-run.`,
      );
    }
    const { lineNumber, columnNumber } = json5Error as { lineNumber?: number; columnNumber?: number };
    const where = lineNumber !== undefined ? `:${lineNumber}:${columnNumber ?? 1}` : jsonErrorLocation(body, strictError);
    throw new InitError(`${file}${where}: not valid JSON (${(strictError as Error).message}). Fix it, then re-run; the file was not changed.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InitError(`${file}:1:1: expected a JSON object at the top level. Fix it, then re-run; the file was not changed.`);
  }
  checkLossless(file, body);
  return { value: value as JsonObject, format: { indent: detectIndent(body), eol: detectEol(body), bom } };
}

/** What makes valid JSON5 text not JSON, named for the user: "comments, unquoted keys", ... (strings are skipped). */
export function json5Features(text: string): string {
  const found = new Set<string>();
  let prev = ""; // the last character outside strings, comments and white space
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) continue;
    const before = prev;
    prev = c;
    if (c === '"' || c === "'") {
      if (c === "'") found.add("single-quoted strings");
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
    } else if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
      prev = before;
      found.add("comments");
      const end = text[i + 1] === "/" ? text.indexOf("\n", i) : text.indexOf("*/", i + 2) + 1;
      i = end <= 0 ? text.length : end;
    } else if (c === ",") {
      const rest = text.slice(i + 1).replace(/^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/, "");
      if (rest.startsWith("}") || rest.startsWith("]")) found.add("trailing commas");
    } else if (/[A-Za-z_$]/.test(c) && (before === "{" || before === ",")) {
      const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i))![0];
      if (/^\s*:/.test(text.slice(i + word.length))) found.add("unquoted keys");
      i += word.length - 1;
    }
  }
  return found.size > 0 ? [...found].join(", ") : "other JSON5 syntax (hex numbers, Infinity, NaN, a leading + or .)";
}

/** Refuse (file:line:col) what JSON.parse + JSON.stringify would silently change: duplicate keys, unsafe integers. `text` is valid JSON. */
function checkLossless(file: string, text: string): void {
  const token = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\],]/g;
  const objects: (Set<string> | undefined)[] = []; // one entry per open object (a key set) or array (undefined)
  let expectKey = false;
  const refuse = (offset: number, why: string): never => {
    throw new InitError(`${file}${locate(text, offset)}: ${why}; refusing to rewrite it. Fix it (or add the snippet from \`openclaw-guard init --print\` by hand), then re-run; the file was not changed.`);
  };
  for (const match of text.matchAll(token)) {
    const [t] = match;
    const keys = objects.at(-1);
    if (t === "{" || t === "[") objects.push(t === "{" ? new Set() : undefined);
    else if (t === "}" || t === "]") objects.pop();
    else if (t.startsWith('"')) {
      if (expectKey && keys) {
        const key = JSON.parse(t) as string;
        if (keys.has(key)) refuse(match.index, `duplicate key ${t} (only the last one would be kept)`);
        keys.add(key);
      }
    } else if (t !== "," && (!Number.isFinite(Number(t)) || (/^-?\d+$/.test(t) && !Number.isSafeInteger(Number(t))))) {
      refuse(match.index, `the number ${t} would change when rewritten (integers are exact only up to 2^53)`);
    }
    expectKey = (t === "{" || t === ",") && objects.at(-1) !== undefined;
  }
}

function jsonErrorLocation(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : "");
  return match ? locate(text, Number(match[1])) : "";
}

/** `:line:column` of a character offset. */
function locate(text: string, offset: number): string {
  const lines = text.slice(0, offset).split("\n");
  return `:${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`;
}

function detectIndent(text: string): string {
  const match = /^([ \t]+)\S/m.exec(text);
  return match?.[1] ?? "  ";
}

export function stringifyJson(value: unknown, format: JsonFormat = { indent: "  ", eol: "\n", bom: "" }): string {
  const text = `${JSON.stringify(value, null, format.indent)}\n`; // JSON.stringify escapes newlines inside strings
  return format.bom + (format.eol === "\n" ? text : text.replaceAll("\n", format.eol));
}

/** A plan for a JSON file: mutate a copy; an unchanged value keeps the text byte for byte. */
export function planJsonFile(
  file: string,
  before: string | undefined,
  options: {
    allowsComments: boolean;
    newFileMode?: number;
    /** Takes the scalars of ours out of `value`; `before` is the file as it is now (before this run adds anything). */
    removeScalars?: (value: JsonObject, before: JsonObject) => string[];
    /** A JSON5 file is changed by these commands (the program's own writer) instead of being refused. */
    json5Writer?: (changes: readonly ValueChange[]) => (readonly string[])[];
  },
  edit: (value: JsonObject) => string[],
): FilePlan {
  const lost = options.json5Writer ? json5Only(before) : undefined;
  const parsed: ParsedJson = lost !== undefined ? { value: JSON5.parse(withoutBom(before as string)), format: { indent: "  ", eol: "\n", bom: "" } } : parseJsonFile(file, before, options.allowsComments);
  const original = structuredClone(parsed.value);
  const value = structuredClone(parsed.value);
  const summary = edit(value);
  const textOf = (result: JsonObject) => (before !== undefined && deepEqual(original, result) ? before : stringifyJson(result, parsed.format));
  // What init writes into an empty file is exactly "ours": take that out of the merged result.
  const ours: JsonObject = {};
  edit(ours);
  const residue = structuredClone(ours);
  subtractOurs(residue, ours, "");
  options.removeScalars?.(residue, ours);
  const removalKeeping = (keep: ReadonlySet<string>) => {
    const kept = structuredClone(value);
    // Scalars are never ours by key alone (a `version: 1` other hooks need): removeScalars takes the ones that are.
    const removed = [...subtractOurs(kept, ours, "", keep), ...(options.removeScalars?.(kept, original) ?? [])];
    // A file that holds nothing of ours stays as it is, even one holding only what init would add.
    const untouched = before === undefined || deepEqual(original, kept);
    const summary = untouched ? [] : removed;
    return { kept, removal: { after: textOf(kept), deleteFile: !untouched && deepEqual(kept, residue), summary } };
  };
  const { removal } = removalKeeping(new Set());
  // Before init ever wrote here, none of its own entries (our server entry, hook groups) is in the file, and
  // the string items of ours that are (a deny rule) were the user's. A file init writes only strings into cannot tell.
  const installed = subtractOurs(structuredClone(original), ours, "").map((line) => line.slice(2));
  const shared = sharedItems(original, ours, "");
  const marked = subtractOurs(structuredClone(ours), ours, "").length > sharedItems(ours, ours, "").length;
  const preexisting = marked && installed.every((item) => shared.includes(item)) ? shared : undefined;
  const writer = lost === undefined ? undefined : { lost, apply: options.json5Writer!(valueChanges(original, value)) };
  const newFileMode = options.newFileMode ?? 0o600;
  // removalChange handles a file that does not exist before it calls this.
  const keeping = (keep: ReadonlySet<string>): RemovalChange => {
    const { kept, removal } = removalKeeping(keep);
    const change = { path: file, before, after: removal.after, deleteFile: removal.deleteFile, newFileMode, summary: removal.summary };
    // The writer cannot delete a file; deleting one that holds nothing but ours loses nothing.
    return writer && !removal.deleteFile ? { ...change, writer: options.json5Writer!(valueChanges(original, kept)) } : change;
  };
  return { path: file, before, after: textOf(value), summary, newFileMode, removal, ...(preexisting ? { preexisting } : {}), keeping, ...(writer ? { writer } : {}) };
}

/** `label: item` for each string item of ours already in `target`'s arrays (a deny rule the user had). */
function sharedItems(target: JsonObject, ours: JsonObject, prefix: string): string[] {
  const found: string[] = [];
  for (const [key, mine] of Object.entries(ours)) {
    const theirs = target[key];
    const label = prefix === "" ? key : `${prefix}.${key}`;
    if (key === SERVER_NAME) continue;
    if (isObject(mine) && isObject(theirs)) found.push(...sharedItems(theirs, mine, label));
    else if (Array.isArray(mine) && Array.isArray(theirs)) found.push(...mine.filter((m): m is string => typeof m === "string" && theirs.includes(m)).map((m) => `${label}${itemLabel(m)}`));
  }
  return found;
}

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Take `ours` (what init writes into an empty file) out of `target`, in place: our server entry
 * (the key SERVER_NAME) whole, with any keys the user added to it; array items equal to ours
 * (hook groups, deny rules); containers that only held ours. Other values stay, even when ours has
 * the same key (a `version: 1` the user's other hooks need). Returns `- label` lines.
 */
function subtractOurs(target: JsonObject, ours: JsonObject, prefix: string, keep: ReadonlySet<string> = new Set()): string[] {
  const summary: string[] = [];
  for (const [key, mine] of Object.entries(ours)) {
    if (!Object.hasOwn(target, key)) continue;
    const label = prefix === "" ? key : `${prefix}.${key}`;
    const theirs = target[key];
    if (key === SERVER_NAME) {
      delete target[key];
      summary.push(`- ${label}`);
    } else if (isObject(mine) && isObject(theirs)) {
      const hadKeys = Object.keys(theirs).length > 0;
      summary.push(...subtractOurs(theirs, mine, label, keep));
      if (hadKeys && Object.keys(theirs).length === 0) delete target[key];
    } else if (Array.isArray(mine) && Array.isArray(theirs)) {
      // An item the user had before init (recorded at install) is theirs, even when init writes it too.
      const isMine = (item: unknown) => mine.some((m) => deepEqual(m, item)) && !keep.has(`${label}${itemLabel(item)}`);
      summary.push(...theirs.filter(isMine).map((item) => `- ${label}${itemLabel(item)}`));
      summary.push(...theirs.filter((item) => keep.has(`${label}${itemLabel(item)}`)).map((item) => `= ${label}${itemLabel(item)} (there before init: kept)`));
      const rest = theirs.filter((item) => !isMine(item));
      if (theirs.length > 0 && rest.length === 0) delete target[key];
      else theirs.splice(0, theirs.length, ...rest);
    }
  }
  return summary;
}

function itemLabel(item: unknown): string {
  if (typeof item === "string") return `: ${item}`;
  const matcher = isObject(item) ? item.matcher : undefined;
  return typeof matcher === "string" ? `[${matcher}]` : `[${SERVER_NAME}]`;
}

/** A file we own outright (a rules or policy file): refuse to overwrite one we did not write. */
export function planOwnedFile(file: string, before: string | undefined, text: string, marker: string, label: string): FilePlan {
  if (before !== undefined && before !== text && !before.includes(marker)) {
    throw new InitError(`${file}: exists and was not written by openclaw-guard (no "${marker}" line); refusing to overwrite it. Move it away, then re-run.`);
  }
  const mark = before === undefined ? "+" : before === text ? "=" : "~";
  const removal = { after: "", deleteFile: true, summary: before === undefined ? [] : [`- ${label} (the whole file)`] };
  return { path: file, before, after: text, summary: [`${mark} ${label}${mark === "=" ? " unchanged" : ""}`], newFileMode: 0o600, removal };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k, i) => k === kb[i] && deepEqual((a as JsonObject)[k], (b as JsonObject)[k]));
}

/** The object at `keys` under `root`, created when missing. Refuses when something else is in the way. */
export function objectAt(file: string, root: JsonObject, keys: readonly string[]): JsonObject {
  let current = root;
  for (const [i, key] of keys.entries()) {
    const next = current[key];
    if (next === undefined) {
      current[key] = {};
    } else if (typeof next !== "object" || next === null || Array.isArray(next)) {
      throw new InitError(`${file}: "${keys.slice(0, i + 1).join(".")}" is not an object; refusing to rewrite it. Fix it, then re-run.`);
    }
    current = current[key] as JsonObject;
  }
  return current;
}

/** The array at `keys` under `root`, created when missing. */
export function arrayAt(file: string, root: JsonObject, keys: readonly string[]): unknown[] {
  const parent = objectAt(file, root, keys.slice(0, -1));
  const key = keys.at(-1) as string;
  if (parent[key] === undefined) parent[key] = [];
  const value = parent[key];
  if (!Array.isArray(value)) throw new InitError(`${file}: "${keys.join(".")}" is not an array; refusing to rewrite it. Fix it, then re-run.`);
  return value;
}

/**
 * Our server entry `object[key]`: set the keys we own, add each of `defaults` that is missing,
 * and keep every other key (a user's `env`, timeouts) where it was. Reports `+`, `~` or `=`.
 */
export function mergeEntry(object: JsonObject, key: string, owned: JsonObject, defaults: JsonObject, label: string, drop: readonly string[] = []): string {
  const old = object[key];
  if (typeof old !== "object" || old === null || Array.isArray(old)) {
    object[key] = { ...owned, ...defaults };
    return old === undefined ? `+ ${label}` : `~ ${label} (replaced a value that was not an object)`;
  }
  const entry = old as JsonObject;
  const changed = Object.keys(owned).filter((k) => !deepEqual(entry[k], owned[k]));
  for (const k of drop.filter((k) => Object.hasOwn(entry, k))) {
    delete entry[k]; // the other kind of server's keys (switching between stdio and --remote)
    changed.push(`-${k}`);
  }
  Object.assign(entry, owned); // existing keys keep their position
  for (const [k, v] of Object.entries(defaults)) {
    if (entry[k] === undefined) {
      entry[k] = v;
      changed.push(k);
    }
  }
  return changeSummary(label, changed, Object.keys(entry).filter((k) => !Object.hasOwn(owned, k)));
}

/** `= label unchanged` or `~ label (changed: a, b; kept: c)`. */
export function changeSummary(label: string, changed: readonly string[], kept: readonly string[]): string {
  if (changed.length === 0) return `= ${label} unchanged`;
  return `~ ${label} (changed: ${changed.join(", ")}${kept.length > 0 ? `; kept: ${kept.join(", ")}` : ""})`;
}

/** Add each missing string to the array, keeping the others and their order. */
export function ensureStrings(array: unknown[], items: readonly string[], label: string): string[] {
  return items.map((item) => {
    if (array.includes(item)) return `= ${label}: ${item} (present)`;
    array.push(item);
    return `+ ${label}: ${item}`;
  });
}

/**
 * Replace our entries in `array` with `wanted`, in place: the first of ours keeps its position,
 * extra copies are removed, missing ones are appended. Everything else keeps its order.
 * `keyOf` names an entry in the summary (e.g. the matcher).
 */
export function replaceOurs<T>(array: unknown[], isOurs: (item: unknown) => boolean, wanted: readonly T[], label: (item: T) => string): string[] {
  const old = array.filter(isOurs);
  const summary = wanted.map((item) => {
    if (old.some((o) => deepEqual(o, item))) return `= ${label(item)} unchanged`;
    return old.length > 0 ? `~ ${label(item)} (replaced ours)` : `+ ${label(item)}`;
  });
  const removed = Math.max(0, old.length - wanted.length);
  const result: unknown[] = [];
  let placed = false;
  for (const item of array) {
    if (!isOurs(item)) result.push(item);
    else if (!placed) {
      result.push(...wanted);
      placed = true;
    }
  }
  if (!placed) result.push(...wanted);
  array.splice(0, array.length, ...result);
  if (removed > 0) summary.push(`- ${removed} stale openclaw-guard entr${removed === 1 ? "y" : "ies"} removed`);
  return summary;
}
