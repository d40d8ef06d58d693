// Programs that run commands written somewhere else: package scripts (npm, pnpm, yarn, bun),
// package runners (npx, pnpm dlx), make and just recipes, git's configured commands and hooks.
import { posix as path } from "node:path";
import { CLI_NAME_WORD, LIFECYCLE_SCRIPTS, MAKES, PACKAGE_RUNNERS, SCRIPT_RUNNING_NPM, packageBinName } from "../command-specs.js";
import { PROTECTED_HINT } from "../protected-paths.js";
import { isStatic, type ShellWord } from "../shell-words.js";
import { diffTargets, pathFrom } from "./writers.js";
import { word, type Analyser, type Handler, type HandlerTable, type Site } from "./types.js";

/** `npx [opts] pkg[@version] args`, `npm exec -- ...`, `pnpm dlx`, `yarn dlx`, `bunx`. */
export function packageRunner(a: Analyser, args: readonly ShellWord[], site: Site, unwraps: number): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (arg === "--") continue;
    if (arg === "-c" || arg === "--call") return a.analysePayload(args[i + 1]?.text ?? "", site.scope, "The command given to the package runner");
    if (arg.startsWith("--call=")) return a.analysePayload(arg.slice(7), site.scope, "The command given to the package runner");
    if (["-p", "--package", "-w", "--workspace", "--cache", "--userconfig", "--registry"].includes(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    a.analyseArgv([word(packageBinName(arg)), ...args.slice(i + 1)], site, unwraps + 1);
    return;
  }
}

/** `npm run x`, `pnpm x`, `yarn x`, `bun run x`, `npm test`: the package.json scripts, with pre/post. */
export function packageScript(a: Analyser, manager: string, args: readonly ShellWord[], site: Site, directory?: string): boolean {
  const script = args.find((x) => !x.text.startsWith("-"))?.text;
  if (script === undefined) return false;
  let found = false;
  for (const scripts of a.packageScripts(directory)) {
    if (scripts[script] === undefined) continue;
    found = true;
    for (const name of [`pre${script}`, script, `post${script}`]) {
      const body = scripts[name];
      if (typeof body === "string") a.analysePayload(body, site.scope, `The ${manager} script "${name}"`);
    }
  }
  return found;
}

/** The value of `--name VALUE`, `--name=VALUE` or a short alias, among a package manager's options. */
function optionValue(args: readonly ShellWord[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (names.includes(arg)) return args[i + 1]?.text;
    const long = names.find((name) => name.startsWith("--") && arg.startsWith(`${name}=`));
    if (long !== undefined) return arg.slice(long.length + 1);
  }
  return undefined;
}

/** Positionals, skipping the values of the directory options (`--prefix dir`). */
function positionalsOf(args: readonly ShellWord[], valueOptions: readonly string[]): ShellWord[] {
  return args.filter((x, k) => (!x.text.startsWith("-") || x.text === "--") && !valueOptions.includes(args[k - 1]?.text ?? ""));
}

const NPM_DIRECTORY = ["--prefix", "-C", "-w", "--workspace"];

/**
 * The workspace folders `npm run X -w W` / `--workspaces` runs in (undefined: the package itself).
 * A `workspaces` entry with a glob cannot be listed here: it is named as is, and cannot be read.
 */
function npmWorkspaces(a: Analyser, args: readonly ShellWord[]): string[] | undefined {
  const named = args.flatMap((x, k) => (x.text === "-w" || x.text === "--workspace" ? [args[k + 1]?.text ?? ""] : x.text.startsWith("--workspace=") ? [x.text.slice(12)] : []));
  if (named.length > 0) return named;
  if (!args.some((x) => /^(--workspaces|-ws|--ws)(=true)?$/.test(x.text))) return undefined;
  try {
    const root = JSON.parse(a.fileText("package.json") ?? "{}") as { workspaces?: unknown };
    const list = Array.isArray(root.workspaces) ? root.workspaces : (root.workspaces as { packages?: unknown } | undefined)?.packages;
    return Array.isArray(list) ? list.filter((w): w is string => typeof w === "string") : ["(the workspaces)"];
  } catch {
    return ["(the workspaces)"];
  }
}

