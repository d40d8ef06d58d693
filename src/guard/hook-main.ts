// The registered hook command: `node --liftoff-only dist/guard/hook-main.cjs hook claude-code --config PATH`
// (see hookArgv in src/setup/init-plan.ts). `npm run build` bundles this file, and separately
// hook-entry.ts with the whole hook path, into CommonJS: Node loads CommonJS and built-in modules
// faster than ES modules, and a cold hook process runs before every command the agent runs.
// This small first file turns on Node's compile cache (src/compile-cache.ts) before the big one
// loads, so later runs skip parsing and compiling it.
import { createRequire } from "node:module";
import { enableCompileCache } from "../compile-cache.js";
import { DENY_EXIT_CODE, denyUntilDecided, failedClosed } from "./fail-closed.js";

enableCompileCache();

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
