// Programs that run another command given as their arguments: env, sudo, timeout, xargs,
// find -exec, container exec, and the like. Each unwraps to the command it runs.
import { CONTAINER_EXEC, LAUNCHERS, XARGS, splitOption, type LauncherSpec } from "../command-specs.js";
import { PRELOAD_VARIABLES } from "../openclaw-policy.js";
import { UNKNOWN, globToRegExp, isStatic, type ShellWord } from "../shell-words.js";
import { removalsOfFind } from "./writers.js";
import { word, type Analyser, type FindQuery, type Handler, type HandlerTable, type Site } from "./types.js";

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

export function launch(a: Analyser, spec: LauncherSpec, args: readonly ShellWord[], site: Site, unwraps: number, launcher: string): void {
  let positionals = spec.positionalsBefore ?? 0;
  let optionsEnded = false;
  let preload = site.preload;
  const assigned = [...(site.assigned ?? [])];
  const env = new Map(site.env ?? []);
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
        const rest = launcher === "env" ? args.slice(i + 1).map((x) => x.text) : [];
        if (payload !== undefined) a.analysePayload([payload, ...rest].join(" "), site.scope, `The command given to ${launcher}`);
        return;
      }
      if (spec.lookupOptions?.includes(arg)) return;
      const [valueOption, value] = splitOption(arg, spec.valueOptions ?? []);
      const clusteredValue = /^-[A-Za-z]{2,}$/.test(arg) && spec.valueOptions?.includes(`-${arg.slice(-1)}`) === true;
      if ((spec.valueOptions?.includes(valueOption) && value === undefined) || clusteredValue) i++;
      continue;
    }
    const assignment = spec.skipAssignments ? ASSIGNMENT.exec(arg) : null;
    if (assignment) {
      if (PRELOAD_VARIABLES.includes(assignment[1] ?? "")) preload = assignment[1];
      assigned.push(assignment[1] ?? "");
      env.set(assignment[1] ?? "", assignment[2] ?? "");
      // `env BASH_ENV=f bash`, `sudo GIT_PAGER=./x git log`: the same effects as the assignment before the command.
      a.assignmentEffects(assignment[1] ?? "", assignment[2] ?? "", site);
      continue;
    }
    if (positionals > 0) {
      positionals--;
      continue;
    }
    const wrapped = args.slice(i);
    if (spec.joinsCommand) return a.analysePayload(wrapped.map((x) => x.text).join(" "), site.scope, `The command given to ${launcher}`);
    a.analyseArgv(spec.appendsArguments ? [...wrapped, word(UNKNOWN)] : wrapped, { ...site, ...(preload ? { preload } : {}), assigned, env, launched: true }, unwraps + 1);
    return;
  }
}

