// The names the handler table (index.ts) answers to, for the hook's fast path, which must not load
// the handlers themselves. test/guard/programs.test.ts checks this list against the table.
import { LANGUAGES, LAUNCHERS, MAKES, NETWORK_CLIENTS, PACKAGE_RUNNERS, SHELLS } from "../command-specs.js";

export const WRITER_PROGRAMS: ReadonlySet<string> = new Set(["claude", "cp", "mv", "ln", "install", "rsync", "rm", "rmdir", "unlink", "shred", "truncate", "touch", "chmod", "chown", "chgrp", "chattr", "setfacl", "dd", "tee", "sed", "tar", "bsdtar", "unzip", "patch", "mount", "scp", "zip", "7z"]);

export const HANDLED_PROGRAMS: ReadonlySet<string> = new Set([
  ...Object.keys(LAUNCHERS), "find", "xargs", "docker", "podman", "kubectl", "nerdctl", "direnv", "corepack",
  "do", "then", "else", "elif", "if", "while", "until", "!", "{",
  ...SHELLS, "eval", "source", ".", "trap", "at", "batch", "mapfile", "readarray",
  ...LANGUAGES, "awk", "gawk", "mawk", "nawk",
  ...PACKAGE_RUNNERS, ...MAKES, "npm", "pnpm", "yarn", "just", "git", "crontab", "man",
  ...WRITER_PROGRAMS,
  ...NETWORK_CLIENTS, "alias", "hash", "openclaw-guard",
]);

/** Programs whose handlers can only deny when the text names OpenClaw or a protected place, so plain text without either skips them. */
export const MARKER_ONLY_PROGRAMS: ReadonlySet<string> = new Set(["git", "alias", "hash", "awk", "gawk", "mawk", "nawk", ...WRITER_PROGRAMS]);
