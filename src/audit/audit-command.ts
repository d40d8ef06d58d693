// `openclaw-guard audit verify [--file F]`, `audit tail [-n N] [--json] [--file F]` and
// `audit ack [--note TEXT] [--file F]` (a human acknowledges a deliberate reset or move of the log).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { defaultAuditFile, loadConfig, resolveConfigPath } from "../contacts/config.js";
import { redactText } from "./redact.js";
import { createStore, ledgerPathFor, readAuditTail, rotatedFiles, verifyAuditLog, type VerifyResult } from "./store.js";

const USAGE = "usage: openclaw-guard audit verify [--file F] | audit tail [-n N] [--json] [--file F] | audit ack [--note TEXT] [--file F] | audit limits [--json] [--reset] [--file F]";

export type AckDeps = {
  /** A human at a terminal: the agent's shell tools have none. */
  interactive: boolean;
  ask: (question: string) => Promise<string>;
  out: (text: string) => void;
  user: () => string;
};

export async function run(args: string[], ackDeps: AckDeps = terminal()): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseCommandArgs(`audit ${action ?? ""}`.trim(), rest, { file: { type: "string" }, n: { type: "string", short: "n" }, json: { type: "boolean" }, note: { type: "string" }, reset: { type: "boolean" } });
  const file = values.file ?? auditFileFromConfig(values.config);
  if (action === "verify") return verify(file);
  if (action === "tail") return tail(file, Number(values.n ?? 20), values.json === true);
  if (action === "ack") return ack(file, values.note ?? "", ackDeps);
  if (action === "limits") return values.reset === true ? resetLimits(file, ackDeps) : showLimits(file, values.json === true, ackDeps.out);
  throw new UsageError(USAGE);
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

function check(file: string): VerifyResult {
  const tail = readAuditTail(file);
  if (tail === undefined && !existsSync(file)) readLog(file); // throws "no audit log at ..."
  return verifyAuditLog(file, tail, { readFile: (path) => readFileSync(path, "utf8"), readDir: (dir) => readdirSync(dir) });
}

export function describeVerified(file: string, result: VerifyResult): string {
  if (!result.ok) return `${result.file ?? file}: broken at record ${result.records + 1} (line ${result.line}): it ${result.problem}. ${result.records} records before it verify.`;
  const files = result.files ? ` in ${result.files} files` : "";
  const acks = result.acknowledged ? `, ${result.acknowledged} acknowledged reset${result.acknowledged === 1 ? "" : "s"}` : "";
  const start = result.startsAfter ? `; it continues ${result.startsAfter}, which was removed` : "";
  return `${file}: intact, ${result.records} records${files}${acks}${start}`;
}

function verify(file: string): number {
  const result = check(file);
  process.stdout.write(`${describeVerified(file, result)}\n`);
  return result.ok ? 0 : 1;
}

/**
 * Records that a human moved, reset or rotated the log on purpose. A log that is missing or ends
 * elsewhere first gets its discontinuity record (the store writes it), then one `ack` names them all.
 * Only breaks of that kind can be acknowledged; an edited record stays a failure.
 */
async function ack(file: string, note: string, deps: AckDeps): Promise<number> {
  if (!deps.interactive) {
    deps.out("openclaw-guard audit ack: must be run by a human at a terminal (stdin is not one); nothing was recorded.\n");
    return 1;
  }
  if (readAuditTail(file) === undefined && !existsSync(file) && !existsSync(ledgerPathFor(file))) {
    deps.out(`${file}: no audit log and no ledger: nothing to acknowledge.\n`);
    return 0;
  }
  const store = createStore(file);
  await store.record(); // writes the discontinuity record if the log is not where the ledger left it
  const result = check(file);
  if (result.ok) {
    deps.out(`${describeVerified(file, result)}: nothing to acknowledge.\n`);
    return 0;
  }
  if (result.resets === undefined) {
    deps.out(`${describeVerified(file, result)}\nOnly a reset or moved log can be acknowledged. Keep a copy of ${file} for inspection and move it aside; the next send (or audit ack) records the reset.\n`);
    return 1;
  }
  deps.out(`${describeVerified(file, result)}\n`);
  const answer = await deps.ask(`Type "ack" if you moved, reset or deleted the audit log on purpose: `);
  if (answer.trim() !== "ack") {
    deps.out("Not acknowledged; nothing was recorded.\n");
    return 1;
  }
  const { resets } = result;
  await store.record({ event: "ack", acknowledges: resets, by: deps.user(), ...(note ? { note: redactText(note) } : {}) });
  const after = check(file);
  deps.out(`Recorded the acknowledgement of ${resets.length} reset${resets.length === 1 ? "" : "s"}.\n${describeVerified(file, after)}\n`);
  return after.ok ? 0 : 1;
}

