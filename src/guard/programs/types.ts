// What a program family's handler sees of the analysis: one small interface, so each family
// (shells, interpreters, launchers, runners, writers) lives in its own module behind one table.
import type { Node } from "../shell-parser.js";
import type { ShellWord, WordContext } from "../shell-words.js";
import type { AllowList } from "../openclaw-policy.js";

export interface Scope {
  /** The text this tree was parsed from. */
  readonly source: string;
  readonly words: WordContext;
  /** This text or one it came from mentions OpenClaw (see code-signals). */
  readonly mentionsOpenclaw: boolean;
  readonly nesting: number;
}

export interface Origin {
  readonly inheritedMention: boolean;
  readonly nesting: number;
}

/** Where a command was found: its node (for stdin feeds), its scope, and preload variables set for it. */
export interface Site {
  readonly node: Node;
  readonly scope: Scope;
  /** A variable such as NODE_OPTIONS or LD_PRELOAD set for this command (`env X=... cmd`). */
  readonly preload?: string;
  /** Variables a launcher set for this command (`env X=... cmd`); the node's own assignments are on `node`. */
  readonly assigned?: readonly string[];
  /** Values a launcher set for this command (`env GIT_CONFIG_KEY_0=... git`). */
  readonly env?: ReadonlyMap<string, string>;
  /** Reached through a launcher: the program's own arguments are still judged (the launcher's were not). */
  readonly launched?: boolean;
}

/** "make-dry-run": `make -n`, which prints recipes and runs only `$(shell ...)` and `+` lines. */
export type FileRunner = "shell" | "code" | "make" | "make-dry-run" | "written";

/** How a write touches its target: replaces or creates it, removes it (and all below), or copies into it. */
export type WriteKind = "write" | "remove" | "into";

export interface Analyser {
  readonly allowList: AllowList;
  deny(reason: string): void;
  analyseArgv(argv: readonly ShellWord[], site: Site, unwraps: number): void;
  /** A command string about to be run by a shell (sh -c, eval, a git alias, a package.json script). */
  analysePayload(text: string, from: Scope, what: string): void;
  analyseMakefile(content: string, site: Site): void;
  /** Peek at a script about to run; true when its content was found. */
  peekScript(file: string, site: Site, runner: FileRunner): boolean;
  /**
   * A file a program is handed to run (`awk -f`, `make -f`, `crontab FILE`, `man -P`): peeked like a
   * script; one that cannot be read here is denied with the reason, never allowed silently.
   */
  runFile(file: string, site: Site, runner: FileRunner, what: string): void;
  /**
   * A command a program runs for the user (a pager, an editor, GIT_EXTERNAL_DIFF): a file it names
   * is run as a file (runFile; programs installed in the system's directories pass); a command line is parsed as shell.
   */
  runCommandValue(value: string, site: Site, what: string): void;
  /** NAME=VALUE set for a command (before it, or through `env`/`sudo`): what it makes a program run. */
  assignmentEffects(name: string, value: string, site: Site): void;
  /** A copy or link made from `source` (cp, rsync, ln): OpenClaw's state folder must not be copied out. */
  checkCopySource(source: string): void;
  /** A shell or interpreter reading its program from stdin. */
  analyseStdin(site: Site, kind: "shell" | "code"): void;
  /** What the command reads on stdin when knowable (UNKNOWN parts for run-time data). */
  stdinOf(site: Site): string | undefined;
  checkCode(code: string, scope: Scope, what: string): void;
  /** Deny when `text` holds an OpenClaw call the policy refuses. */
  checkEmbedded(text: string, what: string): void;
  checkWrite(target: string, kind: WriteKind, sources?: readonly string[]): void;
  /** `ln -s TARGET LINK`: later writes to LINK in this command are judged as writes to TARGET. */
  recordLink(link: string, target: string): void;
  /** Record content written to a file, to be judged like a script about to run. */
  recordWrite(file: string, content: string): void;
  decideCli(cli: string, args: readonly ShellWord[], site: Site): void;
  /** package.json scripts found for this command (in `directory`, else every place the command may be). */
  packageScripts(directory?: string): Record<string, unknown>[];
  readRelative(file: string): string | undefined;
  /** The files a glob pattern (relative or absolute) matches here, or undefined when they cannot be listed. */
  expandPattern(pattern: string): string[] | undefined;
  /** The paths `find` would select here (see FindQuery), or undefined when they cannot all be listed. */
  foundPaths(query: FindQuery): string[] | undefined;
  /** A file written earlier in this command, an fd from `exec N<f`, else the file on disk. */
  fileText(file: string): string | undefined;
  /** The path (relative or absolute) is openclaw-guard's own cli.js. */
  isGuardEntry(file: string): boolean;
}

/** What `find START... TESTS` selects, read from an expression that only narrows (tests joined by the implicit AND). */
export type FindQuery = { readonly starts: readonly string[]; readonly names: readonly RegExp[]; readonly filesOnly: boolean; readonly minDepth: number; readonly maxDepth: number };

export type Handler = (analyser: Analyser, args: readonly ShellWord[], site: Site, unwraps: number) => void;
export type HandlerTable = Readonly<Record<string, Handler>>;

export const word = (text: string): ShellWord => ({ text, glob: false });
