// Decide whether a shell command would run an OpenClaw send path.
// Parses with tree-sitter-bash, walks every command node (also inside $(...), <(...),
// heredoc-fed shells, functions, loops), unwraps launchers and re-parses payloads
// (sh -c, eval, env -S, watch, written-then-run scripts), and decides on the CLI's
// argv with the same policy as the PATH shim. Pure: file access only via options.readFile.
import { posix as path } from "node:path";
import { mentionsGateway, mentionsOpenclaw, riskyCode } from "./code-signals.js";
import { CLI_NAMES, DEFAULT_ALLOW_LIST, decideOpenclawArgv, type AllowList } from "./openclaw-policy.js";
import { initShellParser, parseShell, type Node } from "./shell-parser.js";
import {
  CLI_NAME_WORD,
  CLUSTERED_CODE_OPTION,
  CODE_FILE_NAME,
  CONTAINER_EXEC,
  COPIERS,
  WRITERS,
  INLINE_CODE_OPTIONS,
  INTERPRETER_VALUE_OPTIONS,
  LANGUAGES,
  LAUNCHERS,
  LIFECYCLE_SCRIPTS,
  MAKEFILE_NAME,
  MAKES,
  NETWORK_CLIENTS,
  PACKAGE_RUNNERS,
  SCRIPT_RUNNING_NPM,
  SHELL_FILE_NAME,
  SHELLS,
  STDIN_COMMAND_RUNNERS,
  XARGS,
  cliNameOf,
  isOpenclawEntryScript,
  normaliseCommandName,
  packageBinName,
  splitOption,
  type Language,
  type LauncherSpec,
} from "./command-specs.js";
import { expandHome } from "../contacts/config-path.js";
import { PROTECTED_HINT } from "./protected-paths.js";
import { decodeOutput, echoOutput, printfOutput } from "./static-output.js";
import {
  UNKNOWN,
  evaluateNode,
  evaluateWord,
  globToRegExp,
  isStatic,
  type ShellWord,
  type WordContext,
} from "./shell-words.js";

export interface AnalyseOptions {
  readonly allowList?: AllowList;
  /** Directory the command runs in; relative script paths are resolved against it. */
  readonly cwd?: string;
  /** Expands a leading `~/` in script paths. */
  readonly homeDir?: string;
  /** Capped reader for scripts about to run; undefined for missing, binary or oversized files. */
  readonly readFile?: (absolutePath: string) => string | undefined;
  /** The label of a place the agent must not write (see protected-paths.ts), or undefined. */
  readonly protectedArea?: (absolutePath: string) => string | undefined;
}

export interface Verdict {
  readonly decision: "allow" | "deny";
  readonly reasons: string[];
}

export const MAX_COMMAND_LENGTH = 256 * 1024;
const MAX_PARSES = 64;
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

/** Analyse file content as the kind of file its name says (script, Makefile, package.json, code). */
export function analyseFileContent(filePath: string, content: string, options: AnalyseOptions = {}): Verdict {
  if (parser === undefined) throw new Error("initCommandAnalyser() has not completed");
  if (content.length > MAX_COMMAND_LENGTH * 4) {
    return { decision: "deny", reasons: ["The content is too large to check."] };
  }
  const analysis = new Analysis(parser, options);
  analysis.analyseFile(filePath, content, { inheritedMention: false, nesting: 0 }, "written");
  return analysis.verdict();
}

interface Scope {
  /** The text this tree was parsed from. */
  readonly source: string;
  readonly words: WordContext;
  /** This text or one it came from mentions OpenClaw (see code-signals). */
  readonly mentionsOpenclaw: boolean;
  readonly nesting: number;
}

interface Origin {
  readonly inheritedMention: boolean;
  readonly nesting: number;
}

/** Where a command was found: its node (for stdin feeds) and its scope. */
interface Site {
  readonly node: Node;
  readonly scope: Scope;
}


class Analysis {
  private readonly reasons = new Set<string>();
  private readonly allowList: AllowList;
  private parses = 0;
  /** Files written earlier in the same command (`printf ... > t.sh && ./t.sh`): path -> content. */
  private readonly written = new Map<string, string>();
  /** Directories a static `cd` moves to; scripts may be relative to them. */
  private readonly directories: string[];

  constructor(
    private readonly parser: Parser,
    private readonly options: AnalyseOptions,
  ) {
    this.allowList = options.allowList ?? DEFAULT_ALLOW_LIST;
    this.directories = options.cwd !== undefined ? [options.cwd] : [];
  }

  /** Files the command writes that would send when run later (a script, Makefile, package.json). */
  analyseWrittenFiles(): void {
    for (const [file, content] of this.written) {
      this.analyseFile(file, content.replaceAll(UNKNOWN, ""), { inheritedMention: false, nesting: 1 }, "written");
    }
  }

