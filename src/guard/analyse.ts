// Decide whether a shell command would run an OpenClaw send path.
// Parses with tree-sitter-bash, walks every command node (also inside $(...), <(...),
// heredoc-fed shells, functions, loops), hands each to its program family's handler
// (programs/: shells, interpreters, launchers, runners, writers), re-parses payloads,
// and decides on the CLI's argv with the same policy as the PATH shim. By default any
// argument, environment value, stdin or file written here that holds a refused OpenClaw
// call is denied, except in data-only positions (programs/data-only.ts).
// Pure: file access only via options.readFile, options.protectedArea and options.isGuardEntry.
import { posix as path } from "node:path";
import { EVALUATES_RUNTIME_CODE, filesReadByCode, filesReadBySpawningCode, localModuleFiles, mentionsOpenclaw, riskyCode, spawnedCommandLines, writesProtectedPlace } from "./code-signals.js";
import { CLI_NAMES, DEFAULT_ALLOW_LIST, PRELOAD_VARIABLES, decideOpenclawArgv, type AllowList } from "./openclaw-policy.js";
import { initShellParser, parseShell, type Node } from "./shell-parser.js";
import { CODE_FILE_NAME, LANGUAGES, MAKEFILE_NAME, SHELLS, SHELL_FILE_NAME, cliNameOf, normaliseCommandName } from "./command-specs.js";
import { embeddedSend } from "./embedded-send.js";
import { expandHome } from "../contacts/config-path.js";
import { OPENCLAW_STATE_HINT, PROTECTED_HINT, disablesHooks, isOpenclawState, isContentCheckedSettings, isProseFile } from "./protected-paths.js";
import { decodeOutput, echoOutput, filterOutput, printfOutput } from "./static-output.js";
import { UNKNOWN, evaluateNode, evaluateWord, globToRegExp, isStatic, type ShellWord, type WordContext } from "./shell-words.js";
import { commandHandlers } from "./programs/index.js";
import { runStringHandlers } from "./programs/run-strings.js";
import { MAX_COMMAND_LENGTH, type Verdict } from "./plain-command.js";
import { dataOnlyPositions } from "./programs/data-only.js";
import { guardCli } from "./programs/openclaw.js";
import type { Analyser, FileRunner, FindQuery, Origin, Scope, Site, WriteKind } from "./programs/types.js";

export interface AnalyseOptions {
  readonly allowList?: AllowList;
  /** Directory the command runs in; relative script paths are resolved against it. */
  readonly cwd?: string;
  /** Expands a leading `~/` in script paths. */
  readonly homeDir?: string;
  /** Capped reader for scripts about to run; undefined for missing, binary or oversized files. */
  readonly readFile?: (absolutePath: string) => string | undefined;
  /**
   * The label of a place the agent must not write (see protected-paths.ts), or undefined. `target`
   * is an absolute path or a glob pattern's RegExp; with `below`, a place inside `target` counts too.
   */
  readonly protectedArea?: (target: string | RegExp, below: boolean) => string | undefined;
  /** True when the absolute path is openclaw-guard's own entry point (its cli.js, symlinks resolved). */
  readonly isGuardEntry?: (absolutePath: string) => boolean;
  /** The files an absolute glob pattern matches (as bash would expand it), or undefined when they cannot be listed. */
  readonly expandGlob?: (absolutePattern: string) => string[] | undefined;
  /** What `find` selects under an absolute start (see FindQuery), or undefined when it cannot all be listed. */
  readonly findPaths?: (absoluteStart: string, query: FindQuery) => string[] | undefined;
}

export type { Verdict } from "./plain-command.js";

export { MAX_COMMAND_LENGTH, plainCommandVerdict } from "./plain-command.js";
const MAX_PARSES = 64;
// Paths a script pattern or a find may stand for: each is one more script to analyse.
const MAX_EXPANDED_PATHS = 16;
const MAX_NESTING = 12;

type Parser = Awaited<ReturnType<typeof initShellParser>>;
let parser: Parser | undefined;

/** Load the grammar once per process; analyseCommand() needs it. */
export async function initCommandAnalyser(): Promise<void> {
  parser = await initShellParser();
}

/** Analyse a command string; call initCommandAnalyser() first. */
export function analyseCommand(command: string, options: AnalyseOptions = {}): Verdict {
  if (parser === undefined) throw new Error("initCommandAnalyser() has not completed");
  if (command.length > MAX_COMMAND_LENGTH) {
    return { decision: "deny", reasons: [`The command is longer than ${MAX_COMMAND_LENGTH} characters and was not checked.`] };
  }
  const analysis = new Analysis(parser, options);
  analysis.analyseScript(command, { inheritedMention: false, nesting: 0 });
  // tree-sitter-bash splits a word at backslash-newline (`open\<newline>claw`); bash joins it.
  if (command.includes("\\\n")) analysis.analyseScript(command.replace(/\\\n/g, ""), { inheritedMention: false, nesting: 0 });
  analysis.analyseWrittenFiles();
  return analysis.verdict();
}

/** Analyse file content as the kind of file its name says (script, Makefile, package.json, notebook, code). */
export function analyseFileContent(filePath: string, content: string, options: AnalyseOptions = {}): Verdict {
  if (parser === undefined) throw new Error("initCommandAnalyser() has not completed");
  if (content.length > MAX_COMMAND_LENGTH * 4) {
    return { decision: "deny", reasons: ["The content is too large to check."] };
  }
  const analysis = new Analysis(parser, options);
  analysis.analyseFile(filePath, content, { inheritedMention: false, nesting: 0 }, "written");
  analysis.checkWrittenContent(filePath, content);
  return analysis.verdict();
}


/** Programs whose arguments are the text they print, not files they read. */
const PRINTERS: ReadonlySet<string> = new Set(["echo", "printf"]);

/** Programs installed in the system's own directories: run by path, they are not the agent's files. */
const SYSTEM_PROGRAM = /^\/(usr\/(local\/)?s?bin|s?bin|opt\/homebrew\/bin|nix\/store|usr\/lib|usr\/libexec|usr\/share)\//;

/** Variables whose value is a command (or the path of one) that a program runs: git, man, less, editors. */
const COMMAND_VARIABLES = /^(GIT_EXTERNAL_DIFF|GIT_EDITOR|GIT_SEQUENCE_EDITOR|GIT_PAGER|GIT_SSH|GIT_SSH_COMMAND|GIT_ASKPASS|GIT_PROXY_COMMAND|SSH_ASKPASS|EDITOR|VISUAL|PAGER|MANPAGER|SYSTEMD_PAGER|SYSTEMD_EDITOR|SUDO_EDITOR|FCEDIT|BROWSER|LESSOPEN|LESSCLOSE|PROMPT_COMMAND|SUDO_ASKPASS|RSYNC_RSH|RSYNC_CONNECT_PROG|CVS_RSH|FZF_DEFAULT_COMMAND)$/;