function npm(a: Analyser, args: readonly ShellWord[], site: Site, unwraps: number): void {
  const directory = optionValue(args, NPM_DIRECTORY);
  // --script-shell runs every script: the shell itself is a script about to run.
  const scriptShell = optionValue(args, ["--script-shell"]);
  if (scriptShell !== undefined) a.peekScript(scriptShell, site, "shell");
  const positionals = positionalsOf(args, [...NPM_DIRECTORY, "--script-shell"]);
  const sub = positionals[0]?.text ?? "";
  if (sub === "exec" || sub === "x") return packageRunner(a, args.slice(args.findIndex((x) => x.text === sub) + 1), site, unwraps);
  // `npm explore PKG -- cmd`: the command runs in the package's folder.
  if (sub === "explore") {
    const dash = args.findIndex((x) => x.text === "--");
    if (dash >= 0) return a.analysePayload(args.slice(dash + 1).map((x) => x.text).join(" "), site.scope, "npm explore's command");
  }
  if (SCRIPT_RUNNING_NPM.has(sub)) {
    const workspaces = npmWorkspaces(a, args);
    if (workspaces === undefined) packageScript(a, "npm", positionals.slice(1), site, directory);
    for (const workspace of workspaces ?? []) {
      if (!packageScript(a, "npm", positionals.slice(1), site, workspace)) a.deny(`npm runs the script in the workspace ${workspace}, whose package.json cannot be read here, so it cannot be checked.`);
    }
    return;
  }
  const lifecycle = LIFECYCLE_SCRIPTS[sub];
  // `npm install <pkg>` runs that package's scripts, not ours; bare install/ci runs ours.
  if (lifecycle !== undefined && (positionals.length === 1 || !["install", "i", "ci"].includes(sub))) {
    for (const script of lifecycle) packageScript(a, "npm", [word(script)], site, directory);
    return;
  }
  if (sub === "pkg" && positionals[1]?.text === "set") {
    for (const assignment of positionals.slice(2)) {
      const match = /^scripts\.([^=]+)=([\s\S]*)$/.exec(assignment.text);
      if (match?.[2] !== undefined) a.analysePayload(match[2], site.scope, `The package.json script "${match[1] ?? ""}"`);
    }
  }
  if (sub === "config" && positionals[1]?.text === "set" && /^script-shell(=|$)/.test(positionals[2]?.text ?? "")) {
    const value = positionals[2]?.text.includes("=") ? positionals[2].text.slice(13) : positionals[3]?.text;
    if (value !== undefined) a.peekScript(value, site, "shell");
  }
  if (sub === "set-script" && positionals[2] !== undefined) a.analysePayload(positionals[2].text, site.scope, "The package.json script");
}

/** The folders a package.json `workspaces` list or pnpm-workspace.yaml names (globs expanded), or undefined when none can be read. */
function workspaceFolders(a: Analyser): string[] | undefined {
  const patterns: string[] = [];
  try {
    const root = JSON.parse(a.fileText("package.json") ?? "{}") as { workspaces?: unknown };
    const list = Array.isArray(root.workspaces) ? root.workspaces : (root.workspaces as { packages?: unknown } | undefined)?.packages;
    if (Array.isArray(list)) patterns.push(...list.filter((w): w is string => typeof w === "string"));
  } catch {
    // not JSON: no workspaces from it
  }
  for (const match of (a.fileText("pnpm-workspace.yaml") ?? "").matchAll(/^\s*-\s*["']?([^"'#\n]+?)["']?\s*$/gm)) if (!match[1]?.startsWith("!")) patterns.push(match[1] ?? "");
  if (patterns.length === 0) return undefined;
  return patterns.flatMap((pattern) => a.expandPattern(pattern.replace(/\/\*\*$/, "/*")) ?? [pattern]);
}