  verdict(): Verdict {
    const reasons = [...this.reasons];
    return { decision: reasons.length > 0 ? "deny" : "allow", reasons };
  }

  private deny(reason: string): void {
    this.reasons.add(reason);
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
        lookupVariable: (name) => variables.get(name) ?? undefined,
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

  /** A command string (sh -c, eval, env -S, watch, a package.json script) about to be run by a shell. */
  private analysePayload(text: string, from: Scope, what: string): void {
    if (!isStatic(text) && from.mentionsOpenclaw) {
      this.deny(`${what} is built at run time in a command that mentions OpenClaw.`);
    }
    this.analyseScript(text.replaceAll(UNKNOWN, "__guard_unknown__"), { inheritedMention: from.mentionsOpenclaw, nesting: from.nesting + 1 });
  }

  /** Content of a file about to run, or being written (kind "written"), by what its name and first line say. */
  analyseFile(filePath: string, content: string, origin: Origin, runner: "shell" | "code" | "make" | "written"): void {
    const name = path.basename(filePath);
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(content);
    const interpreter = shebang ? path.basename(shebang[1] === "/usr/bin/env" || shebang[1] === "/bin/env" ? (shebang[2] ?? "") : (shebang[1] ?? "")) : "";
    if (runner === "make" || MAKEFILE_NAME.test(name)) return this.analyseMakefile(content, origin);
    if (name === "package.json") return this.analysePackageJsonText(content, origin);
    const isShell = SHELLS.has(interpreter) || SHELL_FILE_NAME.test(name) || (runner === "shell" && interpreter === "");
    if (isShell) return this.analyseScript(content, { ...origin, nesting: origin.nesting + 1 });
    if (runner === "code" || interpreter !== "" || CODE_FILE_NAME.test(name)) {
      const risk = riskyCode(content);
      if (risk !== undefined) this.deny(`The script ${name} ${risk}.`);
    }
  }

  private analyseMakefile(content: string, origin: Origin): void {
    const definitions = new Map<string, string>();
    for (const match of content.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*[:+?]?=\s*(.*)$/gm)) {
      if (match[1] !== undefined) definitions.set(match[1], match[2] ?? "");
    }
    const recipes = content
      .split("\n")
      .filter((line) => line.startsWith("\t"))
      .map((line) =>
        line
          .replace(/^\t[@+\-\s]*/, "")
          .replace(/\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]/g, (whole, name: string) => definitions.get(name) ?? whole)
          .replaceAll("$$", "$"),
      );
    if (recipes.length > 0) this.analyseScript(recipes.join("\n"), { ...origin, nesting: origin.nesting + 1 });
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

  /** Variables assigned exactly once with a static value, files written by redirection, `cd` targets. */
  private collectFacts(root: Node, scope: Scope, variables: Map<string, string | null>): void {
    const assign = (name: string, value: string): void => {
      variables.set(name, variables.has(name) && variables.get(name) !== value ? null : value);
    };
    const walk = (node: Node): void => {
      if (node.type === "variable_assignment") {
        const name = node.childForFieldName("name")?.text;
        const value = node.childForFieldName("value");
        if (name !== undefined) assign(name, value ? (value.type === "array" ? UNKNOWN : evaluateNode(value, scope.words)) : "");
      } else if (node.type === "for_statement") {
        const name = node.childForFieldName("variable")?.text;
        const values = node.childrenForFieldName("value");
        if (name !== undefined) assign(name, values.length === 1 && values[0] ? evaluateNode(values[0], scope.words) : UNKNOWN);
      } else if (node.type === "redirected_statement") {
        this.collectWrite(node, scope);
      } else if (node.type === "command") {
        const argv = this.argvOf(node, scope);
        if (argv[0]?.text === "cd" && argv[1] !== undefined && isStatic(argv[1].text)) {
          const base = this.options.cwd ?? "/";
          this.directories.push(path.resolve(base, this.expandHome(argv[1].text)));
        }
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
      if (!/^(>|>>|>\||&>|&>>)$/.test(operator) || !destination) continue;
      const target = evaluateNode(destination, scope.words);
      this.checkWrite({ text: target, raw: destination.text });
      if (!isStatic(target)) continue;
      const content = (body ? this.staticOutput(body, scope) : undefined) ?? UNKNOWN;
      const key = path.normalize(target);
      this.written.set(key, operator.startsWith(">>") || operator === "&>>" ? (this.written.get(key) ?? "") + content : content);
    }
  }

  // ---- walking --------------------------------------------------------------

  private visit(node: Node, scope: Scope): void {
    if (node.type === "command") this.analyseCommandNode(node, scope);
    else if (node.type === "heredoc_redirect") this.checkIndentedHeredoc(node, scope);
    for (const child of node.namedChildren) if (child) this.visit(child, scope);
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
      else if (field === "argument") argv.push(...evaluateWord(child, scope.words));
    }
    return argv;
  }

