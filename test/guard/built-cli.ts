// Process-level tests run the built CLI (dist/), as Claude Code would. `npm test` builds first.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./corpus.js";

export const cliPath = path.join(repoRoot, "dist", "cli.js");

/** Fail loudly (not skip) when dist/guard or the hook's bundles are missing or older than src/guard. */
export function requireBuiltCli(): void {
  const sourceDir = path.join(repoRoot, "src", "guard");
  for (const file of readdirSync(sourceDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
    for (const built of [path.join(repoRoot, "dist", "guard", file.replace(/\.ts$/, ".js")), ...BUNDLES]) requireNewer(built, path.join(sourceDir, file));
  }
}

const BUNDLES = ["hook-main.cjs", "hook-entry.cjs"].map((file) => path.join(repoRoot, "dist", "guard", file));

function requireNewer(built: string, source: string): void {
  let builtTime: number;
  try {
    builtTime = statSync(built).mtimeMs;
  } catch {
    throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`);
  }
  if (builtTime < statSync(source).mtimeMs) {
    throw new Error(`${built} is older than its source: run \`npm run build\` first (npm test does)`);
  }
}