/** pnpm --filter/-r, yarn workspace(s): the script runs in workspace packages, each package.json read; one found nowhere readable is not allowed unread. */
function workspaceScripts(a: Analyser, manager: string, script: ShellWord[], site: Site): void {
  const name = script[0]?.text;
  if (name === undefined || LIFECYCLE_SCRIPTS[name] !== undefined) return;
  // Without a workspace list the packages are the root's (pnpm -r in a single package) or the filter's folders.
  const filters = (site.scope.source.match(/(?:--filter|-F)[= ]["']?(\.{0,2}\/[^\s"'{}]+)/g) ?? []).map((match) => match.replace(/^(?:--filter|-F)[= ]["']?/, "").replace(/\.\.\.$/, ""));
  for (const folder of [...(workspaceFolders(a) ?? []), ...filters]) packageScript(a, manager, script, site, folder);
}

const WORKSPACE_SELECTORS = /^(--filter|-F|--filter-prod|-r|--recursive|-w|--workspace-root)(=|$)/;

/** pnpm, yarn: `dlx`/`exec` run a bin, `run x` or a bare `x` runs a script (in `-C dir`, `--cwd dir`). */
function packageManager(manager: string, directoryOptions: readonly string[]): Handler {
  return (a, args, site, unwraps) => {
    const directory = optionValue(args, directoryOptions);
    const positionals = positionalsOf(args, [...directoryOptions, "--filter", "-F", "--filter-prod"]);
    const sub = positionals[0]?.text ?? "";
    // `pnpm --filter bot notify`, `pnpm -r run notify`, `yarn workspace bot notify`, `yarn workspaces foreach run notify`.
    if (manager === "pnpm" && args.some((x) => WORKSPACE_SELECTORS.test(x.text))) {
      workspaceScripts(a, manager, sub === "run" || sub === "run-script" ? positionals.slice(1) : positionals, site);
    }
    if (manager === "yarn" && (sub === "workspace" || sub === "workspaces")) {
      const rest = sub === "workspace" ? positionals.slice(2) : positionals.slice(positionals.findIndex((x) => x.text === "run") + 1);
      return workspaceScripts(a, manager, rest[0]?.text === "run" ? rest.slice(1) : rest, site);
    }
    if (sub === "dlx" || sub === "exec") return packageRunner(a, args.slice(args.findIndex((x) => x.text === sub) + 1), site, unwraps);
    const lifecycle = LIFECYCLE_SCRIPTS[sub];
    if (lifecycle !== undefined && positionals.length === 1) {
      for (const script of lifecycle) packageScript(a, manager, [word(script)], site, directory);
      return;
    }
    // packageScript() ignores names package.json lacks.
    packageScript(a, manager, sub === "run" || sub === "run-script" ? positionals.slice(1) : positionals, site, directory);
  };
}

/** `make -n` prints recipes instead of running them; `$(shell ...)` and `+` lines still run. */
const MAKE_DRY_RUN = /^-[A-Za-z]*n[A-Za-z]*$|^--(just-print|dry-run|recon)$/;

