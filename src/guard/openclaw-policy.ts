// The one OpenClaw subcommand policy. The analyser (hook, check-command) calls
// decideOpenclawArgv(); the PATH shim's sh text is generated from the same
// constants and parsed allowlist (see shim.ts), so both entry points agree.

/** Names under which the OpenClaw CLI is installed (older releases used the last two). */
export const CLI_NAMES: readonly string[] = ["openclaw", "clawdbot", "moltbot"];

/** Root options that take a value, as separate word or as `--opt=value`. */
export const ROOT_VALUE_OPTIONS: readonly string[] = ["--profile", "--log-level", "--container"];
/** Root flags that change nothing about which subcommand runs. */
export const ROOT_PLAIN_FLAGS: readonly string[] = ["--dev", "--no-color"];
/** Root flags that only print something; each maps to its canonical spelling. */
export const INFO_FLAGS: Readonly<Record<string, string>> = {
  "--version": "--version",
  "-V": "--version",
  "--help": "--help",
  "-h": "--help",
};

/**
 * Read-only commands. Words are matched exactly against the arguments after the
 * root options; a `!--flag` token forbids that flag (also `--flag=...`) anywhere after them.
 */
export const DEFAULT_ALLOWED_OPENCLAW_COMMANDS: readonly string[] = [
  "--version",
  "--help",
  "help",
  "status",
  "health",
  "logs",
  "channels list",
  "channels status",
  "sessions list",
  "config get",
  "models list",
  "skills list",
  "plugins list",
  "doctor !--fix !--repair",
];

/** What the model should do instead; every deny reason ends with it. */
export const SEND_MESSAGE_ADVICE =
  "Use the `send_message` tool (mcp__openclaw-guard__send_message) with a contact alias; `list_contacts` shows them.";

export interface AllowEntry {
  /** Subcommand words, e.g. ["channels", "list"]; empty for an info flag entry. */
  readonly words: readonly string[];
  /** Canonical info flag (`--version`/`--help`) when the entry is one. */
  readonly infoFlag?: string;
  /** Flags that turn this entry off when present after the words. */
  readonly forbiddenFlags: readonly string[];
}

export type AllowList = readonly AllowEntry[];

const WORD = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const FORBIDDEN_FLAG = /^!(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)$/;

/** Parse entries like "channels list" or "doctor !--fix". Throws on anything else (the shim embeds them in sh). */
export function parseAllowList(entries: readonly string[]): AllowList {
  return entries.map((entry) => {
    const tokens = entry.trim().split(/\s+/).filter((t) => t !== "");
    const first = tokens[0];
    if (first !== undefined && tokens.length === 1 && INFO_FLAGS[first] !== undefined) {
      return { words: [], infoFlag: INFO_FLAGS[first], forbiddenFlags: [] };
    }
    const words: string[] = [];
    const forbiddenFlags: string[] = [];
    for (const token of tokens) {
      const forbidden = FORBIDDEN_FLAG.exec(token);
      if (forbidden?.[1] !== undefined) forbiddenFlags.push(forbidden[1]);
      else if (WORD.test(token) && forbiddenFlags.length === 0) words.push(token);
      else throw new Error(`invalid guard.allowOpenclawCommands entry ${JSON.stringify(entry)}`);
    }
    if (words.length === 0) throw new Error(`invalid guard.allowOpenclawCommands entry ${JSON.stringify(entry)}`);
    return { words, forbiddenFlags };
  });
}

export const DEFAULT_ALLOW_LIST: AllowList = parseAllowList(DEFAULT_ALLOWED_OPENCLAW_COMMANDS);

export interface OpenclawDecision {
  readonly allowed: boolean;
  /** Human description of what was refused, e.g. "message send" or "an unknown root option --x". */
  readonly refused?: string;
}

function hasFlag(args: readonly string[], flag: string): boolean {
  return args.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
}

/**
 * Decide on the arguments after the CLI name, scanning them the way the CLI does:
 * root options first (with their values), then the first positional is the subcommand.
 * Unknown root options are refused: one that takes a value would shift the subcommand.
 */
export function decideOpenclawArgv(args: readonly string[], allowList: AllowList): OpenclawDecision {
  const infoFlags = new Set<string>();
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--" || ROOT_PLAIN_FLAGS.includes(arg)) continue;
    if (ROOT_VALUE_OPTIONS.includes(arg)) {
      i++;
      continue;
    }
    if (ROOT_VALUE_OPTIONS.some((option) => arg.startsWith(`${option}=`))) continue;
    const info = INFO_FLAGS[arg];
    if (info !== undefined) {
      infoFlags.add(info);
      continue;
    }
    if (arg.startsWith("-")) return { allowed: false, refused: `an unknown root option ${arg}` };
    break;
  }
  const rest = args.slice(i);
  if (rest.length === 0) {
    const allowed = allowList.some((entry) => entry.infoFlag !== undefined && infoFlags.has(entry.infoFlag));
    return allowed ? { allowed } : { allowed, refused: infoFlags.size > 0 ? [...infoFlags].join(" ") : "without a subcommand" };
  }
  const allowed = allowList.some(
    (entry) =>
      entry.words.length > 0 &&
      entry.words.every((word, k) => rest[k] === word) &&
      !entry.forbiddenFlags.some((flag) => hasFlag(rest.slice(entry.words.length), flag)),
  );
  return allowed ? { allowed } : { allowed, refused: rest.slice(0, 2).join(" ") };
}

/** The message shown to the model (hook, in its client's spelling of the tool) or user (check-command, shim) for a deny. */
export function formatDenial(reasons: readonly string[], advice: string = SEND_MESSAGE_ADVICE): string {
  return `${reasons.join(" ")} ${advice}`;
}