  private analyseCommandNode(command: Node, scope: Scope): void {
    this.analyseArgv(this.argvOf(command, scope), { node: command, scope }, 0);
  }

  /** Decide on one simple command after expansion; launchers recurse with the wrapped argv. */
  private analyseArgv(argv: readonly ShellWord[], site: Site, unwraps: number): void {
    const [name, ...args] = argv;
    if (name === undefined) return;
    if (unwraps > MAX_NESTING) return this.deny("The command nests launchers too deeply to check.");
    const base = path.basename(name.text);
    if (!isStatic(base)) {
      if (site.scope.mentionsOpenclaw) this.deny(`The command name ${display(name.text)} is computed at run time in a command that mentions OpenClaw.`);
      return;
    }
    const cli = cliNameOf(base) ?? (name.glob ? CLI_NAMES.find((cliName) => globToRegExp(base).test(cliName)) : undefined);
    if (cli !== undefined) return this.decideCli(cli, args);
    const handler = commandHandlers[normaliseCommandName(base)];
    if (handler !== undefined) return handler.call(this, args, site, unwraps);
    if (name.text.includes("/")) this.peekScript(name.text, site, "shell");
  }

  private decideCli(cli: string, args: readonly ShellWord[]): void {
    const decision = decideOpenclawArgv(
      args.map((a) => a.text),
      this.allowList,
    );
    if (!decision.allowed) this.deny(`Raw \`${cli} ${display(decision.refused ?? "")}\` is disabled here.`);
  }

  // ---- command handlers (called with `this` bound) ---------------------------