function make(a: Analyser, args: readonly ShellWord[], site: Site): void {
  let directory = "";
  const files: string[] = [];
  const runner = args.some((x) => MAKE_DRY_RUN.test(x.text) && !/^-[A-Za-z]*[fCEIoWj]/.test(x.text)) ? "make-dry-run" : "make";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (arg === "-f" || arg === "--file" || arg === "--makefile") files.push(args[++i]?.text ?? "");
    else if (/^--(file|makefile)=/.test(arg)) files.push(arg.slice(arg.indexOf("=") + 1));
    else if (arg.startsWith("-f") && arg.length > 2) files.push(arg.slice(2));
    else if (arg === "-C" || arg === "--directory") directory = args[++i]?.text ?? "";
    else if (arg.startsWith("--directory=")) directory = arg.slice(12);
    else if (arg === "-E" || arg === "--eval") a.analyseMakefile(args[++i]?.text ?? "", site);
    else if (arg.startsWith("SHELL=")) a.runFile(arg.slice(6), site, "shell", "make's SHELL"); // make runs every recipe with it
    else if (arg.startsWith("--eval=")) a.analyseMakefile(arg.slice(7), site);
  }
  // A makefile named with -f is a file handed to make to run: one that cannot be read is not allowed silently.
  for (const file of files) a.runFile(path.join(directory, file), site, runner, "make -f");
  if (files.length > 0) return;
  for (const file of ["GNUmakefile", "makefile", "Makefile"]) {
    if (a.peekScript(path.join(directory, file), site, runner)) return;
  }
}

/** Options of a task runner that only list, print or explain, and run no task. */
const LISTS_ONLY = /^(-l|--list|--summary|--help|-h|--version|-V|--dump|--evaluate|--show|--choose|--variables|--groups|--fmt|--init)$/;

/** `file`, then `../file`, ...: task runners look for their file in the directory and its parents. */
function upwards(names: readonly string[]): string[] {
  return [0, 1, 2, 3, 4, 5, 6, 7].flatMap((depth) => names.map((name) => `${"../".repeat(depth)}${name}`));
}

/** just: recipes are the indented lines of the justfile (found in the directory or a parent). */
function just(a: Analyser, args: readonly ShellWord[], site: Site): void {
  if (args.some((x) => LISTS_ONLY.test(x.text))) return;
  const at = args.findIndex((x) => x.text === "-f" || x.text === "--justfile" || x.text.startsWith("--justfile="));
  const named = args[at]?.text.startsWith("--justfile=") === true ? args[at]?.text.slice(11) : args[at + 1]?.text;
  const files = at >= 0 ? [named ?? ""] : upwards(["justfile", "Justfile", ".justfile"]);
  for (const file of files) {
    const text = file === "/dev/stdin" ? a.stdinOf(site) : a.fileText(file);
    if (text === undefined) continue;
    const recipes = text.split("\n").filter((line) => /^[ \t]+\S/.test(line)).map((line) => line.trim().replace(/^[@-]+/, ""));
    a.analysePayload(recipes.join("\n"), site.scope, `The just recipe in ${file}`);
    return;
  }
  a.deny(`just runs recipes from ${at >= 0 ? (files[0] ?? "") : "a justfile"}, which cannot be read here, so they cannot be checked.`);
}

/** `deno task NAME`: the task's command in deno.json or deno.jsonc (the directory or a parent), run by deno's shell. */
export function denoTask(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const name = args.find((x) => !x.text.startsWith("-"))?.text;
  const config = optionValue(args, ["--config", "-c"]);
  if (name === undefined || args.some((x) => LISTS_ONLY.test(x.text))) return;
  for (const file of config !== undefined ? [config] : upwards(["deno.json", "deno.jsonc", "package.json"])) {
    const text = a.fileText(file);
    const task = text === undefined ? undefined : denoTasks(text)?.[name];
    if (task !== undefined) return a.analysePayload(task, site.scope, `The deno task "${name}"`);
  }
  a.deny(`deno task ${name} is not in a deno.json that can be read here, so it cannot be checked.`);
}

/** The `tasks` of a deno.json(c) (or the `scripts` of a package.json): name -> command. Comments and trailing commas are tolerated. */
function denoTasks(text: string): Record<string, string> | undefined {
  const json = text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (whole, string: string | undefined) => string ?? "").replace(/,(\s*[}\]])/g, "$1");
  try {
    const parsed = JSON.parse(json) as { tasks?: Record<string, unknown>; scripts?: Record<string, unknown> };
    const tasks = { ...parsed.scripts, ...parsed.tasks };
    return Object.fromEntries(
      Object.entries(tasks).flatMap(([key, value]): [string, string][] => {
        const command = typeof value === "string" ? value : (value as { command?: unknown } | null)?.command;
        return typeof command === "string" ? [[key, command]] : [];
      }),
    );
  } catch {
    return undefined;
  }
}

