// The flipped default's exceptions: programs and positions whose words are only data, never
// run. Everywhere else an argument, environment value or stdin that holds a refused OpenClaw
// call is denied, because a list of programs that run strings can never be complete.
import { CLUSTERED_CODE_OPTION, INLINE_CODE_OPTIONS, LANGUAGES, type Language } from "../command-specs.js";
import type { ShellWord } from "../shell-words.js";
import { SED_EXECUTES } from "./writers.js";
import { AWK_RUNS_COMMANDS } from "./interpreters.js";

/** Programs that print, search, compare or describe their arguments and input. */
const DATA_ONLY_PROGRAMS = new Set([
  "echo", "printf", "grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "cat", "tac", "head", "tail", "wc", "ls", "which",
  "type", "whereis", "whatis", "apropos", "man", "info", "diff", "cmp", "sort", "uniq", "cut", "tr", "test", "[", "[[",
  "true", "false", ":", "jq", "yq", "file", "stat", "basename", "dirname", "realpath", "readlink", "column", "fold", "fmt",
  "nl", "paste", "comm", "mkdir", "md5sum", "sha1sum", "sha256sum", "sha512sum", "printenv", "logger", "notify-send",
  "read", "help", "strings", "od", "hexdump", "xxd", "base64", "rev", "less", "more", "bat", "tee", "wl-copy", "xclip", "pbcopy",
  // HTTP clients send their arguments to a server; none runs them here (nc -e and socat EXEC: do, so they are not listed).
  "curl", "wget", "http", "https", "xh", "httpie",
  // Process tools match their arguments against running commands (`pkill -f "openclaw gateway"`).
  "ps", "pgrep", "pkill", "pidof", "killall", "kill", "lsof", "fuser",
]);

/** Test runners and the package tools that start them: the value of a test-name filter is a pattern. */
const TEST_FILTER_PROGRAMS = new Set(["vitest", "jest", "mocha", "pytest", "py.test", "ava", "tap", "playwright", "cypress", "npm", "npx", "pnpm", "yarn", "bun", "bunx", "node", "deno", "python"]);
const TEST_FILTER_OPTIONS = new Set(["-t", "--testNamePattern", "-k", "--grep", "-g", "--fgrep", "--test-name-pattern"]);

/** git subcommands and the options whose value is a message or search pattern. */
const GIT_MESSAGE_OPTIONS = new Set(["-m", "--message", "--grep", "-S", "-G", "--author", "--committer"]);
/** git words after which a string is run: `rebase --exec`, `bisect run`, `submodule foreach`, `difftool -x`, filters, remote helpers. */
const GIT_RUNS_STRING = /^(-x|--exec|run|foreach|--extcmd|-u|--upload-pack|--receive-pack|--to-cmd|--cc-cmd|--[a-z-]*filter|-c|config)$|^--(exec|extcmd|upload-pack|receive-pack|to-cmd|cc-cmd|[a-z-]*filter)=|^-c./;
/** gh's options whose value is prose (titles, bodies, notes, comments). */
const GH_TEXT_OPTIONS = new Set(["-t", "--title", "-b", "--body", "-n", "--notes", "-m", "--message", "--subject"]);

/**
 * The argument positions of this command that are data only, or "all". sed and awk are data
 * unless their program runs commands (`e`, system(), pipes), in which case their handlers judge it.
 */
export function dataOnlyPositions(program: string, args: readonly ShellWord[]): "all" | Set<number> {
  // openclaw-guard's own arguments are never run (its handler refuses what would switch it off).
  if (DATA_ONLY_PROGRAMS.has(program) || program === "openclaw-guard") return "all";
  if (program === "sed" && !args.some((x) => SED_EXECUTES.test(x.text))) return "all";
  if (/^[gmn]?awk$/.test(program) && !args.some((x) => AWK_RUNS_COMMANDS.test(x.text))) return "all";
  const positions = new Set<number>();
  if ((LANGUAGES as readonly string[]).includes(program)) {
    // Inline code is judged as code (interpreters.ts: does it start a process running a refused call?),
    // so `python3 -c "print('openclaw message send')"` passes; module and script arguments are not code.
    const language = program as Language;
    args.forEach((x, k) => {
      if (INLINE_CODE_OPTIONS[language].includes(x.text) || CLUSTERED_CODE_OPTION[language]?.test(x.text) || (language === "node" && /^-[A-Za-z]{2,}$/.test(x.text) && /[ep]$/.test(x.text))) positions.add(k + 1);
      if (/^--(eval|print)=/.test(x.text)) positions.add(k);
    });
  }
  if (TEST_FILTER_PROGRAMS.has(program)) {
    args.forEach((x, k) => {
      if (TEST_FILTER_OPTIONS.has(x.text)) positions.add(k + 1);
      if (/^--(testNamePattern|grep|fgrep|test-name-pattern)=/.test(x.text)) positions.add(k);
    });
  }
  if (program === "git") {
    // git runs a string only in a few places; elsewhere its words are revisions, paths and messages.
    if (!args.some((x) => GIT_RUNS_STRING.test(x.text))) return "all";
    args.forEach((x, k) => {
      if (GIT_MESSAGE_OPTIONS.has(x.text) || /^-[A-Za-z]*m$/.test(x.text)) positions.add(k + 1);
      if (/^(-m|--message=|--grep=|-S|-G)./.test(x.text)) positions.add(k);
    });
  } else if (program === "gh" || program === "glab") {
    if (args.some((x) => x.text === "alias" || x.text === "extension")) return positions;
    args.forEach((x, k) => {
      if (GH_TEXT_OPTIONS.has(x.text)) positions.add(k + 1);
      if (/^--(title|body|notes|message)=/.test(x.text)) positions.add(k);
    });
  }
  return positions;
}
