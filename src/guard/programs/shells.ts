// Shells and shell builtins that run text as commands: sh -c, eval, source, trap, at, mapfile -C.
import { SHELLS } from "../command-specs.js";
import type { ShellWord } from "../shell-words.js";
import type { Analyser, Handler, HandlerTable, Site } from "./types.js";

/** Files that are the command's own stdin when a shell or `source` reads them. */
const STDIN_FILES = /^(-|\/dev\/stdin|\/dev\/fd\/0|\/proc\/self\/fd\/0)$/;

function shell(a: Analyser, args: readonly ShellWord[], site: Site): void {
  let commandMode = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (arg === "-") break;
    if (arg === "--") {
      // `bash -c -- STRING`: the string comes after the end of options.
      if (commandMode && args[i + 1] !== undefined) return a.analysePayload(args[i + 1]?.text ?? "", site.scope, "The command given to the shell");
      break;
    }
    if (/^[-+]o$|^-O$|^--(rcfile|init-file)$/.test(arg)) {
      if (/rcfile|init-file/.test(arg)) a.peekScript(args[i + 1]?.text ?? "", site, "shell");
      i++;
      continue;
    }
    if (/^-[A-Za-z]+$/.test(arg)) {
      if (arg.includes("c")) commandMode = true;
      continue;
    }
    if (arg.startsWith("--") || arg.startsWith("+")) continue;
    if (commandMode) return a.analysePayload(arg, site.scope, "The command given to the shell");
    if (STDIN_FILES.test(arg)) return a.analyseStdin(site, "shell");
    const content = args[i]?.content;
    if (content !== undefined) return a.analysePayload(content, site.scope, "The script from a process substitution");
    a.peekScript(arg, site, "shell");
    return;
  }
  if (!commandMode) a.analyseStdin(site, "shell");
}

function source(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const file = args[0]?.text;
  if (file === undefined) return;
  const content = args[0]?.content;
  if (content !== undefined) return a.analysePayload(content, site.scope, "The script from a process substitution");
  if (STDIN_FILES.test(file)) return a.analyseStdin(site, "shell");
  a.peekScript(file, site, "shell");
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
