// The hook's whole path as one module graph, bundled by `npm run build` into
// dist/guard/hook-entry.cjs (see hook-main.ts); `cli.js hook claude-code` runs the same code unbundled.
import { denyOnCrash } from "./fail-closed.js";
import { run } from "./hook-command.js";

export function runHook(args: string[]): Promise<number> {
  denyOnCrash();
  return run(args);
}
