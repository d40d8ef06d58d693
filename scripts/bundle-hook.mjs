// `npm run build` step after tsc: bundle the PreToolUse hook's path (the command `init` registers)
// into two CommonJS files, dist/guard/hook-main.cjs (turns on the compile cache) and
// dist/guard/hook-entry.cjs (everything else). Every module of this repository the entry reaches,
// whatever src/guard holds at build time, is inlined; packages stay require()s from node_modules,
// loaded only when the hook needs them (web-tree-sitter only for commands that must be parsed).
import { build } from "esbuild";

const common = {
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
  // The sources find vendor/ and node_modules relative to import.meta.url, which CommonJS lacks.
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "__importMetaUrl" },
};

await build({ ...common, entryPoints: ["src/guard/hook-main.ts"], outfile: "dist/guard/hook-main.cjs" });
await build({ ...common, entryPoints: ["src/guard/hook-entry.ts"], outfile: "dist/guard/hook-entry.cjs" });
