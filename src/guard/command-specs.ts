// What the analyser knows about other commands: launchers and their options, shells,
// interpreters' inline-code options, package runners, file kinds, and the CLI's names.
import { posix as path } from "node:path";
import { CLI_NAMES } from "./openclaw-policy.js";

export const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh", "fish", "rbash"]);
export const STDIN_COMMAND_RUNNERS = new Set(["at", "batch"]);
export const NETWORK_CLIENTS = new Set(["curl", "wget", "nc", "ncat", "netcat", "socat", "websocat", "wscat", "http", "https", "xh", "httpie", "openssl", "telnet", "aria2c", "axel", "lwp-request", "lwp-download", "GET", "POST", "HEAD", "grpcurl"]);
export const COPIERS = new Set(["ln", "cp", "mv", "install", "rsync"]);
/** Commands whose file arguments they write, truncate or delete. */
export const WRITERS = new Set(["tee", "rm", "unlink", "truncate", "shred", "dd"]);
export const PACKAGE_RUNNERS = new Set(["npx", "bunx", "pnpx"]);
export const MAKES = new Set(["make", "gmake"]);
export const SCRIPT_RUNNING_NPM = new Set(["run", "run-script", "rum", "urn"]);
export const LIFECYCLE_SCRIPTS: Readonly<Record<string, readonly string[]>> = {
  test: ["test"], t: ["test"], tst: ["test"], start: ["start"], stop: ["stop"], restart: ["restart", "stop", "start"],
  install: ["preinstall", "install", "postinstall", "prepare"], i: ["preinstall", "install", "postinstall", "prepare"],
  ci: ["preinstall", "install", "postinstall", "prepare"], rebuild: ["preinstall", "install", "postinstall", "prepare"],
  pack: ["prepack", "prepare", "postpack"], publish: ["prepublishOnly", "prepack", "prepare", "postpack", "publish", "postpublish"],
  version: ["preversion", "version", "postversion"], link: ["preinstall", "install", "postinstall", "prepare"],
};

