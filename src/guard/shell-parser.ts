// One tree-sitter-bash parser per process, loaded from the vendored grammar.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import type { Node, Parser as ParserType, Tree } from "web-tree-sitter";

export type { Node, Tree };

/** vendor/ sits two levels above this file both in src/guard/ (vitest) and dist/guard/ (built). */
export const GRAMMAR_PATH = fileURLToPath(new URL("../../vendor/tree-sitter-bash.wasm", import.meta.url));

let parserPromise: Promise<ParserType> | undefined;

async function loadParser(): Promise<ParserType> {
  // Why: V8's optimising wasm tier compiles the 1.3 MB grammar in the background and
  // keeps a short-lived process alive ~0.4 s longer; the baseline tier parses fast enough.
  // Must be set before the first wasm module is compiled.
  setFlagsFromString("--liftoff-only");
  const { Parser, Language } = await import("web-tree-sitter");
  await Parser.init();
  const language = await Language.load(readFileSync(GRAMMAR_PATH));
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
