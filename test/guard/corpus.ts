// The shared corpora live beside the repository (CI clones it with shared/ next to it).
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
const corpusDir = path.resolve(repoRoot, "../shared/corpus");

export function loadCorpus(name: "raw-cli-attempts" | "benign-commands"): CorpusEntry[] {
  return JSON.parse(readFileSync(path.join(corpusDir, `${name}.json`), "utf8")) as CorpusEntry[];
}
