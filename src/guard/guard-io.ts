// The little I/O the guard's commands need: capped stdin, capped script peeking.
import { lstatSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { globToRegExp } from "./shell-words.js";
import type { AllowList } from "./openclaw-policy.js";
import type { FindQuery } from "./programs/types.js";
import { isGuardEntry } from "./guard-entry.js";
import { protectedAreaOf, type ProtectedContext } from "./protected-paths.js";

export const MAX_SCRIPT_BYTES = 256 * 1024;

/**
 * Read all of stdin; throws once more than `limit` bytes arrive. Reads fd 0 directly: creating
 * process.stdin loads the stream and net modules, ~3 ms of every hook run. A non-blocking stdin
 * (EAGAIN) is read on as a stream.
 */
export async function readStdinCapped(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const take = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) throw new Error(`input is larger than ${limit} bytes`);
    chunks.push(chunk);
  };
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) take(chunk);
      break;
    }
    if (read === 0) break;
    take(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A text file the analyser may peek at; undefined when missing, not a regular file, binary or too big. */
export function readScriptFile(absolutePath: string): string | undefined {
  try {
    const stat = statSync(absolutePath);
    if (!stat.isFile() || stat.size > MAX_SCRIPT_BYTES) return undefined;
    const text = readFileSync(absolutePath, "utf8");
    return text.includes("\0") ? undefined : text;
  } catch {
    return undefined;
  }
}

const MAX_GLOB_MATCHES = 64;
const MAX_GLOB_DIRECTORIES = 32;

/**
 * The paths an absolute glob pattern matches, as bash expands it (a leading dot only matched by a
 * pattern that starts with one), capped; undefined when a directory on the way cannot be listed.
 */
export function expandGlob(pattern: string): string[] | undefined {
  let paths = ["/"];
  let listed = 0;
  for (const part of pattern.split("/").filter((p) => p !== "")) {
    if (!/[*?[]/.test(part)) {
      paths = paths.map((dir) => path.join(dir, part.replace(/\\(.)/g, "$1")));
      continue;
    }
    const matcher = globToRegExp(part);
    const next: string[] = [];
    for (const dir of paths) {
      if (++listed > MAX_GLOB_DIRECTORIES) return undefined;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names.sort()) if ((!name.startsWith(".") || part.startsWith(".")) && matcher.test(name)) next.push(path.join(dir, name));
      if (next.length > MAX_GLOB_MATCHES) return undefined;
    }
    paths = next;
  }
  return paths.filter((file) => {
    try {
      statSync(file);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * What `find START` selects under an absolute start, depth by depth as find walks (dot files included,
 * symbolic links not followed), filtered by the query's names, file type and depths; capped like a glob,
 * undefined when more than that, when the start is missing or when a folder on the way cannot be listed.
 */
export function findPaths(start: string, query: FindQuery): string[] | undefined {
  const found: string[] = [];
  let listed = 0;
  const selects = (file: string, depth: number, isFile: boolean) =>
    depth >= query.minDepth && (isFile || !query.filesOnly) && query.names.every((name) => name.test(path.basename(file)));
  const walk = (dir: string, depth: number): boolean => {
    if (++listed > MAX_GLOB_DIRECTORIES) return false;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const entry of entries.sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (selects(file, depth, entry.isFile())) found.push(file);
      if (found.length > MAX_GLOB_MATCHES) return false;
      if (entry.isDirectory() && depth < query.maxDepth && !walk(file, depth + 1)) return false;
    }
    return true;
  };
  let startStat: ReturnType<typeof lstatSync>;
  try {
    startStat = lstatSync(start);
  } catch {
    return undefined; // missing here, but the command may create it first
  }
  if (selects(start, 0, startStat.isFile())) found.push(start);
  if (!startStat.isDirectory() || query.maxDepth < 1) return found;
  return walk(start, 1) ? found : undefined;
}

/** The analyser's file access for the hook and check-command: script peeking, protected places, the guard's own entry. */
export function analyserOptions(allowList: AllowList, cwd: string, context: ProtectedContext) {
  return {
    allowList,
    cwd,
    homeDir: context.homeDir,
    readFile: readScriptFile,
    protectedArea: (target: string | RegExp, below: boolean) => protectedAreaOf(target, context, below),
    isGuardEntry,
    expandGlob,
    findPaths,
  };
}
