// Language interpreters: inline code (`python -c`, `node -e`, `perl -e`), scripts they run,
// programs fed on stdin, and `node .../openclaw.mjs`. awk counts as one: it runs commands
// only through system(), pipes and getline.
import {
  CLI_NAME_WORD,
  CLUSTERED_CODE_OPTION,
  INLINE_CODE_OPTIONS,
  INTERPRETER_VALUE_OPTIONS,
  LANGUAGES,
  isOpenclawEntryScript,
  type Language,
} from "../command-specs.js";
import { UNKNOWN, globToRegExp, type ShellWord } from "../shell-words.js";
import { guardCli } from "./openclaw.js";
import { denoTask, packageRunner, packageScript } from "./runners.js";
import { word, type Analyser, type Handler, type HandlerTable, type Site } from "./types.js";

/** Options that load code before the program: with the CLI as the program they run anything. */
const NODE_PRELOAD_OPTIONS = ["-r", "--require", "--import", "--loader", "--experimental-loader"];

/** A script path that is the program's own stdin (a here-document fed to `python3 /dev/stdin`). */
const STDIN_FILE = /^\/(?:dev\/stdin|dev\/fd\/0|proc\/self\/fd\/0)$/;

function display(text: string): string {
  return text.replaceAll(UNKNOWN, "…").slice(0, 60);
}

/** A globbed script path (node, then open* folders and open* files) whose parts may match the CLI's entry script. */
function globMayBeOpenclawEntry(pattern: string): boolean {
  const parts = pattern.split("/").filter((part) => part !== "");
  const name = parts.at(-1) ?? "";
  const entry = ["openclaw.mjs", "openclaw.js", "openclaw", "clawdbot", "moltbot", "clawdbot.mjs", "moltbot.mjs"].some((file) => globToRegExp(name).test(file));
  return entry || parts.some((part) => ["openclaw", "clawdbot", "moltbot"].some((dir) => globToRegExp(part).test(dir)) && /[*?[]/.test(part));
}

/** `perl -pi -e ... FILE`, `ruby -i -pe`: the files after the code are edited in place. */
function inPlaceEdits(a: Analyser, language: Language, args: readonly ShellWord[]): void {
  if ((language !== "perl" && language !== "ruby") || !args.some((x) => /^-[A-Za-z]*i/.test(x.text))) return;
  const code = args.findIndex((x) => INLINE_CODE_OPTIONS[language].includes(x.text) || CLUSTERED_CODE_OPTION[language]?.test(x.text) === true);
  for (const file of args.slice(code < 0 ? 0 : code + 2)) if (!file.text.startsWith("-")) a.checkWrite(file.text, "write");
}

function interpreter(language: Language): Handler {
  return (a, args, site, unwraps) => {
    inPlaceEdits(a, language, args);
    const codeOptions = INLINE_CODE_OPTIONS[language];
    let ranCode = false;
    let preload: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]?.text ?? "";
      const [option, attached] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
      // node -pe CODE: a cluster of flags ending in a code option takes the next word.
      const nodeCluster = language === "node" && /^-[A-Za-z]{2,}$/.test(arg) && /[ep]$/.test(arg);
      if (codeOptions.includes(option) || CLUSTERED_CODE_OPTION[language]?.test(arg) || nodeCluster) {
        a.checkCode(attached ?? args[++i]?.text ?? "", site.scope, `${language} inline code`);
        ranCode = true;
        continue;
      }
      if (language !== "node" && !arg.startsWith("--") && arg.length > 2 && codeOptions.includes(arg.slice(0, 2))) {
        a.checkCode(arg.slice(2), site.scope, `${language} inline code`);
        ranCode = true;
        continue;
      }
      if (INTERPRETER_VALUE_OPTIONS[language].includes(option)) {
        const value = attached ?? args[++i]?.text ?? "";
        if (CLI_NAME_WORD.test(value)) a.deny(`${language} loads ${display(value)}, which is OpenClaw.`);
        if (NODE_PRELOAD_OPTIONS.includes(option)) preload = `${option} ${value}`;
        // `node -r ./x.js`, `ruby -r ./x.rb`, `bun --preload ./x`: a local file loaded as code before the program.
        if ((NODE_PRELOAD_OPTIONS.includes(option) || ["--preload"].includes(option) || (language === "ruby" && option === "-r")) && /^\.{0,2}\//.test(value)) {
          for (const file of [value, `${value}.js`, `${value}.mjs`, `${value}.cjs`, `${value}.rb`]) a.peekScript(file, site, "code");
        }
        if (language === "python" && option === "-m") {
          // `python3 -m sender`: the working directory comes first on sys.path.
          const module = value.replaceAll(".", "/");
          for (const file of [`${module}.py`, `${module}/__main__.py`]) a.peekScript(file, site, "code");
          return; // the rest are the module's arguments
        }
        continue;
      }
      // `node --run NAME` runs package.json's script NAME.
      if (language === "node" && (arg === "--run" || arg.startsWith("--run="))) {
        const script = attached ?? args[i + 1]?.text;
        if (script !== undefined) packageScript(a, "node", [word(script)], site);
        return;
      }
      if (arg.startsWith("-") && arg !== "-") continue;
      if (ranCode) return; // the rest are arguments to the inline code
      if (language === "deno" && arg === "task") return denoTask(a, args.slice(i + 1), site);
      if ((language === "deno" || language === "bun") && arg === "eval") {
        return a.checkCode(args.slice(i + 1).map((x) => x.text).join(" "), site.scope, `${language} inline code`);
      }
      if (language === "bun" && arg === "x") return packageRunner(a, args.slice(i + 1), site, unwraps);
      if (language === "bun" && arg === "run" && packageScript(a, "bun", args.slice(i + 1), site)) return;
      if ((language === "deno" || language === "bun") && arg === "run") continue;
      if (arg === "-" || STDIN_FILE.test(arg)) return a.analyseStdin(site, "code");
      if (isOpenclawEntryScript(arg) || (args[i]?.glob === true && globMayBeOpenclawEntry(arg))) {
        if (preload !== undefined) a.deny(`node ${display(preload)} loads code into the OpenClaw CLI.`);
        return a.decideCli("openclaw", args.slice(i + 1), site);
      }
      if (a.isGuardEntry(arg)) return guardCli(a, args.slice(i + 1), site, unwraps);
      // `bun NAME` runs package.json's script NAME when no file of that name is there.
      if (!a.peekScript(arg, site, "code") && language === "bun") packageScript(a, "bun", args.slice(i), site);
      return;
    }
    if (!ranCode) a.analyseStdin(site, "code");
  };
}

