// The hostile and harmless command corpora, kept in the repository (test/corpus/); they started as
// the project's original research corpora and grow with every bypass class the guard learns.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface CorpusEntry {
  readonly id: string;
  readonly command: string;
  readonly expect: "deny" | "allow" | "either";
  readonly family?: string;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const corpusDir = path.join(repoRoot, "test/corpus");

export function loadCorpus(name: "raw-cli-attempts" | "benign-commands"): CorpusEntry[] {
  return JSON.parse(readFileSync(path.join(corpusDir, `${name}.json`), "utf8")) as CorpusEntry[];
}