  launch(spec: LauncherSpec, args: readonly ShellWord[], site: Site, unwraps: number, launcher: string): void {
    let positionals = spec.positionalsBefore ?? 0;
    let optionsEnded = false;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.text ?? "";
      if (!optionsEnded && arg === "--") {
        optionsEnded = true;
        continue;
      }
      if (!optionsEnded && arg.startsWith("-") && arg.length > 1) {
        const [option, attached] = splitOption(arg, spec.commandOptions ?? []);
        // A flag cluster ending in the command option (`script -qc CMD`) takes the next word.
        const clustered = /^-[A-Za-z]+$/.test(arg) && spec.commandOptions?.includes(`-${arg.slice(-1)}`) === true;
        if (spec.commandOptions?.includes(option) || clustered) {
          const payload = clustered ? args[++i]?.text : (attached ?? args[++i]?.text);
          // `env -S 'cmd args' more` splits the string and appends the rest.
          const rest = launcher === "env" ? args.slice(i + 1).map((a) => a.text) : [];
          if (payload !== undefined) this.analysePayload([payload, ...rest].join(" "), site.scope, `The command given to ${launcher}`);
          return;
        }
        if (spec.lookupOptions?.includes(arg)) return;
        const [valueOption, value] = splitOption(arg, spec.valueOptions ?? []);
        if (spec.valueOptions?.includes(valueOption) && value === undefined) i++;
        continue;
      }
      if (spec.skipAssignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) continue;
      if (positionals > 0) {
        positionals--;
        continue;
      }
      const wrapped = args.slice(i);
      if (spec.joinsCommand) return this.analysePayload(wrapped.map((a) => a.text).join(" "), site.scope, `The command given to ${launcher}`);
      this.analyseArgv(spec.appendsArguments ? [...wrapped, { text: UNKNOWN, glob: false }] : wrapped, site, unwraps + 1);
      return;
    }
  }

  shell(args: readonly ShellWord[], site: Site): void {
    let commandMode = false;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.text ?? "";
      if (arg === "-" || arg === "--") break;
      if (/^[-+]o$|^-O$|^--(rcfile|init-file)$/.test(arg)) {
        i++;
        continue;
      }
      if (/^-[A-Za-z]+$/.test(arg)) {
        if (arg.includes("c")) commandMode = true;
        continue;
      }
      if (arg.startsWith("--") || arg.startsWith("+")) continue;
      if (commandMode) return this.analysePayload(arg, site.scope, "The command given to the shell");
      this.peekScript(arg, site, "shell");
      return;
    }
    if (!commandMode) this.analyseStdin(site, "shell");
  }

  interpreter(language: Language, args: readonly ShellWord[], site: Site, unwraps: number): void {
    const codeOptions = INLINE_CODE_OPTIONS[language];
    let ranCode = false;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.text ?? "";
      if (codeOptions.includes(arg) || CLUSTERED_CODE_OPTION[language]?.test(arg)) {
        this.checkCode(args[++i]?.text ?? "", site.scope, `${language} inline code`);
        ranCode = true;
        continue;
      }
      if (language !== "node" && !arg.startsWith("--") && arg.length > 2 && codeOptions.includes(arg.slice(0, 2))) {
        this.checkCode(arg.slice(2), site.scope, `${language} inline code`);
        ranCode = true;
        continue;
      }
      if (INTERPRETER_VALUE_OPTIONS[language].includes(arg)) {
        const value = args[++i]?.text ?? "";
        if (CLI_NAME_WORD.test(value)) this.deny(`${language} loads ${display(value)}, which is OpenClaw.`);
        if (language === "python" && arg === "-m") return; // the rest are the module's arguments
        continue;
      }
      if (arg.startsWith("-") && arg !== "-") continue;
      if (ranCode) return; // the rest are arguments to the inline code
      if ((language === "deno" || language === "bun") && arg === "eval") {
        return this.checkCode(args.slice(i + 1).map((a) => a.text).join(" "), site.scope, `${language} inline code`);
      }
      if (language === "bun" && arg === "x") return this.packageRunner(args.slice(i + 1), site, unwraps);
      if (language === "bun" && arg === "run" && this.packageScript("bun", args.slice(i + 1), site)) return;
      if ((language === "deno" || language === "bun") && arg === "run") continue;
      if (arg === "-") return this.analyseStdin(site, "code");
      if (isOpenclawEntryScript(arg)) return this.decideCli("openclaw", args.slice(i + 1));
      this.peekScript(arg, site, "code");
      return;
    }
    if (!ranCode) this.analyseStdin(site, "code");
  }

  private checkCode(code: string, scope: Scope, what: string): void {
    const risk = riskyCode(code);
    if (risk !== undefined) this.deny(`The ${what} ${risk}.`);
    else if (!isStatic(code) && scope.mentionsOpenclaw) this.deny(`The ${what} is built at run time in a command that mentions OpenClaw.`);
  }

  /** `npx [opts] pkg[@version] args`, `npm exec -- ...`, `pnpm dlx`, `yarn dlx`, `bunx`. */
  packageRunner(args: readonly ShellWord[], site: Site, unwraps: number): void {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.text ?? "";
      if (arg === "--") continue;
      if (arg === "-c" || arg === "--call") return this.analysePayload(args[i + 1]?.text ?? "", site.scope, "The command given to the package runner");
      if (arg.startsWith("--call=")) return this.analysePayload(arg.slice(7), site.scope, "The command given to the package runner");
      if (["-p", "--package", "-w", "--workspace", "--cache", "--userconfig", "--registry"].includes(arg)) {
        i++;
        continue;
      }
      if (arg.startsWith("-")) continue;
      const bin = packageBinName(arg);
      this.analyseArgv([{ text: bin, glob: false }, ...args.slice(i + 1)], site, unwraps + 1);
      return;
    }
  }

  /** `npm run x`, `pnpm x`, `yarn x`, `bun run x`, `npm test`: peek at package.json's scripts. */
  packageScript(manager: string, args: readonly ShellWord[], site: Site): boolean {
    const script = args.find((a) => !a.text.startsWith("-"))?.text;
    const scripts = script === undefined ? undefined : this.readPackageScripts();
    if (script === undefined || scripts?.[script] === undefined) return false;
    for (const name of [`pre${script}`, script, `post${script}`]) {
      const body = scripts[name];
      if (typeof body === "string") this.analysePayload(body, site.scope, `The ${manager} script "${name}"`);
    }
    return true;
  }

  npm(args: readonly ShellWord[], site: Site, unwraps: number): void {
    const positionals = args.filter((a) => !a.text.startsWith("-") || a.text === "--");
    const sub = positionals[0]?.text ?? "";
    if (sub === "exec" || sub === "x") return this.packageRunner(args.slice(args.findIndex((a) => a.text === sub) + 1), site, unwraps);
    if (SCRIPT_RUNNING_NPM.has(sub)) {
      this.packageScript("npm", positionals.slice(1), site);
      return;
    }
    const lifecycle = LIFECYCLE_SCRIPTS[sub];
    // `npm install <pkg>` runs that package's scripts, not ours; bare install/ci runs ours.
    if (lifecycle !== undefined && (positionals.length === 1 || !["install", "i", "ci"].includes(sub))) {
      for (const script of lifecycle) this.packageScript("npm", [{ text: script, glob: false }], site);
      return;
    }
    if (sub === "pkg" && positionals[1]?.text === "set") {
      for (const assignment of positionals.slice(2)) {
        const match = /^scripts\.([^=]+)=([\s\S]*)$/.exec(assignment.text);
        if (match?.[2] !== undefined) this.analysePayload(match[2], site.scope, `The package.json script "${match[1] ?? ""}"`);
      }
    }
    if (sub === "set-script" && positionals[2] !== undefined) this.analysePayload(positionals[2].text, site.scope, "The package.json script");
  }

  /** pnpm, yarn: `dlx`/`exec` run a bin, `run x` or a bare `x` runs a script. */
  packageManager(manager: string, args: readonly ShellWord[], site: Site, unwraps: number): void {
    const positionals = args.filter((a) => !a.text.startsWith("-"));
    const sub = positionals[0]?.text ?? "";
    if (sub === "dlx" || sub === "exec") return this.packageRunner(args.slice(args.findIndex((a) => a.text === sub) + 1), site, unwraps);
    // `run x`, or a bare `x`: runs the script of that name; packageScript() ignores names package.json lacks.
    this.packageScript(manager, sub === "run" || sub === "run-script" ? positionals.slice(1) : positionals, site);
  }

  make(args: readonly ShellWord[], site: Site): void {
    let directory = "";
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.text ?? "";
      if (arg === "-f" || arg === "--file" || arg === "--makefile") files.push(args[++i]?.text ?? "");
      else if (/^--(file|makefile)=/.test(arg)) files.push(arg.slice(arg.indexOf("=") + 1));
      else if (arg.startsWith("-f") && arg.length > 2) files.push(arg.slice(2));
      else if (arg === "-C" || arg === "--directory") directory = args[++i]?.text ?? "";
      else if (arg.startsWith("--directory=")) directory = arg.slice(12);
    }
    const candidates = files.length > 0 ? files : ["GNUmakefile", "makefile", "Makefile"];
    for (const file of candidates) {
      if (this.peekScript(path.join(directory, file), site, "make")) return;
    }
  }

  /** `git -c alias.x='!cmd'`, `-c core.pager=cmd`, `git config alias.x '!cmd'`: values git runs in a shell. */
  git(args: readonly ShellWord[], site: Site): void {
    const values: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.text ?? "";
      const setting = arg === "-c" ? args[++i]?.text : arg.startsWith("-c") ? arg.slice(2) : undefined;
      if (setting !== undefined) values.push(setting.slice(setting.indexOf("=") + 1));
      if (arg === "config") {
        values.push(...args.slice(i + 1).filter((a) => !a.text.startsWith("-")).slice(1).map((a) => a.text));
        break;
      }
      if (!arg.startsWith("-")) break;
    }
    for (const value of values) {
      if (CLI_NAME_WORD.test(value) || (!isStatic(value) && site.scope.mentionsOpenclaw)) {
        this.analysePayload(value.replace(/^!/, ""), site.scope, "The git setting");
      }
    }
  }

  find(args: readonly ShellWord[], site: Site, unwraps: number): void {
    for (let i = 0; i < args.length; i++) {
      if (!/^-(exec|execdir|ok|okdir)$/.test(args[i]?.text ?? "")) continue;
      const end = args.findIndex((a, k) => k > i && (a.text === ";" || a.text === "+"));
      // find substitutes each found path for {}: `find -name openclaw -exec {} message send \;`.
      const command = args.slice(i + 1, end < 0 ? undefined : end).map((a) => (a.text.includes("{}") ? { text: UNKNOWN, glob: false } : a));
      this.analyseArgv(args[end]?.text === "+" ? [...command, { text: UNKNOWN, glob: false }] : command, site, unwraps + 1);
      if (end < 0) return;
      i = end;
    }
  }

  /** xargs -I R: words containing R are filled from input at run time. */
  xargs(args: readonly ShellWord[], site: Site, unwraps: number): void {
    const option = args.findIndex((a) => /^(-I|--replace)/.test(a.text));
    const text = args[option]?.text ?? "";
    const replacement = text === "-I" ? args[option + 1]?.text : text.startsWith("--replace") ? (text.split("=")[1] ?? "{}") : text.slice(2);
    const valueEnd = text === "-I" ? option + 1 : option;
    const words = replacement
      ? args.map((a, k) => (k > valueEnd && a.text.includes(replacement) ? { text: UNKNOWN, glob: false } : a))
      : args;
    this.launch(XARGS, words, site, unwraps, "xargs");
  }

  trap(args: readonly ShellWord[], site: Site): void {
    const handler = args[0]?.text;
    if (handler !== undefined && !handler.startsWith("-")) this.analysePayload(handler, site.scope, "The trap handler");
  }

  /** `docker exec CONTAINER cmd`, `podman exec`, `kubectl exec POD -- cmd`: the CLI runs inside. */
  containerExec(args: readonly ShellWord[], site: Site, unwraps: number): void {
    if (args[0]?.text === "exec") this.launch(CONTAINER_EXEC, args.slice(1), site, unwraps, "exec");
  }

  evalBuiltin(args: readonly ShellWord[], site: Site): void {
    this.analysePayload(args.map((a) => a.text).join(" "), site.scope, "The string given to eval");
  }

  source(args: readonly ShellWord[], site: Site): void {
    const file = args[0]?.text;
    if (file !== undefined) this.peekScript(file, site, "shell");
  }

  network(args: readonly ShellWord[], site: Site): void {
    if (args.some((a) => mentionsGateway(a.text)) || mentionsGateway(site.scope.source)) {
      this.deny("The command talks to the OpenClaw gateway directly.");
    }
  }

  copier(args: readonly ShellWord[]): void {
    const target = args.find((a) => cliNameOf(path.basename(a.text)) !== undefined || isOpenclawEntryScript(a.text));
    if (target !== undefined) this.deny(`The command copies or links ${display(target.text)}, which is the OpenClaw CLI.`);
    this.writer(args);
  }

  /** Commands that write, replace or delete the files named in their arguments. */
  writer(args: readonly ShellWord[]): void {
    for (const arg of args) {
      if (arg.text.startsWith("-")) continue;
      this.checkWrite({ text: arg.text.replace(/^of=/, ""), raw: arg.text });
    }
  }

  /** `sed` writes only with -i / --in-place. */
  sed(args: readonly ShellWord[]): void {
    if (args.some((a) => /^-[a-zA-Z]*i|^--in-place/.test(a.text))) this.writer(args);
  }

  /** A write to a protected place (a static path) or to something that may name one (computed). */
  private checkWrite(target: { text: string; raw: string }): void {
    if (isStatic(target.text)) {
      const expanded = this.expandHome(target.text);
      // Relative to where the command starts, and to every directory it `cd`s into.
      for (const directory of [this.options.cwd ?? "/", ...this.directories]) {
        const area = this.options.protectedArea?.(path.resolve(directory, expanded));
        if (area !== undefined) return this.deny(`Writing to, deleting or copying ${area} is disabled here.`);
      }
    } else if ((PROTECTED_HINT.test(target.raw) || PROTECTED_HINT.test(target.text)) && this.options.protectedArea !== undefined) {
      this.deny(`The command writes to ${display(target.raw)}, which may be a file the agent must not change (OpenClaw's or the guard's state, or Claude Code settings).`);
    }
  }

  alias(args: readonly ShellWord[]): void {
    if (args.some((a) => CLI_NAME_WORD.test(a.text))) this.deny("The alias points at the OpenClaw CLI.");
  }

  hash(args: readonly ShellWord[], site: Site): void {
    if (args.some((a) => a.text === "-p") && (args.some((a) => CLI_NAME_WORD.test(a.text)) || site.scope.mentionsOpenclaw)) {
      this.deny("hash -p binds a name to the OpenClaw CLI.");
    }
  }

  // ---- stdin feeds, scripts, substitutions ----------------------------------

  /** A shell or interpreter reading its program from stdin: a heredoc, here-string, `< file` or a pipe. */
  private analyseStdin(site: Site, kind: "shell" | "code"): void {
    const program = this.stdinOf(site.node, site.scope);
    if (program === undefined) return;
    if (kind === "shell") this.analysePayload(program, site.scope, "The script fed to the shell");
    else this.checkCode(program, site.scope, "code fed to the interpreter");
  }

  /**
   * What a command reads on stdin, when that is knowable: UNKNOWN where it is produced
   * at run time, undefined when nothing is redirected or piped in.
   */
  private stdinOf(command: Node, scope: Scope): string | undefined {
    const redirected = this.redirectedInput(command, scope);
    if (redirected !== undefined) return redirected;
    const producers = pipelineProducers(command);
    if (producers.length === 0) return undefined;
    let data: string | undefined;
    for (const producer of producers) data = this.staticOutput(producer, scope, data) ?? UNKNOWN;
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
      if (redirect.type === "file_redirect" && redirect.children.some((c) => c?.type === "<")) {
        const target = redirect.childForFieldName("destination");
        return (target ? this.fileText(evaluateNode(target, scope.words)) : undefined) ?? UNKNOWN;
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
      if (first && /^\s*$/.test(scope.source.slice(command.endIndex, first.startIndex))) return redirects;
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

  /** Peek at a script about to run. Returns true when its content was found. */
  private peekScript(file: string, site: Site, runner: "shell" | "code" | "make"): boolean {
    if (!isStatic(file)) {
      // `. <(echo ...)`, `bash "$f"`: the script only exists at run time.
      if (site.scope.mentionsOpenclaw) this.deny("A script produced at run time is run in a command that mentions OpenClaw.");
      return false;
    }
    const origin = { inheritedMention: false, nesting: site.scope.nesting + 1 };
    const writtenNow = this.written.get(path.normalize(file));
    if (writtenNow !== undefined) {
      if (!isStatic(writtenNow) && site.scope.mentionsOpenclaw) this.deny(`${display(file)} is written at run time in a command that mentions OpenClaw.`);
      this.analyseFile(file, writtenNow.replaceAll(UNKNOWN, ""), origin, runner);
      return true;
    }
    const content = this.readRelative(file);
    if (content === undefined) return false;
    this.analyseFile(file, content, origin, runner);
    return true;
  }

  private readRelative(file: string): string | undefined {
    const { readFile } = this.options;
    if (readFile === undefined) return undefined;
    const expanded = this.expandHome(file);
    if (path.isAbsolute(expanded)) return readFile(expanded);
    for (const directory of this.directories) {
      const content = readFile(path.resolve(directory, expanded));
      if (content !== undefined) return content;
    }
    return undefined;
  }

  private readPackageScripts(): Record<string, unknown> | undefined {
    const text = this.written.get("package.json") ?? this.readRelative("package.json");
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text) as { scripts?: unknown };
      return typeof parsed.scripts === "object" && parsed.scripts !== null ? (parsed.scripts as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private expandHome(file: string): string {
    const home = this.options.homeDir;
    return home === undefined ? file : expandHome(file, { HOME: home });
  }

  /** What `$(...)` prints when that is knowable without running anything. */
  private substitutionOutput(substitution: Node, scope: Scope): string | undefined {
    const inner = substitution.namedChildren.filter((c) => c !== null);
    if (inner.length !== 1 || !inner[0]) return undefined;
    return this.staticOutput(inner[0], scope)?.replace(/\n+$/, "");
  }

  /** What a command or pipeline prints when knowable without running anything (echo, printf, cat, decoders). */
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
      case "cat": {
        const files = args.filter((a) => !a.startsWith("-"));
        if (files.length === 0) return input();
        const contents = files.map((file) => this.fileText(file));
        return contents.every((c) => c !== undefined) ? contents.join("") : undefined;
      }
      default: {
        const data = input();
        return data === undefined ? undefined : decodeOutput(name?.text ?? "", args, data);
      }
    }
  }

  /** A file written earlier in this command, else the file on disk. */
  private fileText(file: string): string | undefined {
    if (!isStatic(file)) return undefined;
    return this.written.get(path.normalize(file)) ?? this.readRelative(file);
  }
}

