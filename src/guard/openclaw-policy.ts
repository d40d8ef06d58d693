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
  "gateway status",
  "sessions list",
  "config get",
  "models list",
  "skills list",
  "plugins list",
  "doctor !--fix !--repair !--force !--yes !--non-interactive !--generate-gateway-token !--allow-exec !--state-sqlite !--session-sqlite !--github-issue",
];

/** The CLI's top-level commands (openclaw 2026.9.6 docs/cli); text naming one of them may be a call. */
const KNOWN_SUBCOMMANDS = new Set(
  ("acp agent agents approvals attach audit backup browser channels clawbot claws completion config configure connect cron " +
    "daemon dashboard devices directory dns docs doctor file-transfer fleet gateway health help hooks infer logs mcp memory " +
    "message migrate models node nodes onboard pairing path plugins policy promos proxy qr reset resume sandbox secrets " +
    "security send sessions setup skills status system tasks transcripts triage tui uninstall update voicecall webhooks wiki " +
    "workboard worker").split(" "),
);

export function isKnownSubcommand(word: string): boolean {
  return KNOWN_SUBCOMMANDS.has(word);
}

/**
 * Environment variables that load code into the real binary (node is a script interpreter,
 * the dynamic loader preloads libraries): set with an allowed subcommand they run anything.
 * The hook refuses them next to an OpenClaw call; the shim clears them before exec.
 */
export const PRELOAD_VARIABLES: readonly string[] = [
  "NODE_OPTIONS", "NODE_PATH", "NODE_REPL_EXTERNAL_MODULE", "LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH",
  "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "DYLD_FRAMEWORK_PATH", "BASH_ENV", "ENV",
];

/**
 * `config get` keys that may hold a secret (any of these words, case-insensitive, or a `key`/`env`
 * path segment) or a whole section holding one (no dot): OpenClaw redacts, but that is its promise, not ours.
 * The shim embeds the same lists.
 */
export const SECRET_KEY_WORDS: readonly string[] = ["token", "secret", "password", "passwd", "credential", "auth", "cookie", "apikey", "api_key", "private"];
export const SECRET_KEY_SEGMENTS: readonly string[] = ["key", "env"];
const SECRET_KEY = new RegExp(`${SECRET_KEY_WORDS.join("|")}|${SECRET_KEY_SEGMENTS.map((segment) => `(^|\\.)${segment}(\\.|$)`).join("|")}`, "i");

/** Why `config get` with these arguments may print a secret, or undefined. */
function secretRead(rest: readonly string[]): string | undefined {
  const keys = rest.slice(2).filter((arg) => !arg.startsWith("-"));
  if (keys.length === 0) return "config get without a key";
  const risky = keys.find((key) => SECRET_KEY.test(key) || !key.includes("."));
  return risky === undefined ? undefined : `config get ${risky}`;
}

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

/** The CLI's root-option scan: where the subcommand starts, the info flags seen, or the unknown option that stopped it. */
function scanRootOptions(args: readonly string[]): { index: number; infoFlags: Set<string>; unknownOption?: string } {
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
    if (arg.startsWith("-")) return { index: i, infoFlags, unknownOption: arg };
    break;
  }
  return { index: i, infoFlags };
}

/**
 * The words that may be the subcommand: the one after the root options, or, after an unknown
 * root option (which may take a value), every later word.
 */
export function subcommandCandidates(args: readonly string[]): readonly string[] {
  const scan = scanRootOptions(args);
  if (scan.unknownOption !== undefined) return args.slice(scan.index + 1);
  const subcommand = args[scan.index];
  return subcommand === undefined ? [] : [subcommand];
}

/**
 * Decide on the arguments after the CLI name, scanning them the way the CLI does:
 * root options first (with their values), then the first positional is the subcommand.
 * Unknown root options are refused: one that takes a value would shift the subcommand.
 */
export function decideOpenclawArgv(args: readonly string[], allowList: AllowList): OpenclawDecision {
  const { index, infoFlags, unknownOption } = scanRootOptions(args);
  if (unknownOption !== undefined) return { allowed: false, refused: `an unknown root option ${unknownOption}` };
  const rest = args.slice(index);
  if (rest.length === 0) {
    const allowed = allowList.some((entry) => entry.infoFlag !== undefined && infoFlags.has(entry.infoFlag));
    return allowed ? { allowed } : { allowed, refused: infoFlags.size > 0 ? [...infoFlags].join(" ") : "without a subcommand" };
  }
  if (rest[0] === "config" && rest[1] === "get") {
    const secret = secretRead(rest);
    if (secret !== undefined) return { allowed: false, refused: secret };
  }
  // `openclaw message send --help`: subcommand words then one final --help print the help, and run nothing.
  if (rest.length > 1 && /^(--help|-h)$/.test(rest.at(-1) ?? "") && !rest.slice(0, -1).some((word) => word.startsWith("-"))) return { allowed: true };
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
