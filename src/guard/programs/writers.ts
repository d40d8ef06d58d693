// Programs that write, replace, move or delete files: the guard refuses them on the places the
// agent must not change (protected-paths.ts). Copying *from* such a place is a read and passes,
// except out of OpenClaw's state folder: the copy holds the gateway's token where no check looks.
import { posix as path } from "node:path";
import { cliNameOf, isOpenclawEntryScript } from "../command-specs.js";
import { UNKNOWN, type ShellWord } from "../shell-words.js";
import type { Analyser, HandlerTable, Site } from "./types.js";

/** Options (per program) that take the next word as their value. */
const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  cp: ["-t", "--target-directory", "-S", "--suffix"],
  mv: ["-t", "--target-directory", "-S", "--suffix"],
  ln: ["-t", "--target-directory", "-S", "--suffix"],
  install: ["-t", "--target-directory", "-m", "--mode", "-o", "--owner", "-g", "--group", "-S", "--suffix"],
  mount: ["-o", "--options", "-t", "--types", "-L", "--label", "-U", "--uuid", "-O", "--test-opts", "-N", "--namespace"],
  scp: ["-P", "-i", "-o", "-F", "-c", "-l", "-S", "-J"],
  rsync: ["-e", "--rsh", "--exclude", "--include", "-f", "--filter", "--files-from", "--password-file", "--chmod", "--partial-dir", "--temp-dir", "-T", "--port", "--log-file-format"],
};

function splitArgs(program: string, args: readonly ShellWord[]): { positionals: string[]; options: Map<string, string> } {
  const known = VALUE_OPTIONS[program] ?? [];
  const positionals: string[] = [];
  const options = new Map<string, string>();
  let ended = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (ended || !arg.startsWith("-") || arg === "-") positionals.push(arg);
    else if (arg === "--") ended = true;
    else if (arg.startsWith("--") && arg.includes("=")) options.set(arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1));
    else if (known.includes(arg)) options.set(arg, args[++i]?.text ?? "");
    else options.set(arg, "");
  }
  return { positionals, options };
}

const RECURSIVE = (options: Map<string, string>): boolean =>
  [...options.keys()].some((option) => /^-[A-Za-z]*[rRa]|^--(recursive|archive)$/.test(option));

/** cp, mv, ln, install, rsync: the destination is written; mv also removes its sources. */
function copier(program: string) {
  return (a: Analyser, args: readonly ShellWord[]): void => {
    const cli = args.find((x) => cliNameOf(path.basename(x.text)) !== undefined || isOpenclawEntryScript(x.text));
    if (cli !== undefined) a.deny(`The command copies or links ${cli.text.replaceAll(UNKNOWN, "…")}, which is the OpenClaw CLI.`);
    const { positionals, options } = splitArgs(program, args);
    if (program === "install" && options.has("-d")) return positionals.forEach((dir) => a.checkWrite(dir, "write"));
    const targetDirectory = options.get("-t") ?? options.get("--target-directory");
    const destination = targetDirectory ?? (positionals.length > 1 || program !== "ln" ? positionals.at(-1) : ".");
    const sources = targetDirectory !== undefined ? positionals : positionals.slice(0, -1);
    if (program === "mv" || options.has("--remove-source-files")) for (const source of sources) a.checkWrite(source, "remove");
    for (const source of sources) a.checkCopySource(source);
    // `ln -s ~/.claude/settings.json s; echo {} > s`: a later write to the link writes its target.
    if (program === "ln" && sources.length === 1 && sources[0] !== undefined && destination !== undefined) a.recordLink(destination, sources[0]);
    if (destination !== undefined) a.checkWrite(destination, RECURSIVE(options) || program === "mv" ? "remove" : "into", sources);
    // `cp f.txt run.sh && ./run.sh`: the copy holds what the source holds.
    const content = sources.length === 1 && sources[0] !== undefined ? a.fileText(sources[0]) : undefined;
    if (content !== undefined && destination !== undefined) a.recordWrite(destination, content);
  };
}

/** rm, truncate, touch, chmod, ...: every file argument is changed (removal reaches all below it). */
function changer(kind: "write" | "remove") {
  return (a: Analyser, args: readonly ShellWord[]): void => {
    const { positionals, options } = splitArgs("", args);
    for (const file of positionals) a.checkWrite(file.replace(/^of=/, ""), kind === "remove" || RECURSIVE(options) ? "remove" : "write");
  };
}

/** Modes that only take rights from group and others (`go-rwx`, `700`): the owner keeps all it had. */
const TIGHTENS = /^(0?700|[go]+-[rwxXst]+|[go]+=)$/;
/** `600` also takes the owner's execute right: fine on a data file, not on a shim or a folder. */
const DATA_FILE = /.\.(json5?|jsonl|ya?ml|toml|txt)$/;

