// openclaw-guard's own entry point, recognised by its resolved path: `node dist/cli.js doctor` in
// the checkout (or `npm start`, which runs it) is the guard, not a program that mentions OpenClaw.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** dist/cli.js when running from dist/guard/, src/cli.ts under vitest. */
const OWN_ENTRIES = [new URL("../cli.js", import.meta.url), new URL("../cli.ts", import.meta.url)].map((url) => fileURLToPath(url));

function realPath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

let entries: (string | undefined)[] | undefined;

export function isGuardEntry(absolutePath: string): boolean {
  entries ??= OWN_ENTRIES.map(realPath).filter((entry) => entry !== undefined);
  const real = realPath(absolutePath);
  return real !== undefined && entries.includes(real);
}
