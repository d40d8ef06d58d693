// The names the handler table (index.ts) answers to, for the hook's fast path, which must not load
// the handlers themselves. test/guard/programs.test.ts checks this list against the table.
import { LANGUAGES, LAUNCHERS, MAKES, NETWORK_CLIENTS, PACKAGE_RUNNERS, SHELLS } from "../command-specs.js";

export const WRITER_PROGRAMS: ReadonlySet<string> = new Set(["claude", "sponge", "cp", "mv", "ln", "install", "rsync", "rm", "rmdir", "unlink", "shred", "truncate", "touch", "chmod", "chown", "chgrp", "chattr", "setfacl", "dd", "tee", "sed", "tar", "bsdtar", "unzip", "patch", "mount", "scp", "zip", "7z"]);

export const HANDLED_PROGRAMS: ReadonlySet<string> = new Set([
  ...Object.keys(LAUNCHERS), "find", "xargs", "parallel", "docker", "podman", "kubectl", "nerdctl", "direnv", "corepack",
  "do", "then", "else", "elif", "if", "while", "until", "!", "{",
  ...SHELLS, "eval", "source", ".", "trap", "at", "batch", "mapfile", "readarray",
  ...LANGUAGES, "awk", "gawk", "mawk", "nawk",
  ...PACKAGE_RUNNERS, ...MAKES, "npm", "pnpm", "yarn", "just", "git", "crontab", "man", "concurrently", "npm-run-all", "run-s", "run-p", "turbo", "lerna", "nx",
  ...WRITER_PROGRAMS,
  ...NETWORK_CLIENTS, "alias", "hash", "openclaw-guard",
]);

/** Programs whose handlers can only deny when the text names OpenClaw or a protected place, so plain text without either skips them. */
export const MARKER_ONLY_PROGRAMS: ReadonlySet<string> = new Set(["git", "alias", "hash", "awk", "gawk", "mawk", "nawk", ...WRITER_PROGRAMS]);

/**
 * Programs with options whose value another program runs (run-strings.ts), and the text that shows
 * such an option is used: only then does the hook's fast path leave the command to the analyser.
 */
export const RUN_STRING_PROGRAMS: Readonly<Record<string, RegExp>> = {
  ssh: /(^|\s)-[oF]/, scp: /(^|\s)-[oF]/, sftp: /(^|\s)-[oF]/,
  rsync: /(^|\s)(-e|--rsh)/,
  tar: /--to-command|--checkpoint-action|(^|\s)-[IF]|--use-compress-program|--info-script|--new-volume-script|--rsh-command/,
  bsdtar: /--to-command|--checkpoint-action|(^|\s)-[IF]|--use-compress-program|--info-script|--new-volume-script|--rsh-command/,
  tmux: /(^|\s)(new|new-session|neww|new-window|splitw|split-window|respawn\S*|run|run-shell|pipep|pipe-pane|if|if-shell|popup|display-popup)(\s|$)/,
  rg: /--pre\b/, bat: /--pager/, batcat: /--pager/, less: /(^|\s)['"]?\+/, sort: /--compress-program/, man: /(^|\s)(-H|--html)/,
  vim: /(^|\s)['"]?(-c|--cmd|\+)/, vi: /(^|\s)['"]?(-c|--cmd|\+)/, nvim: /(^|\s)['"]?(-c|--cmd|\+)/, view: /(^|\s)['"]?(-c|--cmd|\+)/, gvim: /(^|\s)['"]?(-c|--cmd|\+)/, vimdiff: /(^|\s)['"]?(-c|--cmd|\+)/, ex: /(^|\s)['"]?(-c|--cmd|\+)/,
  sed: /(^|['";{}\s0-9$\/])e(\s|$)/,
  gdb: /./, sqlite3: /\.(shell|system|once|output)/, psql: /\\!|system/, mysql: /\\!|system/, mariadb: /\\!|system/,
};
