// Options and arguments whose value another program runs as a shell command or as a program:
// ssh's ProxyCommand, rsync -e, tar --to-command and checkpoint actions, tmux's shell commands,
// rg --pre, bat --pager, less +!cmd, sort --compress-program, vim's :!, gdb's shell, sqlite3's
// .shell. Each value is handed to runCommandValue (a file it names is read, a command line is
// parsed as shell with the same analyser), whether or not the command mentions OpenClaw: a
// text search of such strings misses `open${u}claw`, `$(...)`, braces, variables and blanks.
// These handlers run in addition to the program's family handler (analyse.ts calls both).
import { UNKNOWN, type ShellWord } from "../shell-words.js";
import type { Analyser, HandlerTable, Site } from "./types.js";

/** `--name VALUE`, `--name=VALUE`, `-nVALUE` among the words: every value given. */
function optionValues(args: readonly ShellWord[], names: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]?.text ?? "";
    if (names.includes(arg)) values.push(args[++i]?.text ?? "");
    else {
      const long = names.find((name) => name.startsWith("--") && arg.startsWith(`${name}=`));
      const short = names.find((name) => /^-[A-Za-z]$/.test(name) && arg.startsWith(name) && arg.length > 2 && !arg.startsWith("--"));
      if (long !== undefined) values.push(arg.slice(long.length + 1));
      else if (short !== undefined) values.push(arg.slice(2));
    }
  }
  return values;
}

const run = (a: Analyser, site: Site, what: string) => (value: string) => {
  if (value !== "") a.runCommandValue(value, site, what);
};

/** ssh_config keys whose value ssh runs locally with the user's shell. */
const SSH_COMMAND_KEYS = /^\s*(ProxyCommand|LocalCommand|KnownHostsCommand)\s*[=\s]\s*(.+)$/i;
const SSH_MATCH_EXEC = /^\s*Match\b.*\bexec\s+(?:"([^"]*)"|(\S+))/i;

/** `ssh -o ProxyCommand=CMD`, `-F FILE` whose ProxyCommand/LocalCommand/Match exec run locally. */
function ssh(a: Analyser, args: readonly ShellWord[], site: Site): void {
  for (const option of optionValues(args, ["-o"])) {
    const match = SSH_COMMAND_KEYS.exec(option);
    if (match?.[2] !== undefined) run(a, site, `ssh's ${match[1] ?? "command"}`)(match[2]);
  }
  for (const file of optionValues(args, ["-F"])) {
    const text = a.fileText(file);
    for (const line of (text ?? "").split("\n")) {
      const key = SSH_COMMAND_KEYS.exec(line);
      const exec = SSH_MATCH_EXEC.exec(line);
      const command = key?.[2] ?? exec?.[1] ?? exec?.[2];
      if (command !== undefined) run(a, site, `the ssh config ${file}`)(command);
    }
  }
}

/** tar's program options: the value runs once per file, per checkpoint, per volume, or compresses. */
function tar(a: Analyser, args: readonly ShellWord[], site: Site): void {
  for (const value of optionValues(args, ["--to-command", "-I", "--use-compress-program", "--info-script", "--new-volume-script", "-F", "--rsh-command"])) run(a, site, "tar's command option")(value);
  for (const action of optionValues(args, ["--checkpoint-action"])) {
    const command = /^(?:exec|sleep)?=?([\s\S]*)$/.exec(action.startsWith("exec=") ? action.slice(5) : "")?.[1];
    if (command !== undefined && command !== "") run(a, site, "tar's checkpoint action")(command);
  }
}

/** tmux commands whose last arguments are a shell command tmux runs. */
const TMUX_SHELL_COMMANDS = new Set(["new", "new-session", "neww", "new-window", "splitw", "split-window", "respawnp", "respawn-pane", "respawnw", "respawn-window", "run", "run-shell", "pipep", "pipe-pane", "if", "if-shell", "popup", "display-popup"]);
const TMUX_VALUE_OPTIONS = new Set(["-c", "-e", "-F", "-n", "-s", "-t", "-x", "-y", "-l", "-p", "-w", "-h", "-d", "-b", "-T", "-S", "-L", "-f"]);
const TMUX_FLAGS_ONLY = new Set(["-d", "-b", "-h", "-v", "-P", "-k", "-E", "-C", "-A", "-D", "-X", "-I", "-o", "-B"]);

function tmux(a: Analyser, args: readonly ShellWord[], site: Site): void {
  // `tmux new -d 'cmd' \; split-window 'cmd2'`: each command after `;`.
  let start = args.findIndex((x) => !x.text.startsWith("-") && !["-L", "-S", "-f"].includes(args[args.indexOf(x) - 1]?.text ?? ""));
  while (start >= 0 && start < args.length) {
    const end = args.findIndex((x, k) => k > start && (x.text === ";" || x.text === "\\;"));
    const command = args.slice(start, end < 0 ? undefined : end);
    if (TMUX_SHELL_COMMANDS.has(command[0]?.text ?? "")) {
      const words: string[] = [];
      for (let i = 1; i < command.length; i++) {
        const arg = command[i]?.text ?? "";
        if (arg.startsWith("-") && words.length === 0) {
          if (TMUX_VALUE_OPTIONS.has(arg) && !TMUX_FLAGS_ONLY.has(arg)) i++;
        } else words.push(arg);
      }
      if (words.length > 0) a.analysePayload(words.join(" "), site.scope, `tmux ${command[0]?.text ?? ""}`);
    }
    if (end < 0) break;
    start = end + 1;
  }
}