type Handler = (this: Analysis, args: readonly ShellWord[], site: Site, unwraps: number) => void;

const commandHandlers: Readonly<Record<string, Handler>> = {
  ...Object.fromEntries(
    Object.entries(LAUNCHERS).map(([launcher, spec]): [string, Handler] => [
      launcher,
      function (this: Analysis, args, site, unwraps) {
        this.launch(spec, args, site, unwraps, launcher);
      },
    ]),
  ),
  ...Object.fromEntries([...SHELLS].map((shell): [string, Handler] => [shell, Analysis.prototype.shell])),
  ...Object.fromEntries([...STDIN_COMMAND_RUNNERS].map((runner): [string, Handler] => [runner, function (this: Analysis, args, site) {
    this.shell([], site);
  }])),
  ...Object.fromEntries(
    LANGUAGES.map((language): [string, Handler] => [
      language,
      function (this: Analysis, args, site, unwraps) {
        this.interpreter(language, args, site, unwraps);
      },
    ]),
  ),
  ...Object.fromEntries([...PACKAGE_RUNNERS].map((runner): [string, Handler] => [runner, Analysis.prototype.packageRunner])),
  ...Object.fromEntries([...MAKES].map((make): [string, Handler] => [make, Analysis.prototype.make])),
  ...Object.fromEntries([...NETWORK_CLIENTS].map((client): [string, Handler] => [client, Analysis.prototype.network])),
  ...Object.fromEntries([...COPIERS].map((copier): [string, Handler] => [copier, Analysis.prototype.copier])),
  ...Object.fromEntries([...WRITERS].map((writer): [string, Handler] => [writer, Analysis.prototype.writer])),
  sed: Analysis.prototype.sed,
  npm: Analysis.prototype.npm,
  pnpm: function (this: Analysis, args, site, unwraps) {
    this.packageManager("pnpm", args, site, unwraps);
  },
  yarn: function (this: Analysis, args, site, unwraps) {
    this.packageManager("yarn", args, site, unwraps);
  },
  git: Analysis.prototype.git,
  find: Analysis.prototype.find,
  xargs: Analysis.prototype.xargs,
  trap: Analysis.prototype.trap,
  docker: Analysis.prototype.containerExec,
  podman: Analysis.prototype.containerExec,
  kubectl: Analysis.prototype.containerExec,
  eval: Analysis.prototype.evalBuiltin,
  source: Analysis.prototype.source,
  ".": Analysis.prototype.source,
  alias: Analysis.prototype.alias,
  // tree-sitter reads a misplaced keyword (`env for ...; do cmd; done`) as a command named `do`.
  ...Object.fromEntries(["do", "then", "else", "elif", "if", "while", "until", "!", "{"].map((keyword): [string, Handler] => [keyword, function (this: Analysis, args, site, unwraps) {
    this.launch({}, args, site, unwraps, keyword);
  }])),
  hash: Analysis.prototype.hash,
};

