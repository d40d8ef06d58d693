// The hook's fast path: a command in which bash expands nothing and that runs nothing the analyser
// looks into is allowed without loading the grammar or the program handlers. Kept apart from
// analyse.ts so the everyday path loads only this, the policy and the path checks.
import { mentionsOpenclaw } from "./code-signals.js";
import { cliNameOf, normaliseCommandName } from "./command-specs.js";
import { PROTECTED_HINT, protectedNames, type ProtectedContext } from "./protected-paths.js";
import { HANDLED_PROGRAMS, MARKER_ONLY_PROGRAMS, RUN_STRING_PROGRAMS, WRITER_PROGRAMS } from "./programs/names.js";

export const MAX_COMMAND_LENGTH = 256 * 1024;

export interface Verdict {
  readonly decision: "allow" | "deny";
  readonly reasons: string[];
}

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

/** `~`, `.`, `..`, `/`, `/home`: a word that may name the home directory or a folder above it. */
function namesHomeOrAbove(word: string, homeDir: string | undefined): boolean {
  if (/^(~\/?|\.{1,2}(\/\.\.)*\/?|\/+)$/.test(word)) return true;
  return word.startsWith("/") && holdsHome(word, homeDir);
}

function holdsHome(folder: string, homeDir: string | undefined): boolean {
  const dir = folder.replace(/\/+$/, "") || "/";
  return homeDir !== undefined && (dir === "/" || homeDir === dir || homeDir.startsWith(`${dir}/`));
}

/**
 * The verdict for a command in which bash expands nothing (see plainSegments) and whose commands
 * are neither OpenClaw nor anything the analyser looks into; undefined otherwise. analyseCommand()
 * gives the same answer for these; this one needs no parser, so the hook can skip loading the
 * grammar for most everyday commands (`git status`, `grep -rn "TODO" src`).
 */
export function plainCommandVerdict(command: string, context?: ProtectedContext, cwd?: string): Verdict | undefined {
  if (command.length > MAX_COMMAND_LENGTH || mentionsOpenclaw(command) || PROTECTED_HINT.test(command)) return undefined;
  if (context !== undefined && protectedNames(context).some((name) => command.includes(name))) return undefined;
  // `pwsh -c 'sh f'`, `osascript -e '...'`: an interpreter's inline code, whatever the program.
  if (/\s(-e|-c|--eval|-eval|-Command|-command|--command|--execute|-E)\s+(['"])(?:(?!\2).)*\s(?:(?!\2).)*\2/.test(command)) return undefined;
  const segments = plainSegments(command);
  if (segments === undefined) return undefined;
  // `cp -r ~ /tmp/h`, `mount --bind X /home`, `cd / && tar cf x.tar .`: a writer given a folder that holds
  // the home (and so ~/.openclaw and ~/.claude) names no protected place, but reaches one: the parser judges it.
  const writes = segments.some(({ name }) => WRITER_PROGRAMS.has(name));
  if (writes && ((cwd !== undefined && holdsHome(cwd, context?.homeDir)) || command.split(/[\s'"]+/).some((word) => namesHomeOrAbove(word, context?.homeDir)))) return undefined;
  // git runs configured commands (`-c core.editor=./x`, `config alias.x`): those need the parser.
  const gitRunsSomething = /(^|\s)(-c|config|--unsafe-paths|-x|--exec|--extcmd|foreach|run|--upload-pack|--receive-pack|--[a-z-]*-(filter|cmd))(\s|$|=)|--config-env/.test(command);
  for (const { name, nameQuoted } of segments) {
    // awk -f runs a program file (issue 21): the analyser reads it, or refuses one it cannot read.
    const awkRunsFile = /awk$/.test(name) && /(^|\s)(-f|--file)/.test(command);
    // ssh -o ProxyCommand=..., rsync -e, tar --to-command, rg --pre, tmux new 'cmd': a string another program runs.
    const runsString = RUN_STRING_PROGRAMS[name]?.test(command) === true;
    const markerOnly = MARKER_ONLY_PROGRAMS.has(name) && !(name === "git" && gitRunsSomething) && !awkRunsFile && !runsString;
    const handled = (HANDLED_PROGRAMS.has(normaliseCommandName(name)) && !markerOnly) || runsString;
    const looksInto = nameQuoted || name.includes("/") || name.includes("=") || SHELL_KEYWORDS.has(name) || cliNameOf(name) !== undefined || handled;
    if (looksInto) return undefined;
  }
  return { decision: "allow", reasons: [] };
}