/** vim/nvim `-c CMD`, `+CMD`, `--cmd CMD`: `!cmd`, `:!cmd`, `silent !cmd`, `call system('cmd')`, `terminal cmd` run a shell. */
function vim(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const commands = [...optionValues(args, ["-c", "--cmd"]), ...args.filter((x) => /^\+./.test(x.text)).map((x) => x.text.slice(1))];
  for (const command of commands) {
    for (const part of command.split("|")) {
      const shell = /^\s*:*\s*(?:silent!?\s*|exe(?:cute)?\s+["']?)?(?:!|r(?:ead)?\s*!|w(?:rite)?\s*!|ter(?:minal)?\s+)([\s\S]*)$/.exec(part)?.[1];
      if (shell !== undefined) run(a, site, "vim's shell command")(shell);
      const system = /\bsystem(?:list)?\s*\(\s*(['"])([\s\S]*?)\1/.exec(part)?.[2];
      if (system !== undefined) run(a, site, "vim's system()")(system);
    }
    if (/\bsystem(?:list)?\s*\(\s*[^'"\s]/.test(command)) a.deny("vim runs a command it builds at run time (system() of an expression), so it cannot be checked.");
  }
}

/** gdb `-ex 'shell CMD'`, `-ex '!CMD'`, `-ex 'pipe ... | CMD'`, and the same lines in a `-x FILE` script. */
function gdb(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const lines = optionValues(args, ["-ex", "--ex", "-iex", "--iex", "-eval-command", "--eval-command", "-init-eval-command"]);
  for (const file of optionValues(args, ["-x", "--x", "-command", "--command"])) lines.push(...(a.fileText(file) ?? "").split("\n"));
  for (const line of lines) {
    const shell = /^\s*(?:shell\s+|!|pipe\s[^|]*\|\s*|\|[^|]*\|\s*)([\s\S]*)$/.exec(line)?.[1];
    if (shell !== undefined) run(a, site, "gdb's shell command")(shell);
  }
}

/** sqlite3 `.shell CMD`, `.system CMD`, `.once |CMD`, `.output |CMD`, as an argument, a -cmd value, or a line of stdin. */
function sqlite3(a: Analyser, args: readonly ShellWord[], site: Site): void {
  const stdin = a.stdinOf(site);
  const lines = [...args.map((x) => x.text), ...(stdin !== undefined ? stdin.replaceAll(UNKNOWN, "").split("\n") : [])];
  for (const text of lines) {
    for (const line of text.split(/\n|;(?=\s*\.)/)) {
      const shell = /^\s*\.(?:shell|system)\s+([\s\S]*)$/.exec(line)?.[1] ?? /^\s*\.(?:once|output)\s+(?:-\w+\s+)*['"]?\|([\s\S]*?)['"]?\s*$/.exec(line)?.[1];
      if (shell !== undefined) run(a, site, "sqlite3's shell command")(shell);
    }
  }
}

/** psql `-c '\! CMD'`, mysql `-e 'system CMD'` / `\! CMD`. */
function sqlShell(a: Analyser, args: readonly ShellWord[], site: Site): void {
  for (const value of optionValues(args, ["-c", "--command", "-e", "--execute"])) {
    for (const line of value.split(/\n|;/)) {
      const shell = /^\s*(?:\\!|system\s)\s*([\s\S]*)$/.exec(line)?.[1];
      if (shell !== undefined) run(a, site, "the SQL client's shell command")(shell);
    }
  }
}

export const runStringHandlers: HandlerTable = {
  ssh,
  scp: ssh,
  sftp: ssh,
  rsync: (a, args, site) => optionValues(args, ["-e", "--rsh"]).forEach(run(a, site, "rsync's remote shell")),
  tar,
  bsdtar: tar,
  tmux,
  rg: (a, args, site) => optionValues(args, ["--pre"]).forEach(run(a, site, "rg --pre")),
  bat: (a, args, site) => optionValues(args, ["--pager"]).forEach(run(a, site, "bat's pager")),
  batcat: (a, args, site) => optionValues(args, ["--pager"]).forEach(run(a, site, "bat's pager")),
  less: (a, args, site) => {
    for (const x of args) {
      const shell = /^\+\+?(?::?!|\|)([\s\S]+)$/.exec(x.text)?.[1];
      if (shell !== undefined) run(a, site, "less's shell command")(shell);
    }
  },
  sort: (a, args, site) => optionValues(args, ["--compress-program"]).forEach(run(a, site, "sort --compress-program")),
  man: (a, args, site) => optionValues(args, ["-H", "--html"]).forEach(run(a, site, "man's browser")),
  vim,
  vi: vim,
  nvim: vim,
  view: vim,
  gvim: vim,
  vimdiff: vim,
  ex: vim,
  gdb,
  sqlite3,
  psql: sqlShell,
  mysql: sqlShell,
  mariadb: sqlShell,
};
