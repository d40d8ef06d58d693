// Finds OpenClaw CLI invocations written inside other text: an argument a program may run
// (`ssh -o ProxyCommand='openclaw message send ...'`), an environment value, a here-document,
// a file written earlier, a string literal in code (`system("openclaw message send")`,
// `['openclaw','message','send']`). Each one is judged by its argv with the shim's policy,
// so `subprocess.run(['openclaw','--version'])` is an allowed call, not a mention.
import { posix as path } from "node:path";
import { cliNameOf, isOpenclawEntryScript, packageBinName } from "./command-specs.js";
import { decideOpenclawArgv, isKnownSubcommand, subcommandCandidates, type AllowList } from "./openclaw-policy.js";

export interface Invocation {
  /** Offsets of the invocation (name and the arguments read) in the scanned text. */
  readonly start: number;
  readonly end: number;
  /** What the policy refuses, e.g. "openclaw message send"; undefined for an allowed call or a mere mention. */
  readonly refused?: string;
  /** A call with arguments the policy allows (`openclaw --version`): not a mention. */
  readonly allowed: boolean;
}

const CLI_NAME = /openclaw|clawdbot|moltbot/g;
/** Characters that end a word in the text around an invocation (shell, code, config syntax). */
const TOKEN_BOUNDARY = /[\s"'`;|&(){}<>=!,[\]]/;
/** Where the arguments of an embedded invocation end: a quote, a shell operator, a line end. */
const ARGS_END = /["'`;|&)}<>\n#]|\\n|\\"/;
/** How far after the name arguments are read: a call is one line, and long text must stay linear. */
const MAX_ARGS_TEXT = 4096;
const MAX_CALLS = 256;
/** A list literal after the name: `['openclaw', 'message', 'send']`. */
const LIST_ITEM = /\s*,\s*\[?\s*(["'])((?:(?!\1)[^\\\n]|\\.)*)\1/y;

/** `"open" "claw"`, `'open'+'claw'`, `"open"."claw"`: adjacent string literals joined, as the program would. */
function joinAdjacentLiterals(text: string): string {
  return text.replace(/(["'])\s*(?:\.{1,2}|\+)?\s*\1(?=\w)/g, "");
}

/** Every OpenClaw invocation written in `text`, each judged by the allowlist. */
export function scanInvocations(raw: string, allowList: AllowList): Invocation[] {
  const text = joinAdjacentLiterals(raw);
  const found: Invocation[] = [];
  let lastEnd = 0;
  for (const match of text.matchAll(CLI_NAME)) {
    if (found.length >= MAX_CALLS) {
      // Fail closed rather than slow: nobody hands a program hundreds of OpenClaw calls in earnest.
      found.push({ start: match.index, end: text.length, refused: "openclaw (too many calls in one text to check)", allowed: false });
      break;
    }
    let start = match.index;
    while (start > 0 && !TOKEN_BOUNDARY.test(text[start - 1] ?? "")) start--;
    let end = match.index + match[0].length;
    while (end < text.length && !TOKEN_BOUNDARY.test(text[end] ?? "")) end++;
    if (start < lastEnd) continue;
    const token = text.slice(start, end);
    const cli = cliNameOf(path.basename(packageBinName(token))) ?? (isOpenclawEntryScript(token) ? "openclaw" : undefined);
    if (cli === undefined) continue;
    const list = /^(["'])\s*,/.test(text.slice(end, end + 16));
    const args: string[] = [];
    let argsEnd = end;
    if (list) {
      LIST_ITEM.lastIndex = end + 1;
      for (let item = LIST_ITEM.exec(text); item !== null; item = LIST_ITEM.exec(text)) {
        args.push(item[2] ?? "");
        argsEnd = LIST_ITEM.lastIndex;
      }
    } else {
      const rest = text.slice(end, end + MAX_ARGS_TEXT);
      const stop = ARGS_END.exec(rest);
      const words = rest.slice(0, stop ? stop.index : rest.length);
      args.push(...words.split(/\s+/).filter((word) => word !== ""));
      argsEnd = end + words.length;
    }
    lastEnd = end; // a later name inside these arguments is judged as its own call too
    const refused = refusedCall(cli, args, allowList);
    found.push({ start, end: argsEnd, refused, allowed: refused === undefined && args.length > 0 && decideOpenclawArgv(args, allowList).allowed });
  }
  return found;
}

/**
 * A call in text is a send when the policy refuses it and it names a real subcommand: bare
 * `openclaw` in prose ("install openclaw first") or "openclaw and more" runs nothing that sends.
 */
function refusedCall(cli: string, args: readonly string[], allowList: AllowList): string | undefined {
  const decision = decideOpenclawArgv(args, allowList);
  if (decision.allowed) return undefined;
  return subcommandCandidates(args).some(isKnownSubcommand) ? `${cli} ${decision.refused ?? ""}`.trim() : undefined;
}

/**
 * The text as a shell would read it if a program hands it to one: quotes and backslashes removed
 * (`op"en"claw`, `open\claw`), `$IFS` as a space (`openclaw${IFS}message${IFS}send`).
 */
function asShellWouldJoin(text: string): string {
  return text.replace(/\$\{?IFS\}?/g, " ").replace(/\\\n/g, "").replace(/["'\\]/g, "");
}

/** The first refused invocation in `text`, e.g. "openclaw message send", or undefined. */
export function embeddedSend(text: string, allowList: AllowList): string | undefined {
  const joined = asShellWouldJoin(text);
  if (!/openclaw|clawdbot|moltbot/.test(joined)) return undefined;
  const refused = (candidate: string) => scanInvocations(candidate, allowList).find((invocation) => invocation.refused !== undefined)?.refused;
  return refused(text) ?? (joined !== text ? refused(joined) : undefined);
}

/** `text` with every allowed invocation blanked out, so what remains can be judged for mentions. */
export function withoutAllowedCalls(text: string, allowList: AllowList): string {
  const joined = joinAdjacentLiterals(text);
  let result = joined;
  for (const invocation of scanInvocations(text, allowList).reverse()) {
    if (invocation.allowed) result = result.slice(0, invocation.start) + result.slice(invocation.end);
  }
  return result;
}