/** `message send ...`, `agent --to ...`: the arguments of the OpenClaw CLI's sending commands. */
const SEND_SHAPED = /(?:^|\s)(?:message (?:send|broadcast|poll|reply|thread-reply)|agent|send)\s.*(?:\s|^)(?:-t|--target|--to|-m|--message|--deliver|--channel)(?:\s|=|$)/;

/** Inline-code options of interpreters the table does not know: -e, -c, --eval, -Command, --execute. */
const UNKNOWN_CODE_OPTION = /^(-e|-c|--eval|-eval|-Command|-command|--command|--execute|-E)$/;

/** Launchers whose own options take no command string: judged by the program they run. */
const PLAIN_LAUNCHERS: ReadonlySet<string> = new Set(["timeout", "nice", "ionice", "stdbuf", "time", "nohup", "setsid", "chrt", "taskset", "unbuffer", "xargs", "find"]);
/** `#!/bin/sh`, `#!/usr/bin/env python3`, `#!/usr/bin/env -S bash -e`: the interpreter's name. */
function shebangInterpreter(content: string): string {
  const line = /^#!\s*([^\n]*)/.exec(content)?.[1] ?? "";
  const words = line.split(/\s+/).filter((w) => w !== "");
  let k = 0;
  if (/(^|\/)env$/.test(words[0] ?? "")) for (k = 1; k < words.length && (words[k]?.startsWith("-") || /=/.test(words[k] ?? "")); k++);
  return path.basename(words[k] ?? "");
}

/** A notebook's cells as shell text: `!cmd` lines, `%%bash`/`%%sh`/`%%script` cells, `%system`; the rest as code. */
function notebookCells(content: string): { shell: string; code: string } {
  let sources: string[];
  try {
    const cells = (JSON.parse(content) as { cells?: { source?: unknown }[] }).cells ?? [];
    sources = cells.map((cell) => (Array.isArray(cell.source) ? cell.source.join("") : typeof cell.source === "string" ? cell.source : ""));
  } catch {
    sources = [content]; // a NotebookEdit cell's source, or a fragment
  }
  const shell: string[] = [];
  for (const source of sources) {
    if (/^%%(bash|sh|script|system)\b/.test(source)) shell.push(source.replace(/^[^\n]*\n?/, ""));
    for (const match of source.matchAll(/^\s*(?:!!?|%system\s+|%sx\s+)(.*)$/gm)) shell.push(match[1] ?? "");
  }
  return { shell: shell.join("\n"), code: sources.join("\n") };
}

class Analysis implements Analyser {
  private readonly reasons = new Set<string>();
  readonly allowList: AllowList;
  private parses = 0;
  /** Files written earlier in the same command (`printf ... > t.sh && ./t.sh`): path -> content. */
  private readonly written = new Map<string, string>();
  /** Directories a static `cd` moves to; scripts may be relative to them. */
  private readonly directories: string[];
  /** `ln -s TARGET LINK` made in this command: link -> target. */
  private readonly links = new Map<string, string>();
  /** Local modules already read as code (an import cycle is read once). */
  private readonly loadedModules = new Set<string>();
  /** `exec 3<f`: file descriptors opened on files, for `/dev/fd/3`. */
  private readonly descriptors = new Map<string, string>();

  constructor(
    private readonly parser: Parser,
    private readonly options: AnalyseOptions,
  ) {
    this.allowList = options.allowList ?? DEFAULT_ALLOW_LIST;
    this.directories = options.cwd !== undefined ? [options.cwd] : [];
  }

  /** Files the command writes that would send when run later (a script, Makefile, package.json, a unit file). */
  analyseWrittenFiles(): void {
    for (const [file, content] of this.written) {
      const known = content.replaceAll(UNKNOWN, "");
      this.analyseFile(file, known, { inheritedMention: false, nesting: 1 }, "written");
      this.checkWrittenContent(file, content);
    }
  }

  /** Any file but prose that holds a refused call may be run later by something; settings may switch hooks off. */
  checkWrittenContent(file: string, content: string): void {
    if (!isProseFile(file)) this.checkEmbedded(content.replaceAll(UNKNOWN, " "), `The file ${display(file)} written here`);
    const disabled = disablesHooks(file, content);
    if (disabled !== undefined) this.deny(`The file ${display(file)} ${disabled}; that switches the guard off.`);
  }

  verdict(): Verdict {
    const reasons = [...this.reasons];
    return { decision: reasons.length > 0 ? "deny" : "allow", reasons };
  }

  deny(reason: string): void {
    this.reasons.add(reason);
  }

  checkEmbedded(text: string, what: string): void {
    const call = embeddedSend(text, this.allowList);
    if (call !== undefined) this.deny(`${what} holds \`${display(call)}\`, which sends when something runs it.`);
  }

  // ---- scripts and payloads -------------------------------------------------

  analyseScript(source: string, origin: Origin): void {
    if (++this.parses > MAX_PARSES || origin.nesting > MAX_NESTING) {
      this.deny("The command nests shells or payloads too deeply to check.");
      return;
    }
    const tree = parseShell(this.parser, source);
    try {
      const variables = new Map<string, string | null>();
      const words: WordContext = {
        source,
        // A variable assigned twice with different values is known to be set, not what to.
        lookupVariable: (name) => (variables.get(name) === null ? UNKNOWN : variables.get(name) ?? undefined),
        // `mount --bind X $HOME`, `zip -r h.zip $HOME`: bash expands $HOME to the home unless the command sets it.
        inheritedVariable: (name) => (name === "HOME" && !variables.has("HOME") ? this.options.homeDir : name === "PWD" && !variables.has("PWD") ? this.startDirectory(source) : undefined),
        commandOutput: (substitution) => this.substitutionOutput(substitution, scope),
      };
      const scope: Scope = {
        source,
        words,
        mentionsOpenclaw: origin.inheritedMention || mentionsOpenclaw(source),
        nesting: origin.nesting,
      };
      if (tree.rootNode.hasError && scope.mentionsOpenclaw) {
        // bash still runs the lines before a syntax error, so a broken parse is never a pass.
        this.deny("The command mentions OpenClaw and does not parse cleanly, so it cannot be checked.");
      }
      this.collectFacts(tree.rootNode, scope, variables);
      this.visit(tree.rootNode, scope);
    } finally {
      tree.delete();
    }
  }