/** awk runs commands through system(), `cmd | getline` and `print | cmd`; otherwise it only reads data. */
export const AWK_RUNS_COMMANDS = /\bsystem\s*\(|\|\s*getline|\|&|\bprint[f]?\b[^;}]*\|/;

function awk(a: Analyser, args: readonly ShellWord[], site: Site): void {
  // gawk -i inplace / --include=inplace edits its input files.
  if (args.some((x, k) => (x.text === "-i" && args[k + 1]?.text === "inplace") || x.text === "--include=inplace" || x.text === "-iinplace")) {
    const operands = args.filter((x, k) => !x.text.startsWith("-") && !/^-[ivfF]$/.test(args[k - 1]?.text ?? ""));
    for (const file of operands.slice(1)) a.checkWrite(file.text, "write");
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (arg === "-f" || arg === "--file" || /^--file=|^-f./.test(arg)) {
      a.runFile(arg.startsWith("--file=") ? arg.slice(7) : arg.length > 2 && arg.startsWith("-f") ? arg.slice(2) : (args[++i]?.text ?? ""), site, "code", "awk -f");
      return;
    }
    if (/^-[vFW]$/.test(arg)) i++;
    else if (!arg.startsWith("-")) {
      if (AWK_RUNS_COMMANDS.test(arg)) a.checkCode(arg, site.scope, "awk program");
      return;
    }
  }
}

export const interpreterHandlers: HandlerTable = {
  ...Object.fromEntries(LANGUAGES.map((language): [string, Handler] => [language, interpreter(language)])),
  awk,
  gawk: awk,
  mawk: awk,
  nawk: awk,
};
