// What the e2e files that load openclaw-guard's built plugin into the real gateway share: the built
// entry must exist, and the plugin's gateway-side audit log is read back as records.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./claude-code.js";

export type AuditRecord = Record<string, unknown>;

/** The gateway loads dist/plugin/index.js from the repository: a missing build fails the suite. */
export function requireBuiltPlugin(): void {
  if (!existsSync(join(REPO_ROOT, "dist/plugin/index.js"))) throw new Error("dist/plugin/index.js is missing: run `npm run build` first");
}

/** The plugin's gateway-audit.jsonl in `guardDir` (beside the book's audit log), as records; none yet: []. */
export function gatewayAudit(guardDir: string): AuditRecord[] {
  const file = join(guardDir, "gateway-audit.jsonl");
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as AuditRecord) : [];
}