function tail(file: string, n: number, json: boolean): number {
  if (!Number.isInteger(n) || n < 1) throw new UsageError("audit tail: -n must be a positive integer");
  // After a rotation the newest records start in the current file and go on in the rotated ones.
  let lines = readLog(file).trim().split("\n").filter(Boolean);
  for (const older of rotatedFiles(file).reverse()) {
    if (lines.length >= n) break;
    lines = [...readLog(older).trim().split("\n").filter(Boolean), ...lines];
  }
  lines = lines.slice(-n);
  for (const line of lines) {
    if (json) {
      process.stdout.write(`${line}\n`);
      continue;
    }
    const r = JSON.parse(line) as Record<string, string | undefined>;
    process.stdout.write(`${r.time ?? "?"}  ${describeEvent(r).padEnd(28)} ${String(r.to ?? "").padEnd(16)} ${[r.channel, r.target].filter(Boolean).join(" ").padEnd(22)} ${detailOf(r)}\n`);
  }
  return 0;
}

function describeEvent(r: Record<string, string | undefined>): string {
  switch (r.event) {
    case "attempt":
      return r.decision === "refuse" ? `REFUSED ${r.code}` : "attempt";
    case "outcome":
      return `outcome ${r.status}`;
    case "discontinuity":
      return `DISCONTINUITY (log ${r.log})`;
    default:
      return String(r.event);
  }
}

function detailOf(r: Record<string, unknown>): string {
  if (r.event === "rotate") return `continues from ${String(r.previous)}`;
  if (r.event === "ack") return `by ${String(r.by)}${r.note ? `: ${String(r.note)}` : ""}`;
  return [r.messageId && `id ${String(r.messageId)}`, r.reason].filter(Boolean).join("; ");
}

/** The sends the rate limits and duplicate windows count (the shared ledger), per alias. */
async function showLimits(file: string, json: boolean, out: (text: string) => void): Promise<number> {
  const { entries } = await createStore(file).transact((ledger) => ({ result: ledger, records: [] }));
  const byAlias = new Map<string, { count: number; oldest: number; newest: number }>();
  for (const e of entries) {
    const seen = byAlias.get(e.alias) ?? { count: 0, oldest: e.at, newest: e.at };
    byAlias.set(e.alias, { count: seen.count + 1, oldest: Math.min(seen.oldest, e.at), newest: Math.max(seen.newest, e.at) });
  }
  const rows = [...byAlias].map(([alias, c]) => ({ alias, count: c.count, oldest: new Date(c.oldest).toISOString(), newest: new Date(c.newest).toISOString() }));
  if (json) out(`${JSON.stringify({ ledger: ledgerPathFor(file), total: entries.length, aliases: rows })}\n`);
  else out(rows.length === 0 ? `${ledgerPathFor(file)}: no sends counted against the limits.\n` : `${ledgerPathFor(file)}: ${entries.length} send(s) counted against the limits\n${rows.map((r) => `  ${r.alias}: ${r.count} (oldest ${r.oldest}, newest ${r.newest})`).join("\n")}\n`);
  return 0;
}

/** A human clears the counters (never the audit log): each entry released, the reset itself audited. */
async function resetLimits(file: string, deps: AckDeps): Promise<number> {
  if (!deps.interactive) {
    deps.out("openclaw-guard audit limits --reset: must be run by a human at a terminal (stdin is not one); nothing was reset.\n");
    return 1;
  }
  const store = createStore(file);
  const { entries } = await store.transact((ledger) => ({ result: ledger, records: [] }));
  if (entries.length === 0) {
    deps.out("No sends are counted against the limits: nothing to reset.\n");
    return 0;
  }
  const answer = await deps.ask(`Type "reset" to clear the ${entries.length} send(s) counted against the rate limits and duplicate windows: `);
  if (answer.trim() !== "reset") {
    deps.out("Not reset.\n");
    return 1;
  }
  await store.record({ event: "limits-reset", by: redactText(deps.user()), entries: entries.length });
  for (const entry of entries) await store.transact(() => ({ result: undefined, records: [], release: entry.id }));
  deps.out(`Cleared ${entries.length} send(s) from the limits; the audit log keeps every record.\n`);
  return 0;
}

function terminal(): AckDeps {
  return {
    interactive: process.stdin.isTTY === true,
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    out: (text) => process.stdout.write(text),
    user: () => userInfo().username,
  };
}