/** git settings whose value is a command git runs (or a path to one). */
const GIT_COMMAND_SETTINGS = /^(alias\..*|core\.(editor|pager|sshcommand|fsmonitor|askpass|hookspath)|sequence\.editor|diff\..*\.(command|textconv)|diff\.external|merge\..*\.driver|filter\..*\.(clean|smudge|process)|credential\.helper|gpg\.program|gpg\..*\.program|pager\..*|interactive\.difffilter|uploadpack\.packobjectshook)$/i;
const GIT_HOOKS = ["pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push", "post-checkout", "post-merge", "pre-rebase", "post-rewrite", "reference-transaction", "pre-auto-gc"];

/** `git -c key=value`, `git config key value`: values git runs in a shell, or hooks it runs from a directory. */
/** git subcommands that rewrite, restore or remove files of the work tree. */
const GIT_TREE_WRITERS = new Set(["checkout", "switch", "restore", "reset", "rm", "mv", "clean", "stash", "pull", "merge", "rebase", "cherry-pick", "revert", "am", "apply", "read-tree", "checkout-index", "worktree", "clone", "init", "sparse-checkout", "filter-branch", "submodule"]);

/** `git -C DIR`, `--work-tree=DIR`, `git apply --directory=DIR`: a subcommand that rewrites the tree writes below DIR. */
function gitTreeWrites(a: Analyser, args: readonly ShellWord[], site: Site): void {
  // GIT_WORK_TREE / GIT_DIR set for the command move the tree as --work-tree does.
  const environment = (name: string): string | undefined => site.env?.get(name) ?? site.scope.words.lookupVariable(name);
  let tree = environment("GIT_WORK_TREE") ?? environment("GIT_DIR")?.replace(/\/\.git\/?$/, "") ?? ".";
  let sub: string | undefined;
  let at = 0;
  for (; at < args.length; at++) {
    const arg = args[at]?.text ?? "";
    if (arg === "-C") tree = pathFrom(tree, args[++at]?.text ?? "");
    else if (arg === "--work-tree" || arg === "--git-dir") tree = args[++at]?.text ?? tree;
    else if (/^--(work-tree|git-dir)=/.test(arg)) tree = arg.slice(arg.indexOf("=") + 1);
    else if (arg === "-c") at++;
    else if (!arg.startsWith("-")) {
      sub = arg;
      break;
    }
  }
  if (sub === undefined || !GIT_TREE_WRITERS.has(sub)) return;
  // `.` too: `cd ~/.claude && git checkout -- .` rewrites the folder the command moved into.
  a.checkWrite(tree, "remove");
  const rest = args.slice(at + 1);
  if (sub === "clone" || sub === "init" || sub === "worktree") {
    const target = rest.filter((x) => !x.text.startsWith("-")).at(-1)?.text;
    if (target !== undefined) a.checkWrite(path.join(tree, target), "remove");
  }
  if (sub !== "apply" && sub !== "am") return;
  const directory = optionValue(rest, ["--directory"]) ?? "";
  if (directory !== "") a.checkWrite(path.join(tree, directory), "remove");
  // --directory is relative to the repository's top, which may be the home (a dotfiles repository): by name.
  if (PROTECTED_HINT.test(directory)) a.deny(`git apply --directory=${directory} writes below the repository's top, which may be the home folder, into a place the agent must not change.`);
  if (rest.some((x) => x.text === "--unsafe-paths")) a.deny("git apply --unsafe-paths may write outside the repository, so what it writes cannot be checked.");
  // The files the patches name (`+++ b/.claude/settings.json`), under the tree and --directory.
  // --check, --stat, --numstat, --summary only read, unless --apply is also given.
  const writesTree = !rest.some((x) => /^--(check|stat|numstat|summary)$/.test(x.text)) || rest.some((x) => x.text === "--apply");
  if (sub !== "apply" || !writesTree) return;
  const patches = rest.filter((x) => !x.text.startsWith("-"));
  const patchText = (file: string) => (file === "-" ? a.stdinOf(site) : a.fileText(pathFrom(tree, file)));
  const texts = patches.length === 0 ? [a.stdinOf(site)] : patches.map((x) => patchText(x.text));
  for (const text of texts) for (const file of diffTargets(text ?? "")) a.checkWrite(path.join(tree, directory, file), "write");
}