  /**
   * A string another program may hand to a shell (ssh ProxyCommand, GIT_SSH_COMMAND, PS4, LESSOPEN,
   * tar --to-command, vim -c '!...', gdb -ex 'shell ...', sqlite3 '.shell ...', parallel): parsed as
   * shell with the same analyser, so `open${u}claw`, `$(...)`, braces, variables and long blanks are
   * seen as bash sees them, not as text. Only in a command that mentions OpenClaw; the string as a
   * whole, after an `OPTION=` / `Key=` prefix, and after a program's shell-escape prefix. A string that
   * does not parse as shell is prose, left to the text check.
   */
  analyseRunString(text: string, scope: Scope, what: string): void {
    if (!scope.mentionsOpenclaw || !/[\s$`{]/.test(text) || !mentionsOpenclaw(text)) return;
    const candidates = new Set<string>([text]);
    const value = /^-{0,2}[A-Za-z][\w.-]*=([\s\S]*)$/.exec(text)?.[1];
    for (const base of value === undefined ? [text] : [text, value]) {
      candidates.add(base);
      const escaped = /^\s*(?:\||:?!|\.shell\s|\.system\s|shell\s|system\s|call\s+system\s*\(|exe\s)([\s\S]*)$/.exec(base)?.[1];
      if (escaped !== undefined) candidates.add(escaped);
    }
    for (const candidate of candidates) {
      const source = candidate.replaceAll(UNKNOWN, "__guard_unknown__");
      if (this.parses >= MAX_PARSES || scope.nesting >= MAX_NESTING) return this.deny(`${what} nests shells or payloads too deeply to check.`);
      const tree = parseShell(this.parser, source);
      const clean = !tree.rootNode.hasError;
      tree.delete();
      if (clean) this.analyseScript(source, { inheritedMention: true, nesting: scope.nesting + 1 });
    }
  }

  analysePayload(text: string, from: Scope, what: string): void {
    if (!isStatic(text) && from.mentionsOpenclaw) {
      this.deny(`${what} is built at run time in a command that mentions OpenClaw.`);
    }
    this.analyseScript(text.replaceAll(UNKNOWN, "__guard_unknown__"), { inheritedMention: from.mentionsOpenclaw, nesting: from.nesting + 1 });
  }

  /** Content of a file about to run, or being written (kind "written"), by what its name and first line say. */
  analyseFile(filePath: string, content: string, origin: Origin, runner: FileRunner): void {
    const name = path.basename(filePath);
    const interpreter = shebangInterpreter(content);
    if (runner === "make" || runner === "make-dry-run" || MAKEFILE_NAME.test(name)) return this.analyseMakefileText(content, origin, runner === "make-dry-run");
    if (name === "package.json") return this.analysePackageJsonText(content, origin);
    if (name.endsWith(".ipynb")) {
      const cells = notebookCells(content);
      if (cells.shell !== "") this.analyseScript(cells.shell, { ...origin, nesting: origin.nesting + 1 });
      const risk = riskyCode(cells.code, this.allowList);
      if (risk !== undefined) this.deny(`The notebook ${name} ${risk}.`);
      return;
    }
    // A file without a shebang run as a command is a shell script, unless its name says it is code (`fork('./x.js')`).
    const isShell = SHELLS.has(interpreter) || SHELL_FILE_NAME.test(name) || (runner === "shell" && interpreter === "" && !CODE_FILE_NAME.test(name));
    if (isShell) return this.analyseScript(content, { ...origin, nesting: origin.nesting + 1 });
    if (runner === "code" || interpreter !== "" || CODE_FILE_NAME.test(name)) {
      const risk = riskyCode(content, this.allowList);
      if (risk !== undefined) this.deny(`The script ${name} ${risk}.`);
      if (runner !== "written") this.checkSpawnedCode(content, origin, `The script ${name}`);
    }
  }

  analyseMakefile(content: string, site: Site): void {
    this.analyseMakefileText(content, { inheritedMention: site.scope.mentionsOpenclaw, nesting: site.scope.nesting });
  }

  /** Recipes (tab-indented lines), `$(shell ...)` anywhere, and `include`d makefiles. */
  private analyseMakefileText(content: string, origin: Origin, dryRun = false): void {
    const definitions = new Map<string, string>();
    for (const match of content.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*[:+?]?=\s*(.*)$/gm)) {
      if (match[1] !== undefined) definitions.set(match[1], match[2] ?? "");
    }
    const expand = (text: string): string =>
      text.replace(/\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]/g, (whole, name: string) => definitions.get(name) ?? whole).replaceAll("$$", "$");
    const recipes = content
      .split("\n")
      .filter((line) => line.startsWith("\t") || /^[^#\t]*:[^=].*;/.test(line))
      // `make -n` still runs recipe lines marked `+` and those that call $(MAKE).
      .filter((line) => !dryRun || /^\t[@\-\s]*\+|\$[({]MAKE[)}]/.test(line))
      .map((line) => expand(line.startsWith("\t") ? line.replace(/^\t[@+\-\s]*/, "") : line.slice(line.indexOf(";") + 1)));
    for (const match of content.matchAll(/\$[({]shell\s+([^)}]*)[)}]/g)) recipes.push(expand(match[1] ?? ""));
    if (recipes.length > 0) this.analyseScript(recipes.join("\n"), { ...origin, nesting: origin.nesting + 1 });
    for (const match of content.matchAll(/^-?s?include\s+(.+)$/gm)) {
      for (const file of (match[1] ?? "").split(/\s+/)) {
        const text = file === "" || origin.nesting > MAX_NESTING ? undefined : this.fileText(file);
        if (text !== undefined) this.analyseMakefileText(text, { ...origin, nesting: origin.nesting + 1 }, dryRun);
      }
    }
  }

  /** package.json: its scripts; for a fragment (an Edit), every `"key": "value"` value. */
  private analysePackageJsonText(content: string, origin: Origin): void {
    let values: string[];
    try {
      const scripts = (JSON.parse(content) as { scripts?: unknown } | null)?.scripts;
      values = typeof scripts === "object" && scripts !== null ? Object.values(scripts).filter((v): v is string => typeof v === "string") : [];
    } catch {
      values = [...content.matchAll(/"(?:[^"\\\n]|\\.)*"\s*:\s*("(?:[^"\\\n]|\\.)*")/g)].flatMap((match) => {
        try {
          return [JSON.parse(match[1] ?? "") as string];
        } catch {
          return [];
        }
      });
    }
    for (const value of values) this.analyseScript(value, { ...origin, nesting: origin.nesting + 1 });
  }

  // ---- facts gathered before walking ---------------------------------------

  /** Variables assigned exactly once with a static value, files written by redirection, `cd` targets, `exec N<f`. */
  private collectFacts(root: Node, scope: Scope, variables: Map<string, string | null>): void {
    const assign = (name: string, value: string): void => {
      variables.set(name, variables.has(name) && variables.get(name) !== value ? null : value);
    };
    const walk = (node: Node): void => {
      if (node.type === "variable_assignment") {
        const name = node.childForFieldName("name")?.text;
        const value = node.childForFieldName("value");
        const evaluated = value ? (value.type === "array" ? UNKNOWN : evaluateNode(value, scope.words)) : "";
        // `f=~/.cl; f+=aude/settings.json`: an append joins the value bash will hold.
        if (name !== undefined && node.children.some((c) => c?.type === "+=")) {
          const before = variables.get(name);
          variables.set(name, before === null ? null : `${before ?? UNKNOWN}${evaluated}`);
        } else if (name !== undefined) assign(name, evaluated);
      } else if (node.type === "for_statement") {
        const name = node.childForFieldName("variable")?.text;
        const values = node.childrenForFieldName("value");
        if (name !== undefined) assign(name, values.length === 1 && values[0] ? evaluateNode(values[0], scope.words) : UNKNOWN);
      } else if (node.type === "redirected_statement") {
        // Facts inside first: `ln -s ~/.claude s && echo x > s/settings.json` hangs the redirect on the whole list.
        for (const child of node.namedChildren) if (child) walk(child);
        this.collectWrite(node, scope);
        return;
      } else if (node.type === "command") {
        const argv = this.argvOf(node, scope);
        if (argv[0]?.text === "cd" && argv[1] !== undefined && isStatic(argv[1].text)) {
          const base = this.options.cwd ?? "/";
          this.directories.push(path.resolve(base, this.expandHome(argv[1].text)));
        }
        // `printf -v f FMT ARGS`, `read -r f <<< TEXT`: assignments bash makes without `=`.
        const words = argv.map((x) => x.text);
        if (words[0] === "printf" && words[1] === "-v" && words[2] !== undefined) assign(words[2], printfOutput(words.slice(3)));
        if (words[0] === "read") {
          const names = words.slice(1).filter((w, k, all) => !w.startsWith("-") && !/^-[dnNptu]$/.test(all[k - 1] ?? ""));
          const input = this.redirectedInput(node, scope)?.replace(/\n$/, "");
          if (names.length === 1 && names[0] !== undefined) assign(names[0], input ?? UNKNOWN);
        }
        // Links are known before the redirections walked here (`ln -s T s; echo x > s`).
        const operands = argv.slice(1).filter((x) => !x.text.startsWith("-"));
        if (argv[0]?.text === "ln" && operands[0] !== undefined) this.recordLink(operands[1]?.text ?? path.basename(operands[0].text), operands[0].text);
      }
      for (const child of node.namedChildren) if (child) walk(child);
    };
    walk(root);
  }

  private collectWrite(statement: Node, scope: Scope): void {
    // tree-sitter hangs `a && b > f` on the whole list; bash applies it to the last command.
    let body = statement.childForFieldName("body");
    while (body?.type === "list") body = body.lastNamedChild;
    for (const redirect of statement.childrenForFieldName("redirect")) {
      if (redirect?.type !== "file_redirect") continue;
      const operator = redirect.children.find((c) => c !== null && !c.isNamed)?.text ?? "";
      const destination = redirect.childForFieldName("destination");
      if (!destination) continue;
      const target = evaluateNode(destination, scope.words);
      const descriptor = redirect.childForFieldName("descriptor")?.text;
      // `exec 3<f`, and `sh /dev/fd/3 3<f` (the command's own descriptor): /dev/fd/3 is f.
      if (/^(<|<>)$/.test(operator) && descriptor !== undefined) this.descriptors.set(descriptor, target);
      if (!/^(>|>>|>\||&>|&>>)$/.test(operator)) continue;
      // `cat ~/.openclaw/openclaw.json > x`, `base64 … > x`: a copy made by redirection.
      const [program, ...operands] = body?.type === "command" ? this.argvOf(body, scope) : [];
      if (program !== undefined && !PRINTERS.has(program.text)) for (const word of operands) if (/^[~/.$]|\//.test(word.text)) this.checkCopySource(word.text);
      const content = (body ? this.staticOutput(body, scope) : undefined) ?? UNKNOWN;
      // Agent settings a repository may hold are judged by what is written (checkWrittenContent).
      if (!(isStatic(content) && isContentCheckedSettings(target))) this.checkWriteWord(target, destination.text, "write");
      if (!isStatic(target)) continue;
      const key = path.normalize(target);
      this.written.set(key, operator.startsWith(">>") || operator === "&>>" ? (this.written.get(key) ?? "") + content : content);
    }
  }

  // ---- walking --------------------------------------------------------------

  private visit(node: Node, scope: Scope): void {
    if (node.type === "command") this.analyseCommandNode(node, scope);
    else if (node.type === "heredoc_redirect") this.checkIndentedHeredoc(node, scope);
    else if (node.type === "variable_assignment") this.checkAssignment(node, scope);
    for (const child of node.namedChildren) if (child) this.visit(child, scope);
  }

  /** `X=value`: a value a program may run (PROMPT_COMMAND, GIT_PAGER, PS4, ...); BASH_ENV and ENV name a script a shell runs. */
  private checkAssignment(node: Node, scope: Scope): void {
    const name = node.childForFieldName("name")?.text ?? "";
    const valueNode = node.childForFieldName("value");
    if (!valueNode) return;
    const value = evaluateNode(valueNode, scope.words);
    if (scope.mentionsOpenclaw) {
      this.checkEmbedded(valueNode.type === "raw_string" ? valueNode.text.slice(1, -1) : value, `The variable ${name}`);
      this.analyseRunString(value, scope, `The variable ${name}`);
    }
    this.assignmentEffects(name, value, { node, scope });
  }

  /**
   * What setting NAME=VALUE makes a program run, for an assignment before a command or in the
   * script and for `env X=... cmd`, `sudo X=... cmd`: a script a shell sources, a command a
   * program runs, a prompt bash expands, makefiles make reads.
   */
  assignmentEffects(name: string, value: string, site: Site): void {
    if (/^(BASH_ENV|ENV)$|^npm_config_script_shell$/i.test(name)) this.peekScript(value, site, "shell");
    else if (COMMAND_VARIABLES.test(name) || /^GIT_CONFIG_VALUE_\d+$/.test(name)) this.runCommandValue(value.replace(/^\|+/, ""), site, `The command in ${name}`);
    // bash expands prompts (`PS4='$(cmd) '`): their command substitutions run.
    else if (/^PS[0124]$/.test(name) && /[`$]/.test(value)) this.analysePayload(`: ${value}`, site.scope, `The prompt ${name}`);
    else if (name === "MAKEFILES") for (const file of value.split(/\s+/).filter((f) => f !== "")) this.runFile(file, site, "make", "make's MAKEFILES");
  }

