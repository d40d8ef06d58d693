// Shells and shell builtins that run text as commands: sh -c, eval, source, trap, at, mapfile -C.
import { SHELLS } from "../command-specs.js";
import { isStatic, type ShellWord } from "../shell-words.js";
import type { Analyser, Handler, HandlerTable, Site } from "./types.js";

/** Files that are the command's own stdin when a shell or `source` reads them. */
const STDIN_FILES = /^(-|\/dev\/stdin|\/dev\/fd\/0|\/proc\/self\/fd\/0)$/;

function shell(a: Analyser, args: readonly ShellWord[], site: Site): void {
  let commandMode = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (arg === "-") break;
    if (arg === "--") {
      // `bash -c -- STRING`: the string comes after the end of options; `sh -- FILE`: the script does.
      if (commandMode && args[i + 1] !== undefined) return commandString(a, args, i + 1, site);
      if (!commandMode && args[i + 1] !== undefined) return scriptOperand(a, args[i + 1] as ShellWord, site);
      break;
    }
    if (/^[-+]o$|^-O$|^--(rcfile|init-file)$/.test(arg)) {
      if (/rcfile|init-file/.test(arg)) a.peekScript(args[i + 1]?.text ?? "", site, "shell");
      i++;
      continue;
    }
    if (/^-[A-Za-z]+$/.test(arg)) {
      if (arg.includes("c")) commandMode = true;
      // `sh -n script`: read and check the syntax, run nothing (an interactive shell ignores -n).
      if (arg.includes("n") && !args.some((x) => /^-[A-Za-z]*i/.test(x.text) || x.text === "--login")) return;
      continue;
    }
    if (arg.startsWith("--") || arg.startsWith("+")) continue;
    if (commandMode) return commandString(a, args, i, site);
    return scriptOperand(a, args[i] as ShellWord, site);
  }
  if (!commandMode) a.analyseStdin(site, "shell");
}

/** A single-quoted shell word for `value`. */
function quoted(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * `sh -c STRING NAME ARG...`: the string with `$0`, `$1`, ..., `$@` and `$*` replaced by the words
 * after it, as the shell will see them (`bash -c 'sh "$0"' FILE` runs FILE).
 */
function commandString(a: Analyser, args: readonly ShellWord[], at: number, site: Site): void {
  const operands = args.slice(at + 1).map((x) => x.text);
  // `find … -exec sh -c '. "$0"' {} \;`, `xargs sh -c 'bash "$1"' _`: the string runs on a path the
  // launcher fills in at run time, so a script it sources or runs cannot be read here.
  if (site.launched === true && operands.some((operand) => !isStatic(operand)) && /(?:^|[;&|(]|\bthen|\bdo)\s*(?:(?:\.|source|exec|command|(?:ba|da|z|k)?sh)\s+)?["']?\$\{?[0-9@*]/.test(args[at]?.text ?? "")) {
    return a.deny("A launcher hands the shell a script only known at run time (find -exec sh -c '. \"$0\"' {}, xargs sh -c), so it cannot be checked.");
  }
  const payload = (args[at]?.text ?? "").replace(/"?\$(?:\{([0-9@*])\}|([0-9@*]))"?/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const which = braced ?? bare ?? "";
    if (which === "@" || which === "*") return operands.length > 1 ? operands.slice(1).map(quoted).join(" ") : whole;
    const value = operands[Number(which)];
    return value === undefined ? whole : quoted(value);
  });
  a.analysePayload(payload, site.scope, "The command given to the shell");
}

/** The script a shell or `source` runs: stdin, a process substitution, or a file to peek at. */
function scriptOperand(a: Analyser, operand: ShellWord, site: Site): void {
  if (operand.content !== undefined) return a.analysePayload(operand.content, site.scope, "The script from a process substitution");
  if (STDIN_FILES.test(operand.text)) return a.analyseStdin(site, "shell");
  // `find … -exec sh FILE \;`, `xargs sh FILE`: a file handed to a launcher to run is not allowed unread.
  if (site.launched === true && isStatic(operand.text) && operand.text !== "{}") return a.runFile(operand.text, site, "shell", "The launched shell");
  // `find . -name x -exec sh {} \;`, `... | xargs sh`: the script is a file only known at run time.
  if (site.launched === true && !isStatic(operand.text)) return a.deny("A launcher runs a shell on a script only known at run time (find -exec sh {}, xargs sh), so it cannot be checked.");
  a.peekScript(operand.text, site, "shell");
}

function source(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const operand = args[0]?.text === "--" ? args[1] : args[0];
  if (operand !== undefined) scriptOperand(a, operand, site);
}

/** `at [-f FILE] TIME`, `batch`: the job is read from FILE or stdin. */
function at(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const file = args.findIndex((x) => x.text === "-f");
  if (file >= 0) a.peekScript(args[file + 1]?.text ?? "", site, "shell");
  else a.analyseStdin(site, "shell");
}

/** `mapfile -C CALLBACK`, `readarray -C`: bash evaluates the callback. */
function mapfile(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const at = args.findIndex((x) => x.text === "-C");
  if (at >= 0) a.analysePayload(args[at + 1]?.text ?? "", site.scope, "The mapfile callback");
}

const evalBuiltin: Handler = (a, args, site) => a.analysePayload(args.map((x) => x.text).join(" "), site.scope, "The string given to eval");

function trap(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const handler = args[0]?.text;
  if (handler !== undefined && !handler.startsWith("-")) a.analysePayload(handler, site.scope, "The trap handler");
}

export const shellHandlers: HandlerTable = {
  ...Object.fromEntries([...SHELLS].map((name): [string, Handler] => [name, shell])),
  eval: evalBuiltin,
  source,
  ".": source,
  trap,
  at,
  batch: at,
  mapfile,
  readarray: mapfile,
};