/** `chmod 600` on the book, as the README asks, and `chmod go-rwx` pass: they open nothing up. */
function chmod(a: Analyser, args: readonly ShellWord[]): void {
  const { positionals, options } = splitArgs("", args);
  const [mode = "", ...files] = positionals;
  const onlyData = !RECURSIVE(options) && files.every((file) => DATA_FILE.test(file));
  if (!(TIGHTENS.test(mode) || (/^0?600$/.test(mode) && onlyData))) changer("write")(a, args);
}

/** dd writes `of=`; the other operands are not files it writes. */
function dd(a: Analyser, args: readonly ShellWord[]): void {
  for (const arg of args) if (arg.text.startsWith("of=")) a.checkWrite(arg.text.slice(3), "write");
  for (const arg of args) if (arg.text.startsWith("if=")) a.checkCopySource(arg.text.slice(3));
}

/** tee writes its stdin to every file argument. */
function tee(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const content = a.stdinOf(site) ?? UNKNOWN;
  for (const file of splitArgs("", args).positionals) {
    a.checkWrite(file, "write");
    a.recordWrite(file, content);
  }
}

/** A sed script that runs commands: the `e` command or the `e` flag of `s`. */
export const SED_EXECUTES = /(^|[;{}\n]\s*|[0-9$\/]\s*)e(\s|;|}|$)|^s(.).*\3.*\3[gpIiMm0-9]*e/m;

/** sed writes with -i, and with `w FILE` in its script; `e` runs the pattern space as a command. */
function sed(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const scripts: string[] = [];
  const files: string[] = [];
  let inPlace = false;
  let explicitScript = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (arg === "-e" || arg === "--expression") {
      scripts.push(args[++i]?.text ?? "");
      explicitScript = true;
    } else if (arg.startsWith("--expression=")) {
      scripts.push(arg.slice(13));
      explicitScript = true;
    } else if (arg === "-f" || arg === "--file") i++;
    else if (/^-[A-Za-z]*i|^--in-place/.test(arg)) inPlace = true;
    else if (!arg.startsWith("-") || arg === "-") files.push(arg);
  }
  if (!explicitScript && files.length > 0) scripts.push(files.shift() ?? "");
  for (const script of scripts) {
    for (const match of script.matchAll(/(?:^|[;{}\n]|\/[gpIiMme0-9]*)\s*[wW]\s+([^;\n}]+)/g)) a.checkWrite((match[1] ?? "").trim(), "write");
    if (SED_EXECUTES.test(script)) {
      a.analyseStdin(site, "shell");
      // `1e sh run.txt`: GNU sed's `e COMMAND` runs COMMAND.
      for (const match of script.matchAll(/(?:^|[;{}\n]\s*|[0-9$\/]\s*)e[ \t]+([^;\n}]+)/g)) a.analysePayload((match[1] ?? "").trim(), site.scope, "sed's e command");
    }
  }
  if (inPlace) for (const file of files) a.checkWrite(file, "write");
}

/** tar -x -C DIR, unzip -d DIR: everything below DIR may be replaced; tar -cf FILE writes FILE. */
function tar(a: Analyser, args: readonly ShellWord[]): void {
  const extract = args.some((x, k) => /^--extract$|^--get$|^-[A-Za-z]*x/.test(x.text) || (k === 0 && /^[A-Za-wyz]*x/.test(x.text)));
  // Files to archive are relative to the last -C before them (`tar czf b.tgz -C ~ .claude`).
  let directory = ".";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    const value = arg === "-C" || arg === "--directory" ? args[++i]?.text : arg.startsWith("--directory=") ? arg.slice(12) : undefined;
    if (value !== undefined) {
      if (extract) a.checkWrite(value, "remove");
      directory = pathFrom(directory, value);
    } else if (!extract && (arg === "-f" || arg === "--file" || /^-[A-Za-z]*f$/.test(arg))) a.checkWrite(args[++i]?.text ?? "", "write");
    else if (!extract && !arg.startsWith("-") && i > 0) a.checkCopySource(pathFrom(directory, arg));
  }
}

function unzip(a: Analyser, args: readonly ShellWord[]): void {
  const at = args.findIndex((x) => x.text === "-d");
  if (at >= 0) a.checkWrite(args[at + 1]?.text ?? "", "remove");
}

/** patch FILE, patch -o OUT, patch -d DIR, and the files a diff on stdin names. */
function patch(a: Analyser, args: readonly ShellWord[], site: Site): void {
  let directory = ".";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (arg === "-o" || arg === "--output") a.checkWrite(args[++i]?.text ?? "", "write");
    else if (arg === "-d" || arg === "--directory") directory = args[++i]?.text ?? ".";
    else if (arg === "-i" || arg === "--input" || arg === "-p" || arg === "-F" || arg === "-z" || arg === "-B" || arg === "-V" || arg === "-r") i++;
    else if (!arg.startsWith("-")) a.checkWrite(arg, "write");
  }
  if (directory !== ".") a.checkWrite(directory, "remove");
  for (const file of diffTargets(a.stdinOf(site) ?? "")) a.checkWrite(path.join(directory, file), "write");
}