export const LANGUAGES = ["python", "node", "perl", "ruby", "php", "deno", "bun", "lua", "tcl"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Options of plain launchers: which take a value, how many positionals precede the command. */
export interface LauncherSpec {
  readonly valueOptions?: readonly string[];
  /** Options after which no command runs (`command -v` only looks the name up). */
  readonly lookupOptions?: readonly string[];
  readonly positionalsBefore?: number;
  readonly skipAssignments?: boolean;
  /** Options whose value is a shell command string (`flock -c`, `su -c`, `script -c`). */
  readonly commandOptions?: readonly string[];
  /** The command gets more arguments at run time (xargs, find -exec ... +). */
  readonly appendsArguments?: boolean;
  /** The words after the options are joined and run by a shell (watch, ssh). */
  readonly joinsCommand?: boolean;
}

export const LAUNCHERS: Readonly<Record<string, LauncherSpec>> = {
  env: { valueOptions: ["-u", "--unset", "-C", "--chdir"], skipAssignments: true, commandOptions: ["-S", "--split-string"] },
  command: { lookupOptions: ["-v", "-V"] },
  builtin: {},
  exec: { valueOptions: ["-a"] },
  nohup: {},
  // `uv run [--with X] python -c ...`: the program after the subcommand.
  uv: { valueOptions: ["--with", "--python", "-p", "--project", "--directory", "--env-file", "--package"], positionalsBefore: 1 },
  setsid: {},
  time: { valueOptions: ["-f", "--format", "-o", "--output"] },
  nice: { valueOptions: ["-n", "--adjustment"] },
  ionice: { valueOptions: ["-c", "--class", "-n", "--classdata"], lookupOptions: ["-p", "--pid", "-P", "--pgid", "-u", "--uid"] },
  timeout: { valueOptions: ["-s", "--signal", "-k", "--kill-after"], positionalsBefore: 1 },
  stdbuf: { valueOptions: ["-i", "-o", "-e", "--input", "--output", "--error"] },
  chrt: { positionalsBefore: 1, lookupOptions: ["-p", "--pid"] },
  taskset: { positionalsBefore: 1, lookupOptions: ["-p", "--pid"] },
  flock: { valueOptions: ["-w", "--timeout", "-E", "--conflict-exit-code"], positionalsBefore: 1, commandOptions: ["-c", "--command"] },
  unbuffer: {},
  sudo: {
    valueOptions: ["-u", "--user", "-g", "--group", "-h", "--host", "-p", "--prompt", "-C", "--close-from", "-D", "--chdir", "-r", "--role", "-t", "--type", "-U", "--other-user", "-T", "--command-timeout"],
    skipAssignments: true,
  },
  doas: { valueOptions: ["-u", "-C"] },
  runuser: { valueOptions: ["-u", "--user", "-g", "--group", "-G", "--supp-group", "-s", "--shell", "-w", "--whitelist-environment"], commandOptions: ["-c", "--command"] },
  su: { valueOptions: ["-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w", "--whitelist-environment"], positionalsBefore: 1, commandOptions: ["-c", "--command"] },
  firejail: {},
  "systemd-run": { valueOptions: ["-u", "--unit", "-p", "--property", "-E", "--setenv", "-M", "--machine", "-H", "--host", "--description", "--slice", "--uid", "--gid", "--working-directory"] },
  script: { valueOptions: ["-E", "--echo", "-I", "--log-in", "-O", "--log-out", "-B", "--log-io", "-T", "--log-timing", "-m", "--logging-format"], commandOptions: ["-c", "--command"], positionalsBefore: Number.POSITIVE_INFINITY },
  coproc: {},
  watch: { valueOptions: ["-n", "--interval", "-q", "--equexit"], joinsCommand: true },
  ssh: {
    valueOptions: ["-b", "-B", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w"],
    positionalsBefore: 1,
    joinsCommand: true,
  },
  busybox: {},
  strace: { valueOptions: ["-e", "-o", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-S", "-P", "-X"] },
  ltrace: { valueOptions: ["-e", "-o", "-p", "-s", "-u", "-a", "-n", "-A", "-D", "-F", "-l", "-x", "-w"] },
  "dbus-run-session": {},
  "xvfb-run": { valueOptions: ["-n", "--server-num", "-s", "--server-args", "-f", "--auth-file", "-e", "--error-file", "-p", "--xauth-protocol"] },
  chronic: {},
  eatmydata: {},
  fakeroot: {},
  caffeinate: {},
  unshare: { valueOptions: ["-R", "--root", "-w", "--wd", "-S", "--setuid", "-G", "--setgid", "--map-user", "--map-group", "--propagation"] },
  prlimit: { lookupOptions: ["-p", "--pid"] },
  nsenter: { valueOptions: ["-t", "--target", "-S", "--setuid", "-G", "--setgid", "-r", "--root", "-w", "--wd"] },
  chroot: { valueOptions: ["--userspec", "--groups"], positionalsBefore: 1 },
  setpriv: {},
  "flatpak-spawn": {},
  "cross-env": { skipAssignments: true },
  "cross-env-shell": { skipAssignments: true, joinsCommand: true },
  screen: { valueOptions: ["-S", "-c", "-e", "-h", "-L", "-Logfile", "-p", "-s", "-T", "-t", "-X"] },
  "nix-shell": { commandOptions: ["--run", "--command"], valueOptions: ["-p", "--packages", "-I", "--arg", "--argstr", "-A", "--attr"] },
  tsp: {},
};

/** xargs, used through Analysis.xargs (which first marks `-I` replacement words as unknown). */
export const XARGS: LauncherSpec = {
  valueOptions: ["-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "--max-args", "-P", "--max-procs", "-s", "--max-chars", "--process-slot-var"],
  appendsArguments: true,
};
/** `docker|podman exec [opts] CONTAINER cmd`, `kubectl exec [opts] POD -- cmd`. */
export const CONTAINER_EXEC: LauncherSpec = {
  valueOptions: ["-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys", "-c", "--container", "-n", "--namespace", "--context", "-v", "--volume", "--name", "--network", "-p", "--publish", "--entrypoint", "--mount", "-l", "--label"],
  positionalsBefore: 1,
};

export const INLINE_CODE_OPTIONS: Readonly<Record<Language, readonly string[]>> = {
  python: ["-c"],
  node: ["-e", "--eval", "-p", "--print"],
  perl: ["-e", "-E"],
  ruby: ["-e"],
  php: ["-r"],
  deno: [],
  bun: ["-e", "--eval", "-p", "--print"],
  lua: ["-e"],
  tcl: ["-c"], // expect -c; tclsh reads its code from a file or stdin
};
/** `perl -le CODE`, `ruby -ne CODE`, `python -Ic CODE`: the code option ends a flag cluster. */
export const CLUSTERED_CODE_OPTION: Readonly<Partial<Record<Language, RegExp>>> = {
  python: /^-[A-Za-z]*c$/,
  perl: /^-[A-Za-z]*[eE]$/,
  ruby: /^-[A-Za-z]*e$/,
};
export const INTERPRETER_VALUE_OPTIONS: Readonly<Record<Language, readonly string[]>> = {
  python: ["-W", "-X", "-m", "--check-hash-based-pycs"],
  node: ["-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions", "--input-type", "--env-file", "--title"],
  perl: ["-I", "-M", "-m", "-x"],
  ruby: ["-I", "-r", "-E", "-C"],
  php: ["-c", "-d", "-z"],
  deno: ["--config", "-c", "--import-map", "--env-file"],
  bun: ["-r", "--preload", "--cwd", "--env-file", "--config", "-c"],
  lua: ["-l"],
  tcl: ["-encoding"],
};

export const MAKEFILE_NAME = /^(GNUmakefile|makefile|Makefile)$|\.mk$/;
export const SHELL_FILE_NAME = /\.(sh|bash|zsh|ksh|dash|command)$|^\.(bashrc|bash_profile|bash_login|profile|zshrc|zprofile|zshenv|zlogin|kshrc)$/;
export const CODE_FILE_NAME = /\.(py|js|mjs|cjs|ts|mts|cts|jsx|tsx|rb|pl|pm|php|lua)$/;
export const CLI_NAME_WORD = /(^|[^\w.-])(openclaw|clawdbot|moltbot)([^\w-]|$)/;

export function cliNameOf(base: string): string | undefined {
  const stem = base.replace(/\.(mjs|cjs|js)$/, "");
  return CLI_NAMES.includes(stem) ? stem : undefined;
}

/** `node .../openclaw/openclaw.mjs`, `node node_modules/openclaw/dist/entry.js`, `node .../.bin/openclaw`. */
export function isOpenclawEntryScript(file: string): boolean {
  return cliNameOf(path.basename(file)) !== undefined || /(^|\/)node_modules\/(openclaw|clawdbot|moltbot)\//.test(file);
}

/** `openclaw@latest` -> `openclaw`, `@scope/pkg@1` -> `pkg` (the bin npx runs by default). */
export function packageBinName(spec: string): string {
  const withoutVersion = spec.replace(/^(@[^/]+\/)?([^@]+)@.*$/, "$1$2");
  return path.basename(withoutVersion);
}

export function normaliseCommandName(base: string): string {
  if (/^(?:python|pypy)[0-9.]*$/.test(base)) return "python";
  if (base === "nodejs" || base === "tsx" || base === "ts-node") return "node";
  if (/^(?:lua[0-9.]*|luajit)$/.test(base)) return "lua";
  if (/^(?:tclsh|wish)[0-9.]*$/.test(base) || base === "expect") return "tcl";
  if (/^perl[0-9.]*$/.test(base)) return "perl";
  if (/^ruby[0-9.]*$/.test(base)) return "ruby";
  if (/^php[0-9.]*$/.test(base)) return "php";
  return base;
}

export function splitOption(arg: string, known: readonly string[]): [string, string | undefined] {
  const equals = arg.indexOf("=");
  if (arg.startsWith("--") && equals > 0) return [arg.slice(0, equals), arg.slice(equals + 1)];
  if (!arg.startsWith("--") && arg.length > 2 && known.includes(arg.slice(0, 2))) return [arg.slice(0, 2), arg.slice(2)];
  return [arg, undefined];
}