/** `git config` options that take a value (not the key or the value being set). */
const GIT_CONFIG_VALUE_OPTIONS = new Set(["-f", "--file", "--blob", "--type", "--default", "--comment", "--value", "--file-value"]);
/** `git config set|add|replace-all KEY VALUE` (git 2.46), and the older `git config [--add] KEY VALUE`. */
const GIT_CONFIG_SUBCOMMANDS = new Set(["set", "add", "replace-all"]);

/** `[core]\n\tpager = x`, `[alias] s = !sh f`: the settings of a git config file's text. */
export function gitConfigSettings(text: string): [string, string][] {
  const settings: [string, string][] = [];
  let section = "";
  for (const line of text.split("\n")) {
    const header = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"([^"]*)")?\s*\]/.exec(line);
    if (header) section = header[2] !== undefined ? `${header[1] ?? ""}.${header[2]}` : (header[1] ?? "");
    const entry = /^\s*([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$/.exec(line.replace(/^\s*\[[^\]]*\]/, ""));
    if (entry?.[1] !== undefined) settings.push([`${section}.${entry[1]}`, (entry[2] ?? "").replace(/^"(.*)"$/, "$1")]);
  }
  return settings;
}

/** Settings git takes from its environment: GIT_CONFIG_COUNT/KEY_n/VALUE_n, --config-env's variables, GIT_CONFIG_GLOBAL files. */
function environmentSettings(a: Analyser, args: readonly ShellWord[], site: Site): [string, string][] {
  const value = (name: string): string | undefined => site.env?.get(name) ?? site.scope.words.lookupVariable(name);
  const settings: [string, string][] = [];
  for (let n = 0; n < 16; n++) {
    const key = value(`GIT_CONFIG_KEY_${n}`);
    if (key !== undefined) settings.push([key, value(`GIT_CONFIG_VALUE_${n}`) ?? ""]);
  }
  for (const arg of args) {
    const match = /^--config-env=([^=]+)=(\w+)$/.exec(arg.text);
    if (match?.[1] !== undefined) settings.push([match[1], value(match[2] ?? "") ?? "\u0000"]);
    if (!arg.text.startsWith("-")) break;
  }
  for (const name of ["GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG"]) {
    const file = value(name);
    const text = file !== undefined ? a.fileText(file) : undefined;
    if (text !== undefined) settings.push(...gitConfigSettings(text));
  }
  return settings;
}

/** git subcommands' options whose value git runs in a shell (`rebase --exec`, `difftool -x`, `send-email --to-cmd`). */
const GIT_RUN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  rebase: ["-x", "--exec"],
  difftool: ["-x", "--extcmd"],
  mergetool: [],
  "send-email": ["--to-cmd", "--cc-cmd", "--header-cmd", "--sendmail-cmd"],
  "filter-branch": ["--env-filter", "--tree-filter", "--index-filter", "--parent-filter", "--msg-filter", "--commit-filter", "--tag-name-filter"],
  "filter-repo": [],
  fetch: ["--upload-pack"],
  clone: ["-u", "--upload-pack"],
  "ls-remote": ["--upload-pack"],
  pull: ["--upload-pack"],
  push: ["--receive-pack", "--exec"],
};