/** `file` as the program sees it from `dir` (`tar -C`, `git -C`): absolute and home paths stay as they are. */
export function pathFrom(dir: string, file: string): string {
  return file.startsWith("/") || file.startsWith("~") ? file : path.join(dir, file);
}

/** The files a unified or git diff names (`--- a/x`, `+++ b/x`, `rename to x`), without their a/ b/ prefix. */
export function diffTargets(diff: string): string[] {
  const files: string[] = [];
  for (const match of diff.matchAll(/^(?:(?:\+\+\+|---) (?:[ab]\/)?|(?:rename|copy) (?:to|from) )(\S+)/gm)) {
    if (match[1] !== undefined && match[1] !== "/dev/null") files.push(match[1]);
  }
  return files;
}

/** A program find -exec may run to change what it finds: a writer here, or a shell or perl given code. */
const writes = (program: string): boolean => writerHandlers[program] !== undefined || ["sh", "bash", "perl"].includes(program);

/** find's -delete/-exec act on everything below its starting points; -fprint writes a file. */
export function removalsOfFind(a: Analyser, args: readonly ShellWord[]): void {
  const firstExpression = args.findIndex((x) => /^[-(!]/.test(x.text));
  const starts = args.slice(0, firstExpression < 0 ? args.length : firstExpression).map((x) => x.text);
  // -delete removes what it finds; -exec removes it only when the command it runs is a writer (rm, mv, sed -i, ...).
  const removes = args.some((x, k) => x.text === "-delete" || (/^-(exec|execdir|ok|okdir)$/.test(x.text) && writes(path.basename(args[k + 1]?.text ?? ""))));
  if (removes) for (const start of starts) a.checkWrite(start, "remove");
  args.forEach((x, k) => {
    if (/^-(fprint|fprint0|fprintf|fls)$/.test(x.text)) a.checkWrite(args[k + 1]?.text ?? "", "write");
  });
}

/** The `claude mcp` subcommands that write a server registration into ~/.claude.json (or .mcp.json). */
const CLAUDE_MCP_WRITES = new Set(["add", "add-json", "add-from-claude-desktop", "remove"]);

/**
 * Claude Code's own CLI writes ~/.claude.json, where the guard's server is registered: `claude mcp
 * add -s local openclaw-guard ...` would put another server in its place for one directory (the one
 * the mcp_tool hook and the model's send_message then reach), `claude mcp remove` take it away.
 * Registrations of other servers pass; a name only known at run time does not.
 */
function claude(a: Analyser, args: readonly ShellWord[]): void {
  const words = args.map((x) => x.text);
  const at = words.indexOf("mcp");
  if (at < 0 || !CLAUDE_MCP_WRITES.has(words[at + 1] ?? "")) return;
  if (words.slice(at + 2).some((w) => w === "openclaw-guard" || w.includes(UNKNOWN))) {
    a.deny("Changing the openclaw-guard MCP server's registration (`claude mcp add|remove openclaw-guard`) is disabled here; a human runs `openclaw-guard init claude-code`.");
  }
}

/** `zip [-r] ARCHIVE FILE...`, `7z a ARCHIVE FILE...`: the archive is written, the files are copied into it. */
function zip(a: Analyser, args: readonly ShellWord[]): void {
  const positionals = splitArgs("", args).positionals.filter((file, k, all) => !(k === 0 && file === "a" && all.length > 2));
  const [archive, ...files] = positionals;
  if (archive !== undefined) a.checkWrite(archive, "write");
  for (const file of files) a.checkCopySource(file);
}

/** `mount [--bind|-o bind] SOURCE TARGET`: everything below TARGET is replaced by SOURCE, which is then readable at TARGET. */
function mount(a: Analyser, args: readonly ShellWord[]): void {
  const { positionals } = splitArgs("mount", args);
  if (positionals.length < 2) return;
  const target = positionals.at(-1);
  if (target !== undefined) a.checkWrite(target, "remove");
  for (const source of positionals.slice(0, -1)) a.checkCopySource(source);
}

/** `sponge FILE` soaks up stdin and writes FILE. */
function sponge(a: Analyser, args: readonly ShellWord[], site: Site): void {
  for (const file of splitArgs("", args).positionals) {
    a.checkWrite(file, "write");
    a.recordWrite(file, a.stdinOf(site) ?? UNKNOWN);
  }
}

export const writerHandlers: HandlerTable = {
  sponge,
  claude,
  mount,
  zip,
  "7z": zip,
  cp: copier("cp"),
  mv: copier("mv"),
  ln: copier("ln"),
  install: copier("install"),
  rsync: copier("rsync"),
  scp: copier("scp"),
  rm: changer("remove"),
  rmdir: changer("remove"),
  unlink: changer("remove"),
  shred: changer("remove"),
  truncate: changer("write"),
  touch: changer("write"),
  chmod,
  chown: changer("write"),
  chgrp: changer("write"),
  chattr: changer("write"),
  setfacl: changer("write"),
  dd,
  tee,
  sed,
  tar,
  bsdtar: tar,
  unzip,
  patch,
};
