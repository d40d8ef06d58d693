// Who may change the address book: only its owner (or root). Group-write counts as "others" unless
// the group is the owner's user-private group, the rule OpenSSH (Debian's StrictModes) applies, so a
// clone or `mkdir` under the umask 002 of Ubuntu and Fedora is accepted while a shared group is not.
import { statSync } from "node:fs";
import { dirname } from "node:path";

export type FileOwner = { mode: number; uid: number; gid: number };

/** Reads /etc/passwd and /etc/group (injectable for tests); throws when they cannot be read. */
export type ReadSystemFile = (path: "/etc/passwd" | "/etc/group") => string;

export type PermissionDeps = {
  stat: (path: string) => FileOwner | undefined;
  readSystemFile: ReadSystemFile;
  /** The uid this process runs as; undefined where there are no uids. */
  uid: number | undefined;
};

export const systemDeps = (readSystemFile: ReadSystemFile): PermissionDeps => ({
  stat: (path) => {
    try {
      return statSync(path);
    } catch {
      return undefined; // a missing file is reported by the read that follows
    }
  },
  readSystemFile,
  uid: process.getuid?.(),
});

/**
 * The reason the config file or its directory could be changed by someone other than its owner, with
 * the one command that fixes both; undefined when neither can be.
 */
export function configPermissionProblem(
  path: string,
  readSystemFile: ReadSystemFile,
  deps: PermissionDeps = systemDeps(readSystemFile),
  { kind, consequence }: { kind: string; consequence: string } = { kind: "config", consequence: "add a recipient" },
): string | undefined {
  const targets = [[`${kind} file`, path], [`${kind} directory`, dirname(path)]] as const;
  const writable: string[] = [];
  let first: string | undefined;
  for (const [what, target] of targets) {
    const stats = deps.stat(target);
    if (stats === undefined) continue;
    if (deps.uid !== undefined && stats.uid !== deps.uid && stats.uid !== 0) {
      return `${target}: the ${what} belongs to another user (uid ${stats.uid}). Fix: chown it to yourself, or keep the ${kind} in a directory you own.`;
    }
    const who = writableBy(stats, what === `${kind} directory`, deps.readSystemFile);
    if (who === undefined) continue;
    writable.push(target);
    first ??= `${target}: the ${what} is writable by ${who} (mode ${(stats.mode & 0o777).toString(8).padStart(3, "0")}), so they could ${consequence}`;
  }
  if (first === undefined) return undefined;
  return `${first}. Fix: chmod go-w ${writable.map((t) => JSON.stringify(t)).join(" ")}`;
}

/** Who besides the owner can write this file or directory; undefined when nobody can. */
function writableBy(stats: FileOwner, isDirectory: boolean, readSystemFile: ReadSystemFile): string | undefined {
  // A sticky directory (like /tmp) lets others add files but not replace ours.
  if (isDirectory && (stats.mode & 0o1000) !== 0) return undefined;
  if ((stats.mode & 0o002) !== 0) return "other users";
  if ((stats.mode & 0o020) === 0) return undefined;
  return ownersPrivateGroup(stats, readSystemFile) ? undefined : "other users (its group is not the owner's private group)";
}

/**
 * True when the file's group is its owner's user-private group: the owner's primary group, named
 * like the owner, no other account has it as primary group, and /etc/group lists no other member.
 * Anything that cannot be confirmed from the files (NSS/LDAP accounts, unreadable files) is false.
 */
export function ownersPrivateGroup(stats: Pick<FileOwner, "uid" | "gid">, readSystemFile: ReadSystemFile): boolean {
  let passwd: string[][];
  let groups: string[][];
  try {
    passwd = fields(readSystemFile("/etc/passwd"));
    groups = fields(readSystemFile("/etc/group"));
  } catch {
    return false;
  }
  const owner = passwd.find((p) => Number(p[2]) === stats.uid);
  if (owner === undefined || Number(owner[3]) !== stats.gid) return false;
  const withGid = groups.filter((g) => Number(g[2]) === stats.gid);
  if (withGid.length !== 1 || withGid[0]![0] !== owner[0]) return false;
  const members = (withGid[0]![3] ?? "").split(",").filter(Boolean);
  if (members.some((m) => m !== owner[0])) return false;
  return passwd.every((p) => p === owner || Number(p[3]) !== stats.gid);
}

/** Colon-separated records; NIS `+`/`-` include lines pull in accounts we cannot see, so they throw. */
function fields(text: string): string[][] {
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  if (lines.some((line) => /^[+-]/.test(line))) throw new Error("NIS include line");
  return lines.map((line) => line.split(":")).filter((f) => f.length >= 4 && /^\d+$/.test(f[2]!));
}
