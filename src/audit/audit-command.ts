// `openclaw-guard audit verify [--file F]` and `audit tail [-n N] [--json] [--file F]`.
import { readFileSync } from "node:fs";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { defaultAuditFile, loadConfig, resolveConfigPath } from "../contacts/config.js";
import { readAuditTail, verifyAuditText } from "./store.js";

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseCommandArgs(`audit ${action ?? ""}`.trim(), rest, { file: { type: "string" }, n: { type: "string", short: "n" }, json: { type: "boolean" } });
  const file = values.file ?? auditFileFromConfig(values.config);
  if (action === "verify") return verify(file);
  if (action === "tail") return tail(file, Number(values.n ?? 20), values.json === true);
  throw new UsageError("usage: openclaw-guard audit verify [--file F] | audit tail [-n N] [--json] [--file F]");
}

function auditFileFromConfig(flag: string | undefined): string {
  try {
    return loadConfig(resolveConfigPath({ flag })).audit.file;
  } catch {
    return defaultAuditFile();
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `no audit log at ${file} (nothing was attempted yet, or pass --file)` : `cannot read ${file} (${code ?? String(error)})`);
  }
}

function verify(file: string): number {
  const result = verifyAuditText(readLog(file), readAuditTail(file));
  if (result.ok) {
    process.stdout.write(`${file}: intact, ${result.records} records\n`);
    return 0;
  }
  process.stdout.write(`${file}: broken at record ${result.line} (line ${result.line}): it ${result.problem}. ${result.records} records before it verify.\n`);
  return 1;
}

function tail(file: string, n: number, json: boolean): number {
  if (!Number.isInteger(n) || n < 1) throw new UsageError("audit tail: -n must be a positive integer");
  const lines = readLog(file).trim().split("\n").filter(Boolean).slice(-n);
  for (const line of lines) {
    if (json) {
      process.stdout.write(`${line}\n`);
      continue;
    }
    const r = JSON.parse(line) as Record<string, string | undefined>;
    const what = r.event === "attempt" ? (r.decision === "refuse" ? `REFUSED ${r.code}` : "attempt") : `outcome ${r.status}`;
    const where = [r.channel, r.target].filter(Boolean).join(" ");
    const detail = [r.messageId && `id ${r.messageId}`, r.reason].filter(Boolean).join("; ");
    process.stdout.write(`${r.time ?? "?"}  ${what.padEnd(28)} ${String(r.to ?? "").padEnd(16)} ${where.padEnd(22)} ${detail}\n`);
  }
  return 0;
}