/** `git rebase --exec CMD`, `git submodule foreach CMD`, `git bisect run ARGV`: strings git runs are parsed as shell. */
function gitRunStrings(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const at = args.findIndex((x, k) => !x.text.startsWith("-") && !["-c", "-C", "--git-dir", "--work-tree"].includes(args[k - 1]?.text ?? ""));
  const sub = args[at]?.text ?? "";
  const rest = args.slice(at + 1);
  const options = GIT_RUN_OPTIONS[sub] ?? [];
  rest.forEach((x, k) => {
    const long = options.find((option) => option.startsWith("--") && x.text.startsWith(`${option}=`));
    const value = long !== undefined ? x.text.slice(long.length + 1) : options.includes(x.text) ? rest[k + 1]?.text : undefined;
    if (value !== undefined) a.runCommandValue(value, site, `git ${sub} ${long ?? x.text}`);
  });
  if (sub === "submodule") {
    const foreach = rest.findIndex((x) => x.text === "foreach");
    const command = rest.slice(foreach + 1).filter((x) => !x.text.startsWith("-"));
    if (foreach >= 0 && command.length > 0) a.analysePayload(command.map((x) => x.text).join(" "), site.scope, "git submodule foreach");
  }
  if (sub === "bisect" && rest[0]?.text === "run" && rest.length > 1) a.analyseArgv(rest.slice(1), { ...site, launched: true }, 1);
}

function git(a: Analyser, args: readonly ShellWord[], site: Site): void {
  gitTreeWrites(a, args, site);
  gitRunStrings(a, args, site);
  const settings: [string, string][] = environmentSettings(a, args, site);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    const setting = arg === "-c" ? args[++i]?.text : arg.startsWith("-c") ? arg.slice(2) : undefined;
    if (setting !== undefined) settings.push([setting.slice(0, Math.max(0, setting.indexOf("="))), setting.slice(setting.indexOf("=") + 1)]);
    if (arg === "config") {
      const rest = args.slice(i + 1).filter((x, k, all) => !x.text.startsWith("-") && !GIT_CONFIG_VALUE_OPTIONS.has(all[k - 1]?.text ?? ""));
      const words = GIT_CONFIG_SUBCOMMANDS.has(rest[0]?.text ?? "") ? rest.slice(1) : rest;
      if (words[0] !== undefined && words[1] !== undefined) settings.push([words[0].text, words[1].text]);
      break;
    }
    if (!arg.startsWith("-")) break;
  }
  // `git -c include.path=F`: F's settings count as if given here.
  for (const [key, value] of [...settings]) {
    if (/^include(if\..*)?\.path$/i.test(key)) {
      const text = a.fileText(value);
      if (text !== undefined) settings.push(...gitConfigSettings(text));
    }
  }
  for (const [key, value] of settings) {
    const runs = GIT_COMMAND_SETTINGS.test(key);
    if (/^core\.hookspath$/i.test(key)) {
      for (const hook of GIT_HOOKS) a.peekScript(path.join(value, hook), site, "shell");
    } else if (runs && isStatic(value) && /^(\.{0,2}\/|~\/)\S*$/.test(value)) {
      a.runCommandValue(value, site, `The git setting ${key}`);
    } else if (runs || CLI_NAME_WORD.test(value) || (!isStatic(value) && site.scope.mentionsOpenclaw)) {
      a.analysePayload(value.replace(/^!/, ""), site.scope, "The git setting");
    }
  }
}

