// One tree-sitter-bash parser per process, loaded from the vendored grammar.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Node, Parser as ParserType, Tree } from "web-tree-sitter";

export type { Node, Tree };

/** vendor/ sits two levels above this file both in src/guard/ (vitest) and dist/guard/ (built). */
export const GRAMMAR_PATH = fileURLToPath(new URL("../../vendor/tree-sitter-bash.wasm", import.meta.url));

/** V8 options for node's command line wherever the parser may load: the registered hook command. */
export const PARSER_NODE_OPTIONS: readonly string[] = ["--liftoff-only"];

let parserPromise: Promise<ParserType> | undefined;

/**
 * V8's optimising wasm tier compiles the 1.3 MB grammar in the background and keeps a short-lived
 * process alive ~0.4 s (Node 20) to ~2 s (Node 24) longer; the baseline tier parses fast enough.
 * Set at run time this works only on Node 20 (newer V8 freezes its flags at start-up), so the
 * registered hook command passes it to node itself (PARSER_NODE_OPTIONS). node:v8 is loaded only
 * when needed: it pulls in the stream modules, ~3 ms of a cold start.
 */
function preferBaselineWasmTier(): void {
  if (PARSER_NODE_OPTIONS.every((option) => process.execArgv.includes(option))) return;
  const { setFlagsFromString } = createRequire(import.meta.url)("node:v8") as typeof import("node:v8");
  for (const option of PARSER_NODE_OPTIONS) setFlagsFromString(option);
}

async function loadParser(): Promise<ParserType> {
  preferBaselineWasmTier(); // before the first wasm module is compiled
  // The grammar compiles on V8's background threads while the runtime loads and initialises.
  const grammar = WebAssembly.compile(readFileSync(GRAMMAR_PATH));
  grammar.catch(() => {}); // awaited below; a failure must not surface first as an unhandled rejection
  // require(), not import(): the CommonJS build loads faster, in the bundled hook and unbundled.
  const { Parser, Language } = createRequire(import.meta.url)("web-tree-sitter") as typeof import("web-tree-sitter");
  await Parser.init();
  const language = Language.loadSync(await grammar);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** Initialise once; later calls return the same parser. */
export function initShellParser(): Promise<ParserType> {
  parserPromise ??= loadParser();
  return parserPromise;
}

/** Parse `source`; tree-sitter always returns a tree (with ERROR nodes) unless cancelled. */
export function parseShell(parser: ParserType, source: string): Tree {
  const tree = parser.parse(source);
  if (tree === null) throw new Error("tree-sitter returned no tree");
  return tree;
}