/** Handlers that can only deny when the text names OpenClaw or a protected place, so plain text without either skips them. */
const MARKER_ONLY_HANDLERS = new Set(["git", "alias", "hash", "sed", ...COPIERS, ...WRITERS]);
const SHELL_KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in", "function", "time", "coproc", "!", "{", "}", "[[", "]]"]);
const PLAIN_CHAR = /[A-Za-z0-9_./:,=+@%\- \t]/;

/**
 * Splits a command in which bash expands nothing into its simple commands' words: plain
 * characters, 'single-quoted' text, "double-quoted" text without $, ` or \, joined by
 * ; && || |, and a trailing # comment. Undefined for anything else (expansions, globs,
 * redirections, newlines, subshells), which only the parser may judge.
 */
function plainSegments(command: string): { name: string; nameQuoted: boolean }[] | undefined {
  const segments: { name: string; nameQuoted: boolean }[] = [];
  let name = "";
  let nameQuoted = false;
  let inName = true; // still reading the first word of the current segment
  let wordStarted = false;
  const endWord = () => {
    if (wordStarted && inName) inName = false;
    wordStarted = false;
  };
  const endSegment = () => {
    segments.push({ name, nameQuoted });
    name = "";
    nameQuoted = false;
    inName = true;
    wordStarted = false;
  };
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === "'" || ch === '"') {
      const close = command.indexOf(ch, i + 1);
      if (close < 0) return undefined;
      const body = command.slice(i + 1, close);
      if (ch === '"' && /[$`\\!]/.test(body)) return undefined;
      if (inName) {
        name += body;
        nameQuoted = true;
      }
      wordStarted = true;
      i = close;
    } else if (ch === "#" && !wordStarted) {
      break; // a comment runs to the end of the line, and there is only one line
    } else if (ch === "&" || ch === "|" || ch === ";") {
      const pair = command.slice(i, i + 2);
      if (pair === "&&" || pair === "||") i++;
      else if (ch === "&") return undefined; // background job
      endSegment();
    } else if (ch === " " || ch === "\t") {
      endWord();
    } else if (PLAIN_CHAR.test(ch)) {
      if (inName) name += ch;
      wordStarted = true;
    } else {
      return undefined;
    }
  }
  endSegment();
  return segments;
}

/**
 * The verdict for a command in which bash expands nothing (see plainSegments) and whose commands
 * are neither OpenClaw nor anything the analyser looks into; undefined otherwise. analyseCommand()
 * gives the same answer for these; this one needs no parser, so the hook can skip loading the
 * grammar for most everyday commands (`git status`, `grep -rn "TODO" src`).
 */
export function plainCommandVerdict(command: string): Verdict | undefined {
  if (command.length > MAX_COMMAND_LENGTH || mentionsOpenclaw(command) || PROTECTED_HINT.test(command)) return undefined;
  const segments = plainSegments(command);
  if (segments === undefined) return undefined;
  for (const { name, nameQuoted } of segments) {
    const handled = commandHandlers[normaliseCommandName(name)] !== undefined && !MARKER_ONLY_HANDLERS.has(name);
    const looksInto = nameQuoted || name.includes("/") || name.includes("=") || SHELL_KEYWORDS.has(name) || cliNameOf(name) !== undefined || handled;
    if (looksInto) return undefined;
  }
  return { decision: "allow", reasons: [] };
}

/** Earlier stages of the pipeline feeding this command (also `cat <<EOF | sh`, where tree-sitter nests the pipe in the heredoc). */
function pipelineProducers(command: Node): Node[] {
  const pipeline = command.parent;
  if (pipeline?.type !== "pipeline") return [];
  const earlier = pipeline.namedChildren.filter((stage): stage is Node => stage !== null && stage.endIndex <= command.startIndex);
  const body = pipeline.parent?.type === "heredoc_redirect" ? pipeline.parent.parent?.childForFieldName("body") : null;
  return body ? [body, ...earlier] : earlier;
}



function display(text: string): string {
  const shown = text.replaceAll(UNKNOWN, "…").replace(/\s+/g, " ");
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}