  /**
   * tree-sitter-bash does not parse `$(...)` or backticks on heredoc body lines that start
   * with whitespace, though bash runs them: re-parse such a body with the indentation removed.
   */
  private checkIndentedHeredoc(redirect: Node, scope: Scope): void {
    const start = redirect.children.find((c) => c?.type === "heredoc_start")?.text ?? "";
    if (/['"\\]/.test(start)) return; // quoted delimiter: no expansion in the body
    const body = this.heredocBody(redirect, scope);
    if (body === undefined || !/^[ \t]+.*(\$\(|`)/m.test(body)) return;
    const dedented = body.replace(/^[ \t]+/gm, "");
    this.analyseScript(`cat <<__GUARD_BODY__\n${dedented}\n__GUARD_BODY__\n`, { inheritedMention: scope.mentionsOpenclaw, nesting: scope.nesting + 1 });
  }

  private argvOf(command: Node, scope: Scope): ShellWord[] {
    const argv: ShellWord[] = [];
    for (let i = 0; i < command.childCount; i++) {
      const child = command.child(i);
      const field = command.fieldNameForChild(i);
      if (child === null || !child.isNamed) continue;
      if (field === "name") argv.push(...evaluateWord(child.firstNamedChild ?? child, scope.words));
      // tree-sitter reads `sh 0<f` as an argument `0` and a redirect `<f`; bash reads a descriptor.
      else if (field === "argument" && !(child.type === "number" && /[<>]/.test(scope.source[child.endIndex] ?? ""))) argv.push(...this.argumentWords(child, scope));
    }
    return argv;
  }

  /** `<(cat f)` is a file whose content is the inner command's output; known output is kept for the flipped default. */
  private argumentWords(node: Node, scope: Scope): ShellWord[] {
    if (node.type === "process_substitution" && node.text.startsWith("<")) {
      const inner = node.namedChildren.filter((c) => c !== null);
      const output = inner.length === 1 && inner[0] ? this.staticOutput(inner[0], scope) : undefined;
      if (output !== undefined) return [{ text: UNKNOWN, glob: false, content: output }];
    }
    return evaluateWord(node, scope.words);
  }

  private analyseCommandNode(command: Node, scope: Scope): void {
    const preload = command.namedChildren
      .filter((c): c is Node => c?.type === "variable_assignment")
      .map((c) => c.childForFieldName("name")?.text ?? "")
      .find((name) => PRELOAD_VARIABLES.includes(name));
    this.analyseArgv(this.argvOf(command, scope), { node: command, scope, ...(preload ? { preload } : {}) }, 0);
  }

  /** Decide on one simple command after expansion; launchers recurse with the wrapped argv. */
  analyseArgv(argv: readonly ShellWord[], site: Site, unwraps: number): void {
    const [name, ...args] = argv;
    if (name === undefined) return;
    if (unwraps > MAX_NESTING) return this.deny("The command nests launchers too deeply to check.");
    if (name.content !== undefined) this.analysePayload(name.content, site.scope, "The script run from a process substitution");
    const base = path.basename(name.text);
    if (!isStatic(base)) {
      if (site.scope.mentionsOpenclaw || mentionsOpenclaw(name.text)) this.deny(`The command name ${display(name.text)} is computed at run time in a command that mentions OpenClaw.`);
      // `$(echo N5YG... | base32 -d) message send --target ...`: whatever the name, these are the CLI's send arguments.
      else if (SEND_SHAPED.test(args.map((x) => x.text).join(" "))) this.deny(`The command name ${display(name.text)} is computed at run time and given OpenClaw's send arguments.`);
      return;
    }
    const cli = cliNameOf(base) ?? (name.glob ? CLI_NAMES.find((cliName) => globToRegExp(base).test(cliName)) : undefined);
    if (cli !== undefined) return this.decideCli(cli, args, site);
    const program = normaliseCommandName(base);
    // Shells and eval get their payload parsed, the guard's own CLI its subcommand; for everything else the flipped default applies.
    const runsGuard = program === "node" && this.isGuardEntry(args.find((x) => !x.text.startsWith("-"))?.text ?? "");
    // A launcher whose own options run nothing (timeout, nice, xargs, find -exec) is judged by the program it runs,
    // whose arguments are checked when it is reached; env by its assignments and options only.
    const judged = PLAIN_LAUNCHERS.has(program) ? [] : program === "env" ? args.slice(0, Math.max(0, args.findIndex((x) => !x.text.startsWith("-") && !/^[A-Za-z_]\w*=/.test(x.text)))) : args;
    if ((unwraps === 0 || site.launched === true) && !PLAIN_LAUNCHERS.has(program) && !runsGuard && !SHELLS.has(program) && program !== "eval" && (site.scope.mentionsOpenclaw || judged.some((x) => x.content !== undefined))) this.checkArguments(program, judged, site);
    if (name.text.includes("/") && this.isGuardEntry(name.text)) return guardCli(this, args, site, unwraps);
    runStringHandlers[program]?.(this, args, site, unwraps);
    const handler = commandHandlers[program];
    if (handler !== undefined) return handler(this, args, site, unwraps);
    this.checkUnknownInlineCode(program, args, site);
    if (name.text.includes("/")) this.peekScript(name.text, site, "shell");
  }

  /**
   * An interpreter the table does not know (`pwsh -c`, `Rscript -e`, `julia -e`, `osascript -e`): the
   * value of its inline-code option is judged as code, and as a command line when it parses as one.
   */
  private checkUnknownInlineCode(program: string, args: readonly ShellWord[], site: Site): void {
    if (dataOnlyPositions(program, []) === "all") return;
    args.forEach((x, k) => {
      const value = args[k + 1]?.text;
      if (!UNKNOWN_CODE_OPTION.test(x.text) || value === undefined || !/\S\s+\S/.test(value)) return;
      this.checkCode(value, site.scope, `${program} inline code`);
      const source = value.replaceAll(UNKNOWN, "__guard_unknown__");
      const tree = parseShell(this.parser, source);
      const clean = !tree.rootNode.hasError;
      tree.delete();
      if (clean) this.analyseScript(source, { inheritedMention: site.scope.mentionsOpenclaw, nesting: site.scope.nesting + 1 });
    });
  }

  /** The flipped default: arguments and stdin of any program but data-only ones must not hold a refused call. */
  private checkArguments(program: string, args: readonly ShellWord[], site: Site): void {
    const data = dataOnlyPositions(program, args);
    if (data === "all") return;
    const judged = args.filter((_, k) => !data.has(k));
    this.checkEmbedded(judged.map((x) => (x.content !== undefined ? `\n${x.content}\n` : x.text)).join(" "), `An argument of ${program}`);
    for (const x of judged) this.analyseRunString(x.text, site.scope, `An argument of ${program}`);
    // Shells and interpreters judge their stdin as a script or as code.
    if (!SHELLS.has(program) && !(LANGUAGES as readonly string[]).includes(program)) {
      const input = this.stdinOf(site);
      if (input !== undefined) this.checkEmbedded(input.replaceAll(UNKNOWN, " "), `The input of ${program}`);
    }
  }

  decideCli(cli: string, args: readonly ShellWord[], site: Site): void {
    const decision = decideOpenclawArgv(
      args.map((a) => a.text),
      this.allowList,
    );
    if (!decision.allowed) return this.deny(`Raw \`${cli} ${display(decision.refused ?? "")}\` is disabled here.`);
    const preload = site.preload ?? PRELOAD_VARIABLES.find((name) => site.scope.words.lookupVariable(name) !== undefined);
    if (preload !== undefined) this.deny(`${preload} is set for \`${cli}\`: it loads code into the CLI, which can then send.`);
  }

  isGuardEntry(file: string): boolean {
    if (!isStatic(file) || this.options.isGuardEntry === undefined) return false;
    const expanded = this.expandHome(file);
    return this.candidates(expanded).some((candidate) => this.options.isGuardEntry?.(candidate) === true);
  }

  /**
   * What code hands to processes and loads: the command lines it may run (`os.system('sh f')`) parsed
   * as shell, and the local modules it imports (`import sender`, a relative require) read as code.
   */
  private checkSpawnedCode(code: string, origin: Origin, what: string): void {
    if (origin.nesting > MAX_NESTING) return this.deny(`${what} loads code too deeply to check.`);
    const writes = this.options.protectedArea !== undefined ? writesProtectedPlace(code) : undefined;
    if (writes !== undefined) this.deny(`${what} ${writes}.`);
    for (const line of spawnedCommandLines(code)) {
      const source = line.replaceAll(UNKNOWN, "__guard_unknown__");
      const tree = parseShell(this.parser, source);
      const clean = !tree.rootNode.hasError;
      tree.delete();
      if (clean && this.parses < MAX_PARSES) this.analyseScript(source, { inheritedMention: origin.inheritedMention, nesting: origin.nesting + 1 });
    }
    for (const file of localModuleFiles(code)) {
      // `require('./package.json')` reads data: its scripts are not run.
      if (this.loadedModules.has(file) || /\.json5?$/.test(file)) continue;
      this.loadedModules.add(file);
      const text = this.fileText(file);
      if (text !== undefined) this.analyseFile(file, text, { ...origin, nesting: origin.nesting + 1 }, "code");
    }
  }

  checkCode(code: string, scope: Scope, what: string): void {
    const risk = riskyCode(code, this.allowList);
    if (risk !== undefined) this.deny(`The ${what} ${risk}.`);
    else if (!isStatic(code) && scope.mentionsOpenclaw) this.deny(`The ${what} is built at run time in a command that mentions OpenClaw.`);
    // `exec(os.environ['C'])`, `exec(sys.argv[1])`: code received at run time, in a command that names OpenClaw.
    else if (scope.mentionsOpenclaw && EVALUATES_RUNTIME_CODE.test(code)) this.deny(`The ${what} runs code it only receives at run time, in a command that mentions OpenClaw.`);
    this.checkSpawnedCode(code, { inheritedMention: scope.mentionsOpenclaw, nesting: scope.nesting }, `The ${what}`);
    // Code that starts processes and reads a file may run the file's text: the file is judged as a script.
    const reads = filesReadBySpawningCode(code);
    if (reads === undefined) return;
    if (reads.computed && scope.mentionsOpenclaw) this.deny(`The ${what} starts processes and reads a file it names at run time, in a command that mentions OpenClaw.`);
    for (const file of reads.files) {
      const text = this.fileText(file);
      if (text === undefined) this.deny(`The ${what} starts processes and reads ${display(file)}, which cannot be read here, so what it runs cannot be checked.`);
      else {
        // Run as a shell command or as code, the text must not hold a refused call.
        this.checkEmbedded(text.replaceAll(UNKNOWN, " "), `The file ${display(file)} the ${what} reads`);
        const risk = riskyCode(text, this.allowList);
        if (risk !== undefined) this.deny(`The file ${display(file)} the ${what} reads ${risk}.`);
      }
    }
  }

  // ---- writes -----------------------------------------------------------------

  checkWrite(target: string, kind: WriteKind, sources: readonly string[] = []): void {
    this.checkWriteWord(target, target, kind, sources);
  }

  recordLink(link: string, target: string): void {
    if (isStatic(link) && isStatic(target)) this.links.set(path.normalize(this.expandHome(link)), this.expandHome(target));
  }

  recordWrite(file: string, content: string): void {
    if (isStatic(file)) this.written.set(path.normalize(file), content);
  }

  /** A write to a protected place (a static path or glob) or to something that may name one (computed). */
  private checkWriteWord(target: string, raw: string, kind: WriteKind, sources: readonly string[] = []): void {
    const protectedArea = this.options.protectedArea;
    if (protectedArea === undefined || target === "") return;
    if (!isStatic(target)) {
      if (PROTECTED_HINT.test(raw) || PROTECTED_HINT.test(target)) {
        this.deny(`The command writes to ${display(raw)}, which may be a file the agent must not change (OpenClaw's or the guard's state, agent settings, shell start-up files).`);
      }
      return;
    }
    const expanded = this.expandHome(target);
    const below = kind === "remove";
    // `ln -s ~/.claude s; echo {} > s/settings.json`: a path through a link made here writes below its target.
    const normal = path.normalize(expanded);
    for (const [link, linkTarget] of this.links) {
      if (normal !== link && !normal.startsWith(`${link}/`)) continue;
      const through = linkTarget + normal.slice(link.length);
      if (through !== normal) this.checkWriteWord(through, through, kind, sources);
    }
    for (const resolved of this.candidates(expanded)) {
      const targets: (string | RegExp)[] = [pathOrGlob(resolved)];
      if (kind === "into") targets.push(...sources.filter(isStatic).map((source) => path.join(resolved, path.basename(source))));
      for (const candidate of targets) {
        const area = protectedArea(candidate, below);
        if (area !== undefined) return this.deny(`Writing to, deleting or copying over ${area} is disabled here.`);
      }
    }
  }

  /** An absolute path as the command may mean it: relative to where it starts and to every directory it `cd`s into. */
  private candidates(file: string): string[] {
    if (path.isAbsolute(file)) return [path.normalize(file)];
    return [...new Set([this.options.cwd ?? "/", ...this.directories].map((directory) => path.resolve(directory, file)))];
  }

  // ---- stdin feeds, scripts, substitutions ----------------------------------

  analyseStdin(site: Site, kind: "shell" | "code"): void {
    const program = this.stdinOf(site);
    if (program === undefined) return;
    // `sh <&3`, `sh < f` with nothing known of the descriptor or file: a script that cannot be checked.
    if (kind === "shell" && program === UNKNOWN && this.redirectedInput(site.node, site.scope) === UNKNOWN) {
      return this.deny("The shell reads its script from a file or descriptor that cannot be read here, so it cannot be checked.");
    }
    if (kind === "shell") this.analysePayload(program, site.scope, "The script fed to the shell");
    else this.checkCode(program, site.scope, "code fed to the interpreter");
  }

  stdinOf(site: Site): string | undefined {
    const redirected = this.redirectedInput(site.node, site.scope);
    if (redirected !== undefined) return redirected;
    const producers = pipelineProducers(site.node);
    if (producers.length === 0) return undefined;
    let data: string | undefined;
    for (const producer of producers) data = this.staticOutput(producer, site.scope, data) ?? UNKNOWN;
    return data;
  }

  /** Input from the command's own here-string, heredoc or `< file`. */
  private redirectedInput(command: Node, scope: Scope): string | undefined {
    const redirects = [...command.namedChildren.filter((c): c is Node => c !== null), ...this.followingRedirects(command, scope)];
    for (const redirect of redirects) {
      if (redirect.type === "heredoc_redirect") return this.heredocBody(redirect, scope) ?? "";
      if (redirect.type === "herestring_redirect") {
        const value = redirect.namedChildren.find((c) => c !== null);
        return value ? `${evaluateNode(value, scope.words)}\n` : "";
      }
      if (redirect.type === "file_redirect" && redirect.children.some((c) => c?.type === "<" || c?.type === "<>")) {
        const target = redirect.childForFieldName("destination");
        return (target ? this.fileText(evaluateNode(target, scope.words)) : undefined) ?? UNKNOWN;
      }
      if (redirect.type === "file_redirect" && redirect.children.some((c) => c?.type === "<&")) {
        // `sh <&3`: stdin is whatever `exec 3<f` opened; an unknown descriptor is unknown input.
        const target = redirect.childForFieldName("destination");
        const file = target ? this.descriptors.get(evaluateNode(target, scope.words)) : undefined;
        return (file !== undefined ? this.fileText(file) : undefined) ?? UNKNOWN;
      }
    }
    return undefined;
  }

  /**
   * Redirections written right after this command. tree-sitter hangs them on the enclosing
   * statement (a whole `a && b <<EOF` list), so match them by position instead of by parent.
   */
  private followingRedirects(command: Node, scope: Scope): Node[] {
    for (let ancestor = command.parent; ancestor !== null; ancestor = ancestor.parent) {
      if (ancestor.type !== "redirected_statement") continue;
      const redirects = ancestor.childrenForFieldName("redirect").filter((r): r is Node => r !== null && r.startIndex >= command.endIndex);
      const first = redirects[0];
      // Words tree-sitter leaves out of the command (`crontab - <<EOF` drops the `-`) may sit between.
      if (first && /^[^;&|()\n]*$/.test(scope.source.slice(command.endIndex, first.startIndex))) return redirects;
    }
    return [];
  }

  /**
   * The body text between the redirect's line and its delimiter line. Taken from the source, not
   * from the heredoc_body node: tree-sitter drops leading indentation and, when the first body line
   * starts with a backslash, parses that line as words of the redirect and leaves the body empty.
   */
  private heredocBody(redirect: Node, scope: Scope): string | undefined {
    const start = redirect.children.find((c) => c?.type === "heredoc_start");
    const end = redirect.children.find((c) => c?.type === "heredoc_end");
    if (!start) return undefined;
    const lineEnd = scope.source.indexOf("\n", start.endIndex);
    if (lineEnd < 0) return "";
    return scope.source.slice(lineEnd + 1, end ? end.startIndex : scope.source.length);
  }

  peekScript(file: string, site: Site, runner: FileRunner): boolean {
    if (!isStatic(file)) {
      // `. <(echo ...)`, `bash "$f"`: the script only exists at run time; `sh "$(realpath f)"` names it from text that mentions OpenClaw.
      if (site.scope.mentionsOpenclaw || mentionsOpenclaw(file)) this.deny("A script produced at run time is run in a command that mentions OpenClaw.");
      return false;
    }
    // `sh r*.txt`, `./d*.sh`, `for f in r*; do sh "$f"; done`: bash runs the files the pattern matches.
    const matches = this.globMatches(file);
    if (matches === null) {
      this.deny(`The script pattern ${display(file)} matches more files than can be checked here.`);
      return true;
    }
    if (matches !== undefined) {
      let found = false;
      for (const match of matches) found = this.peekScript(match, site, runner) || found;
      return found;
    }
    const origin = { inheritedMention: false, nesting: site.scope.nesting + 1 };
    const content = this.fileText(file);
    if (content === undefined) return false;
    if (!isStatic(content) && site.scope.mentionsOpenclaw) this.deny(`${display(file)} is written at run time in a command that mentions OpenClaw.`);
    this.analyseFile(file, content.replaceAll(UNKNOWN, ""), origin, runner);
    return true;
  }

  runFile(file: string, site: Site, runner: FileRunner, what: string): void {
    if (file === "") return;
    if (this.peekScript(file, site, runner)) {
      // A file handed to a program to run must not hold a refused call, whatever language it is read as.
      const text = runner === "make" || runner === "make-dry-run" ? undefined : this.fileText(file);
      if (text !== undefined) this.checkEmbedded(text.replaceAll(UNKNOWN, " "), `${what} runs ${display(file)}, which`);
      return;
    }
    // A computed name in a command that mentions OpenClaw was denied by peekScript already.
    if (isStatic(file) || !site.scope.mentionsOpenclaw) this.deny(`${what} runs ${display(file)}, which cannot be read here, so it cannot be checked.`);
  }

  runCommandValue(value: string, site: Site, what: string): void {
    if (!isStatic(value) && !SYSTEM_PROGRAM.test(value)) return this.deny(`${what} is computed at run time (${display(value)}), so what it runs cannot be checked.`);
    if (isStatic(value) && /^[^\s;&|<>()$`'"]+$/.test(value) && (value.includes("/") || SHELL_FILE_NAME.test(value) || CODE_FILE_NAME.test(value))) {
      if (!this.peekScript(value, site, "shell") && !SYSTEM_PROGRAM.test(this.expandHome(value))) this.runFile(value, site, "shell", what);
    } else if (/[\s;&|<>()$`]/.test(value)) this.analysePayload(value, site.scope, what);
  }

  checkCopySource(source: string): void {
    const protectedArea = this.options.protectedArea;
    if (protectedArea === undefined || source === "") return;
    if (!isStatic(source)) {
      if (OPENCLAW_STATE_HINT.test(source)) this.deny(`The command copies ${display(source)}, which may be OpenClaw's state folder (its token and credentials).`);
      return;
    }
    for (const resolved of this.candidates(this.expandHome(source))) {
      // `cp ~/.openclaw/* /tmp`, `cp ~/.open*/openclaw.json .`: a glob copies out of every folder its parent parts match.
      // `cp -r ~ /tmp/h`, `mount --bind ~ /mnt`: a source that contains the state folder copies it too
      // (areasOf lists OpenClaw's state first, so it is the label found below the source).
      for (let part = resolved; ; part = path.dirname(part)) {
        const area = protectedArea(pathOrGlob(part), part === resolved);
        if (area !== undefined && isOpenclawState(area)) return this.deny(`Copying out of ${area} is disabled here: the copy holds the gateway's token and credentials.`);
        if (!/[*?[]/.test(part) || part === "/") break;
      }
    }
  }

  readRelative(file: string): string | undefined {
    const { readFile } = this.options;
    if (readFile === undefined) return undefined;
    // The last directory the command `cd`s into is the likeliest place; the start directory the least.
    for (const candidate of this.candidates(this.expandHome(file)).reverse()) {
      const content = readFile(candidate);
      if (content !== undefined) return content;
    }
    return undefined;
  }

  packageScripts(directory?: string): Record<string, unknown>[] {
    const texts: string[] = [];
    const file = directory === undefined ? "package.json" : path.join(directory, "package.json");
    const written = this.written.get(path.normalize(file));
    if (written !== undefined) texts.push(written);
    const { readFile } = this.options;
    if (readFile !== undefined) {
      for (const candidate of this.candidates(this.expandHome(file))) {
        const content = readFile(candidate);
        if (content !== undefined) texts.push(content);
      }
    }
    return texts.flatMap((text) => {
      try {
        const parsed = JSON.parse(text) as { scripts?: unknown };
        return typeof parsed.scripts === "object" && parsed.scripts !== null ? [parsed.scripts as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  private expandHome(file: string): string {
    // `~+/f` is $PWD/f.
    if (/^~\+(\/|$)/.test(file) && this.options.cwd !== undefined) file = this.options.cwd + file.slice(2);
    const home = this.options.homeDir;
    return home === undefined ? file : expandHome(file, { HOME: home });
  }

  /** What `$(...)` prints when that is knowable without running anything; `$(< f)` is the file. */
  private substitutionOutput(substitution: Node, scope: Scope): string | undefined {
    const inner = substitution.namedChildren.filter((c) => c !== null);
    if (inner.length !== 1 || !inner[0]) return undefined;
    if (inner[0].type === "file_redirect") {
      const target = inner[0].childForFieldName("destination");
      return target ? this.fileText(evaluateNode(target, scope.words))?.replace(/\n+$/, "") : undefined;
    }
    return this.staticOutput(inner[0], scope)?.replace(/\n+$/, "");
  }

  /** What a command or pipeline prints when knowable without running anything (echo, printf, cat, decoders, filters). */
  private staticOutput(node: Node, scope: Scope, stdin?: string): string | undefined {
    if (node.type === "pipeline") {
      let data = stdin;
      for (const stage of node.namedChildren) {
        data = stage ? this.staticOutput(stage, scope, data) : undefined;
        if (data === undefined) return undefined;
      }
      return data;
    }
    if (node.type === "redirected_statement") {
      const body = node.childForFieldName("body");
      return body ? this.staticOutput(body, scope, stdin) : undefined;
    }
    if (node.type !== "command") return undefined;
    const [name, ...rest] = this.argvOf(node, scope);
    const args = rest.map((a) => a.text);
    const input = (): string | undefined => this.redirectedInput(node, scope) ?? stdin;
    switch (name?.text) {
      case "echo":
        return echoOutput(args);
      case "printf":
        return printfOutput(args);
      case "pwd":
        return args.length === 0 ? this.startDirectory(scope.source) : undefined;
      case "cat": {
        const files = args.filter((a) => !a.startsWith("-"));
        if (files.length === 0) return input();
        const contents = files.map((file) => this.fileText(file));
        return contents.every((c) => c !== undefined) ? contents.join("") : undefined;
      }
      default: {
        // Decoders and filters read stdin, or the file they are given (`base64 -d f.b64 | sh`).
        // Every operand that is a readable file (`grep -h . a b c | sh`), or the inline code's files (`python3 -c "print(open('f').read())"`).
        const operands = (LANGUAGES as readonly string[]).includes(normaliseCommandName(name?.text ?? "")) ? (filesReadByCode(args.join(" "))?.files ?? []) : args.filter((a) => !a.startsWith("-"));
        const texts = operands.slice(0, 16).map((file) => this.fileText(file)).filter((text): text is string => text !== undefined);
        const data = input() ?? (texts.length > 0 ? texts.join("\n") : undefined);
        if (data === undefined) return undefined;
        // Any other program over known text prints something computed from it: the text is kept for the checks.
        return decodeOutput(name?.text ?? "", args, data) ?? filterOutput(name?.text ?? "", args, data, UNKNOWN) ?? `${UNKNOWN}\n${data}`;
      }
    }
  }

  /** A file written earlier in this command, an fd opened with `exec N<f`, else the file on disk. */
  fileText(file: string): string | undefined {
    if (!isStatic(file)) return undefined;
    const descriptor = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(file)?.[1];
    const resolved = descriptor !== undefined ? this.descriptors.get(descriptor) : file;
    if (resolved === undefined || !isStatic(resolved)) return undefined;
    const direct = this.written.get(path.normalize(resolved)) ?? this.readRelative(resolved);
    if (direct !== undefined) return direct;
    const matches = this.globMatches(resolved);
    if (matches === undefined || matches === null || matches.length === 0) return undefined;
    const texts = matches.map((match) => this.written.get(path.normalize(match)) ?? this.readRelative(match));
    return texts.every((text) => text !== undefined) ? texts.join("\n") : undefined;
  }

  /**
   * The absolute files a path with glob characters matches, or undefined for a plain path; null when
   * there are more than can be listed here.
   */
  private globMatches(file: string): string[] | null | undefined {
    if (!/(^|[^\\])[*?[]/.test(file) || !isStatic(file) || this.options.expandGlob === undefined) return undefined;
    const matches = new Set<string>();
    for (const candidate of this.candidates(this.expandHome(file))) {
      const found = this.options.expandGlob(candidate);
      if (found === undefined) return null;
      for (const match of found) matches.add(match);
    }
    return matches.size > MAX_EXPANDED_PATHS ? null : [...matches];
  }

  foundPaths(query: FindQuery): string[] | undefined {
    if (this.options.findPaths === undefined) return undefined;
    const found = new Set<string>();
    for (const start of query.starts) {
      for (const candidate of this.candidates(this.expandHome(start))) {
        const paths = this.options.findPaths(candidate, query);
        if (paths === undefined) return undefined;
        for (const p of paths) found.add(p);
      }
    }
    return found.size > MAX_EXPANDED_PATHS ? undefined : [...found];
  }

  expandPattern(pattern: string): string[] | undefined {
    return this.globMatches(pattern) ?? (/[*?[]/.test(pattern) ? undefined : [pattern]);
  }

  /** Where the command starts, for $PWD and `pwd`, when it changes directory nowhere. */
  startDirectory(source: string): string | undefined {
    return /(^|[\s;&|(])(cd|pushd|popd)(\s|$|;)/.test(source) ? undefined : this.options.cwd;
  }
}

/** Earlier stages of the pipeline feeding this command (also `cat <<EOF | sh`, where tree-sitter nests the pipe in the heredoc). */
function pipelineProducers(command: Node): Node[] {
  const pipeline = command.parent;
  if (pipeline?.type !== "pipeline") return [];
  const earlier = pipeline.namedChildren.filter((stage): stage is Node => stage !== null && stage.endIndex <= command.startIndex);
  const body = pipeline.parent?.type === "heredoc_redirect" ? pipeline.parent.parent?.childForFieldName("body") : null;
  return body ? [body, ...earlier] : earlier;
}



/** A path with glob characters as the RegExp of what it matches, else the path. */
function pathOrGlob(file: string): string | RegExp {
  return /(^|[^\\])[*?[]/.test(file) ? globToRegExp(file) : file;
}

function display(text: string): string {
  const shown = text.replaceAll(UNKNOWN, "…").replace(/\s+/g, " ");
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}
