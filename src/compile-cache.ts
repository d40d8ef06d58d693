// Node's compile cache (Node >= 22.1) for the processes that start often: the guard's hook before
// every shell command, and `serve` once per agent session. Later runs skip parsing and compiling
// the modules they load. The cache lives in the guard's state folder, which the guard protects from
// the agent's writes, not in the shared temp folder.
import { existsSync, mkdirSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { guardStateDir } from "./contacts/config-path.js";

type CompileCache = { enableCompileCache?: (directory: string) => unknown };

/**
 * The compile cache's folder, made one level at a time (owner-only); undefined when it cannot be
 * made. Node's own recursive mkdir, which enableCompileCache uses, never returns for a path under
 * /proc (Node 20 and 24): a HOME there would hang every hook run until Claude Code's timeout.
 */
function compileCacheDir(): string | undefined {
  const target = path.join(guardStateDir(), "compile-cache");
  const missing: string[] = [];
  for (let dir = target; !existsSync(dir); dir = path.dirname(dir)) {
    if (dir === path.dirname(dir)) return undefined;
    missing.unshift(dir);
  }
  try {
    for (const dir of missing) mkdirSync(dir, { mode: 0o700 });
  } catch {
    return undefined;
  }
  return target;
}

/** Turns the cache on for the modules loaded from now on; a no-op where Node has none. */
export function enableCompileCache(): void {
  const compileCache = module as CompileCache;
  if (!compileCache.enableCompileCache) return;
  const directory = compileCacheDir();
  if (directory !== undefined) compileCache.enableCompileCache(directory);
}
