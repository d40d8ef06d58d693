// The registered hook command: `node --liftoff-only dist/guard/hook-main.cjs hook claude-code --config PATH`
// (see hookArgv in src/setup/init-plan.ts). `npm run build` bundles this file, and separately
// hook-entry.ts with the whole hook path, into CommonJS: Node loads CommonJS and built-in modules
// faster than ES modules, and a cold hook process runs before every command the agent runs.
// This small first file turns on Node's compile cache (Node >= 22.1) before the big one loads, so
// later runs skip parsing and compiling it. The cache lives in the guard's state folder, which the
// guard protects from the agent's writes, not in the shared temp folder.
import { existsSync, mkdirSync } from "node:fs";
import module, { createRequire } from "node:module";
import path from "node:path";
import { guardStateDir } from "../contacts/config-path.js";
import { DENY_EXIT_CODE, denyUntilDecided, failedClosed } from "./fail-closed.js";

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

const compileCache = module as CompileCache;
if (compileCache.enableCompileCache) {
  const directory = compileCacheDir();
  if (directory !== undefined) compileCache.enableCompileCache(directory);
}

async function main([command, ...args]: string[]): Promise<number> {
  if (command !== "hook") {
    process.stderr.write("usage: node hook-main.cjs hook claude-code [--config PATH]\n");
    return DENY_EXIT_CODE;
  }
  // require(), not import(): the ES module loader would cost more than the bundle saves.
  const { runHook } = createRequire(import.meta.url)("./hook-entry.cjs") as typeof import("./hook-entry.js");
  return runHook(args);
}

const decide = denyUntilDecided();
main(process.argv.slice(2)).then(decide, (error: unknown) => {
  process.stderr.write(failedClosed(error));
  decide(DENY_EXIT_CODE);
});
