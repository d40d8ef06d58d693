import { readFileSync } from "node:fs";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string; engines: { node: string } };

/** From package.json, one level above both src/ and dist/. */
export const VERSION: string = manifest.version;

/** The lowest Node the runtime dependencies support: package.json engines.node, `>=X.Y.Z`. */
export const MIN_NODE_VERSION: string = /^>=\s*(\d+\.\d+\.\d+)$/.exec(manifest.engines.node)?.[1] ?? "unknown";

/** Why `actual` (e.g. process.versions.node) is too old, with the fix; undefined when it is supported. */
export function nodeVersionProblem(actual: string, execPath: string): string | undefined {
  if (compareVersions(actual.replace(/^v/, ""), MIN_NODE_VERSION) >= 0) return undefined;
  return (
    `openclaw-guard needs Node >= ${MIN_NODE_VERSION} (its dependencies @openclaw/gateway-client and @openclaw/gateway-protocol require it); ` +
    `this is Node ${actual.replace(/^v/, "")} (${execPath}). Fix: install Node 24 (what OpenClaw runs on) or >= ${MIN_NODE_VERSION}, e.g. \`nvm install 24\`, ` +
    "then run openclaw-guard with that node (re-run `init` with it: the client configs record the node binary that ran init)."
  );
}

/** Numeric comparison of dotted versions ("22.19.0" vs "22.9.1"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