/** `crontab FILE`, `crontab -` (stdin): the command of each entry (after five time fields or an `@` keyword). */
function crontab(a: Analyser, args: readonly ShellWord[], site: Site): void {
  if (args.some((x) => /^-[A-Za-z]*[lreiT]/.test(x.text))) return; // list, remove, edit (interactive), test
  const file = args.find((x, k) => (!x.text.startsWith("-") || x.text === "-") && args[k - 1]?.text !== "-u")?.text;
  const text = file === undefined || file === "-" ? a.stdinOf(site) : a.fileText(file);
  if (text === undefined) {
    if (file !== undefined) a.deny(`crontab installs ${file}, which cannot be read here, so its commands cannot be checked.`);
    return;
  }
  if (!isStatic(text)) a.deny("crontab installs a table whose text is only known at run time, so its commands cannot be checked.");
  const commands = text
    .split("\n")
    .filter((line) => !/^\s*(#|$|[A-Za-z_]\w*\s*=)/.test(line))
    .map((line) => /^\s*(?:@\S+|(?:\S+\s+){5})(.*)$/.exec(line)?.[1] ?? line);
  a.analysePayload(commands.join("\n").replaceAll("%", "\n"), site.scope, "The crontab entry");
}

/** `man -P PAGER`, `man --pager=PAGER`: man runs the pager for the page. */
function man(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const pager = optionValue(args, ["-P", "--pager"]) ?? args.find((x) => /^-P./.test(x.text))?.text.slice(2);
  if (pager !== undefined) a.runCommandValue(pager, site, "man's pager");
}

/** `concurrently "cmd1" "cmd2"`: each argument is a command line (`npm:x` names a script). */
function concurrently(a: Analyser, args: readonly ShellWord[], site: Site): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (/^-(n|c|p|s|k|r|l|i|t)$|^--(names|prefix-colors|prefix|success|kill-signal|restart-tries|restart-after|max-processes|timestamp-format|default-input-target|passthrough-arguments|cwd|handle-input|pad-prefix)$/.test(arg)) i++;
    else if (arg.startsWith("npm:")) packageScript(a, "npm", [word(arg.slice(4))], site);
    else if (!arg.startsWith("-")) a.analysePayload(arg, site.scope, "The command given to concurrently");
  }
}

/** `npm-run-all a b`, `run-s a b`, `run-p a`: package.json scripts by name. */
function runAll(a: Analyser, args: readonly ShellWord[], site: Site): void {
  for (const x of args) if (!x.text.startsWith("-")) packageScript(a, "npm", [x], site);
}

/** `turbo run X`, `lerna run X`, `nx run-many -t X`: the script runs in every workspace package. */
function monorepoRunner(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const at = args.findIndex((x) => x.text === "run" || x.text === "run-many" || x.text === "exec");
  if (at < 0) return;
  if (args[at]?.text === "exec") {
    const dash = args.findIndex((x) => x.text === "--");
    return a.analyseArgv(args.slice(dash >= 0 ? dash + 1 : at + 1), { ...site, launched: true }, 1);
  }
  const tasks = optionValue(args, ["-t", "--target", "--targets"]);
  const names = (tasks !== undefined ? tasks.split(",") : args.slice(at + 1).filter((x) => !x.text.startsWith("-")).map((x) => x.text)).map((name) => name.replace(/^[^:]*:/, ""));
  for (const name of names) workspaceScripts(a, "the monorepo runner", [word(name)], site);
}

export const runnerHandlers: HandlerTable = {
  concurrently,
  "npm-run-all": runAll,
  "run-s": runAll,
  "run-p": runAll,
  turbo: monorepoRunner,
  lerna: monorepoRunner,
  nx: monorepoRunner,
  crontab,
  man,
  ...Object.fromEntries([...PACKAGE_RUNNERS].map((name): [string, Handler] => [name, packageRunner])),
  ...Object.fromEntries([...MAKES].map((name): [string, Handler] => [name, make])),
  npm,
  pnpm: packageManager("pnpm", ["-C", "--dir", "--prefix"]),
  yarn: packageManager("yarn", ["--cwd"]),
  just,
  git,
};