const EXEC = /^-(exec|execdir|ok|okdir)$/;
// Tests that only narrow what find selects, with their argument counts: leaving one out of the
// FindQuery checks more paths than find will run, never fewer. -o, !, ( ) and actions are not here.
const NARROWING_TESTS = new Map<string, number>([
  ...["-newer", "-size", "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-perm", "-user", "-group", "-uid", "-gid", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-links", "-inum", "-samefile"].map((t): [string, number] => [t, 1]),
  ...["-empty", "-readable", "-writable", "-executable", "-nouser", "-nogroup", "-xdev", "-mount", "-noleaf", "-depth", "-true", "-print", "-print0"].map((t): [string, number] => [t, 0]),
]);

/** The paths `find START... EXPRESSION` selects, when its expression only narrows; undefined otherwise. */
export function findQuery(args: readonly ShellWord[]): FindQuery | undefined {
  const starts: string[] = [];
  const names: RegExp[] = [];
  let filesOnly = false;
  let minDepth = 0;
  let maxDepth = Infinity;
  let i = 0;
  for (; i < args.length; i++) {
    const text = args[i]?.text ?? "";
    if (text === "-P") continue; // the default: symbolic links not followed (-L and -H follow them: not modelled)
    if (text.startsWith("-") || text === "(" || text === "!" || text === ",") break;
    if (!isStatic(text) || /(^|[^\\])[*?[]/.test(text)) return undefined;
    starts.push(text);
  }
  for (; i < args.length; i++) {
    const text = args[i]?.text ?? "";
    const value = args[i + 1]?.text;
    if (EXEC.test(text)) {
      const end = args.findIndex((x, k) => k > i && (x.text === ";" || x.text === "+"));
      if (end < 0) return undefined;
      i = end; // an -exec is a test too (its exit status): later ones see fewer paths, never more
    } else if (text === "-name" || text === "-iname") {
      if (value === undefined || !isStatic(value)) return undefined;
      const pattern = globToRegExp(value);
      names.push(text === "-iname" ? new RegExp(pattern.source, "i") : pattern);
      i++;
    } else if (text === "-type") {
      filesOnly ||= value === "f";
      i++;
    } else if (text === "-maxdepth" || text === "-mindepth") {
      const depth = Number(value);
      if (value === undefined || !Number.isInteger(depth) || depth < 0) return undefined;
      if (text === "-maxdepth") maxDepth = depth;
      else minDepth = depth;
      i++;
    } else {
      const operands = NARROWING_TESTS.get(text);
      if (operands === undefined) return undefined;
      i += operands;
    }
  }
  return { starts: starts.length > 0 ? starts : ["."], names, filesOnly, minDepth, maxDepth };
}

/**
 * find -exec/-execdir/-ok run a command per found path; -delete and friends are writes (writers.ts).
 * With an expression that only narrows, the paths are listed here and each command is judged with its
 * path in place of {} (`find . -name '*.sh' -exec bash {} \;` reads those scripts); otherwise {} is unknown.
 */
function find(a: Analyser, args: readonly ShellWord[], site: Site, unwraps: number): void {
  removalsOfFind(a, args);
  const query = findQuery(args);
  // Nothing found yet is not nothing run: the command may create the paths first (`touch t; find . -name t -exec …`).
  const listed = query === undefined ? undefined : a.foundPaths(query);
  const found = listed !== undefined && listed.length > 0 ? listed : undefined;
  for (let i = 0; i < args.length; i++) {
    if (!EXEC.test(args[i]?.text ?? "")) continue;
    const end = args.findIndex((x, k) => k > i && (x.text === ";" || x.text === "+"));
    const template = args.slice(i + 1, end < 0 ? undefined : end);
    const batch = args[end]?.text === "+";
    if (found === undefined) {
      // find substitutes each found path for {}: `find -name openclaw -exec {} message send \;`.
      const command = template.map((x) => (x.text.includes("{}") ? word(UNKNOWN) : x));
      a.analyseArgv(batch ? [...command, word(UNKNOWN)] : command, { ...site, launched: true }, unwraps + 1);
    } else if (batch) {
      // `-exec CMD {} +`: {} (last before +) stands for all the paths at once.
      a.analyseArgv(template.flatMap((x) => (x.text === "{}" ? found.map(word) : [x])), { ...site, launched: true }, unwraps + 1);
    } else {
      for (const path of found) a.analyseArgv(template.map((x) => (x.text.includes("{}") ? word(x.text.replaceAll("{}", path)) : x)), { ...site, launched: true }, unwraps + 1);
    }
    if (end < 0) return;
    i = end;
  }
}

/** xargs -I R: words containing R are filled from input; with known input (`xargs sh -c '{}' < f`) the input is used. */
function xargs(a: Analyser, args: readonly ShellWord[], site: Site, unwraps: number): void {
  const option = args.findIndex((x) => /^(-I|--replace)/.test(x.text));
  const text = args[option]?.text ?? "";
  const replacement = text === "-I" ? args[option + 1]?.text : text.startsWith("--replace") ? (text.split("=")[1] ?? "{}") : text.slice(2);
  const valueEnd = text === "-I" ? option + 1 : option;
  // `xargs -a FILE`, `--arg-file=FILE`: the input is that file, not stdin.
  const fileAt = args.findIndex((x) => /^(-a|--arg-file)$|^--arg-file=|^-a./.test(x.text));
  const fileArg = args[fileAt]?.text ?? "";
  const argFile = fileAt < 0 ? undefined : /^(-a|--arg-file)$/.test(fileArg) ? args[fileAt + 1]?.text : fileArg.startsWith("--") ? fileArg.slice(11) : fileArg.slice(2);
  const input = argFile !== undefined ? (a.fileText(argFile) ?? UNKNOWN) : a.stdinOf(site);
  const known = input !== undefined && !input.includes(UNKNOWN);
  if (!replacement) {
    const appended = known ? input.split(/\s+/).filter((x) => x !== "").map(word) : [];
    return launch(a, known ? { ...XARGS, appendsArguments: false } : XARGS, [...args, ...appended], site, unwraps, "xargs");
  }
  const lines = known ? input.split("\n").filter((line) => line.trim() !== "").slice(0, 16) : [UNKNOWN];
  for (const line of lines) {
    const words = args.map((x, k) => (k > valueEnd && x.text.includes(replacement) ? word(x.text.replaceAll(replacement, line)) : x));
    launch(a, XARGS, words, site, unwraps, "xargs");
  }
}

/** parallel's replacement strings: `{}`, `{.}`, `{/}`, `{//}`, `{/.}`, `{#}`, `{%}`, `{1}`, `{2.}`. */
const PARALLEL_REPLACEMENT = /\{\d*(?:\.|\/|\/\/|\/\.|#|%)?\}/;
/** GNU parallel's options that take a value. */
const PARALLEL_VALUE_OPTIONS = new Set(["-j", "--jobs", "-S", "--sshlogin", "--joblog", "--results", "--tmpdir", "-d", "--delimiter", "-E", "--colsep", "-C", "--timeout", "--delay", "--retries", "--memfree", "--load", "-I", "--replace", "--tag-string", "--workdir", "--wd", "--shebang-wrap", "--basefile", "--return", "--env", "-n", "--max-args", "-N", "-L", "--max-lines", "-s", "--max-chars", "--halt"]);

/**
 * GNU parallel runs a command template (joined by a shell) once per input, with `{}` replaced by it; with no
 * template each input line IS the command. Inputs: `::: words`, `:::: files`, `-a file`, stdin.
 */
function parallel(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const template: string[] = [];
  const inputs: string[] = [];
  let mode: "options" | "template" | "words" | "files" = "options";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (/^::::\+?$/.test(arg)) mode = "files";
    else if (/^:::\+?$/.test(arg)) mode = "words";
    else if (mode === "words") inputs.push(arg);
    else if (mode === "files") inputs.push(...(a.fileText(arg) ?? UNKNOWN).split("\n"));
    else if (mode === "options" && (arg === "-a" || arg === "--arg-file")) inputs.push(...(a.fileText(args[++i]?.text ?? "") ?? UNKNOWN).split("\n"));
    else if (mode === "options" && arg.startsWith("-") && arg !== "-") {
      if (PARALLEL_VALUE_OPTIONS.has(arg)) i++;
    } else {
      mode = "template";
      template.push(arg);
    }
  }
  if (inputs.length === 0 && !args.some((x) => /^:::/.test(x.text))) inputs.push(...(a.stdinOf(site) ?? UNKNOWN).split("\n"));
  const values = inputs.filter((line) => line.trim() !== "").slice(0, 16);
  if (template.length === 0) return a.analysePayload(values.join("\n"), site.scope, "The input parallel runs as commands");
  const command = template.join(" ");
  for (const value of values.length > 0 ? values : [UNKNOWN]) {
    const filled = PARALLEL_REPLACEMENT.test(command) ? command.replace(new RegExp(PARALLEL_REPLACEMENT.source, "g"), value) : `${command} ${value}`;
    a.analysePayload(filled, site.scope, "The command parallel runs");
  }
}

/** `docker|podman exec CONTAINER cmd`, `kubectl exec POD -- cmd`, `docker run IMAGE cmd`: the CLI runs inside. */
function containerExec(a: Analyser, args: readonly ShellWord[], site: Site, unwraps: number): void {
  if (args[0]?.text === "exec" || args[0]?.text === "run") launch(a, CONTAINER_EXEC, args.slice(1), site, unwraps, args[0].text);
}

/** `direnv exec DIR cmd`, `corepack pnpm ...`: a subcommand, then a command. */
function subcommandLauncher(subcommand: string | undefined, positionalsBefore: number): Handler {
  return (a, args, site, unwraps) => {
    if (subcommand === undefined) return launch(a, {}, args, site, unwraps, "corepack");
    if (args[0]?.text === subcommand) launch(a, { positionalsBefore }, args.slice(1), site, unwraps, subcommand);
  };
}

export const launcherHandlers: HandlerTable = {
  ...Object.fromEntries(Object.entries(LAUNCHERS).map(([name, spec]): [string, Handler] => [name, (a, args, site, unwraps) => launch(a, spec, args, site, unwraps, name)])),
  find,
  xargs,
  parallel,
  docker: containerExec,
  podman: containerExec,
  kubectl: containerExec,
  nerdctl: containerExec,
  direnv: subcommandLauncher("exec", 1),
  corepack: subcommandLauncher(undefined, 0),
  // tree-sitter reads a misplaced keyword (`env for ...; do cmd; done`) as a command named `do`.
  ...Object.fromEntries(["do", "then", "else", "elif", "if", "while", "until", "!", "{"].map((keyword): [string, Handler] => [keyword, (a, args, site, unwraps) => launch(a, {}, args, site, unwraps, keyword)])),
};
