// Layer "config": the address book, the state directory and the audit chain.
import type { VerifyResult } from "../../audit/store.js";
import type { Config } from "../../contacts/config.js";
import { check, plural, type Check } from "../doctor-report.js";

export type FileStat = { mode: number; uid: number; isDirectory: boolean };

export type ConfigFacts = { path: string; config?: Config; error?: string; stat?: FileStat };

export type AuditFacts = {
  file: string;
  dir: string;
  dirStat?: FileStat;
  fileStat?: FileStat;
  /** The chain across the rotated files and the log, checked against the ledger's tail; undefined when neither log nor ledger exists. */
  chain?: VerifyResult;
  /** errno code (or message) when it exists but could not be read. */
  readError?: string;
  /** The uid doctor runs as (the agent's user, normally). */
  uid?: number;
};

const mode = (m: number) => (m & 0o777).toString(8).padStart(3, "0");

export function checkConfig(facts: ConfigFacts): Check {
  if (facts.error !== undefined || facts.config === undefined) {
    const lines = (facts.error ?? "unknown error").split("\n").filter(Boolean);
    const first = lines[0] ?? "";
    const more = lines.length > 1 ? ` (and ${plural(lines.length - 1, "more problem")})` : "";
    // ConfigError lines read "<where>: <problem>. <Fix sentence>" or "... Fix: <command>".
    const split = / Fix: /.exec(first) ?? /\. (?=[A-Z])/.exec(first);
    const summary = split ? first.slice(0, split.index + (split[0].startsWith(".") ? 1 : 0)) : first;
    const fix = split ? first.slice(split.index + split[0].length) : `edit ${facts.path}; until it is valid every send is refused.`;
    return check("config.file", "config", "fail", `${summary.replace(/\.$/, "")}${more}; every send is refused until it is fixed.`, fix);
  }
  const { config } = facts;
  const byChannel = new Map<string, number>();
  for (const c of config.contacts.values()) byChannel.set(c.channel, (byChannel.get(c.channel) ?? 0) + 1);
  const channels = [...byChannel].map(([ch, n]) => `${ch} ${n}`).join(", ");
  if (config.contacts.size === 0) {
    return check("config.file", "config", "warn", `${facts.path}: valid, not writable by others, but the address book is empty: every send is refused.`, `add contacts to ${facts.path} (see examples/config.json5).`);
  }
  return check("config.file", "config", "ok", `${facts.path}: valid, not writable by others; ${plural(config.contacts.size, "contact")} (${channels}); transport ${config.openclaw.transport}.`);
}

/** The directory holding the audit log, the ledger and the lock: others must not write (or read) it. */
export function checkStateDir(facts: AuditFacts): Check {
  const id = "config.state-dir";
  const { dir, dirStat, fileStat, file, uid } = facts;
  if (dirStat === undefined) return check(id, "config", "ok", `state directory ${dir} does not exist yet; it is created 0700 on the first send.`);
  if (!dirStat.isDirectory) return check(id, "config", "fail", `${dir} (the audit log's directory) is not a directory.`, `move it aside or set audit.file elsewhere.`);
  if (uid !== undefined && dirStat.uid !== uid && dirStat.uid !== 0) {
    return check(id, "config", "fail", `state directory ${dir} belongs to another user (uid ${dirStat.uid}), who could rewrite the audit log and the rate-limit ledger.`, `chown it to yourself, or set audit.file to a directory you own.`);
  }
  if ((dirStat.mode & 0o022) !== 0) {
    return check(id, "config", "fail", `state directory ${dir} is writable by other users (mode ${mode(dirStat.mode)}): they could rewrite the audit log and reset the rate-limit ledger.`, `chmod 700 ${JSON.stringify(dir)}`);
  }
  if (fileStat !== undefined && (fileStat.mode & 0o022) !== 0) {
    return check(id, "config", "fail", `audit log ${file} is writable by other users (mode ${mode(fileStat.mode)}).`, `chmod 600 ${JSON.stringify(file)}`);
  }
  if ((dirStat.mode & 0o044) !== 0 || (fileStat !== undefined && (fileStat.mode & 0o044) !== 0)) {
    const which = (dirStat.mode & 0o044) !== 0 ? `state directory ${dir} (mode ${mode(dirStat.mode)})` : `audit log ${file} (mode ${mode(fileStat!.mode)})`;
    return check(id, "config", "warn", `${which} is readable by other users: the log shows who was messaged and when.`, `chmod 700 ${JSON.stringify(dir)} && chmod 600 ${JSON.stringify(file)}`);
  }
  return check(id, "config", "ok", `state directory ${dir} is private (mode ${mode(dirStat.mode)}).`);
}

export function checkAuditChain(facts: AuditFacts): Check {
  const id = "config.audit-chain";
  if (facts.readError !== undefined) return check(id, "config", "fail", `cannot read the audit log ${facts.file} (${facts.readError}).`, `make it readable by this user; every send needs to append to it.`);
  const result = facts.chain;
  if (result === undefined) return check(id, "config", "ok", `no audit log yet at ${facts.file}; it starts with the first send.`);
  if (result.ok) {
    const files = result.files ? ` across ${result.files} files` : "";
    const acks = result.acknowledged ? `, ${plural(result.acknowledged, "acknowledged reset")}` : "";
    const start = result.startsAfter ? `; it continues ${result.startsAfter}, which was removed` : "";
    return check(id, "config", "ok", `audit log ${facts.file}: hash chain intact, ${plural(result.records, "record")}${files}${acks}${start}.`);
  }
  const where = result.file !== undefined && result.file !== facts.file ? `${result.file} (rotated from ${facts.file})` : facts.file;
  const summary = `audit log ${where} is broken at line ${result.line}: it ${result.problem}; ${plural(result.records, "record")} before it verify.`;
  if (result.resets !== undefined) {
    return check(id, "config", "fail", summary, `if you moved, reset or deleted the log yourself, acknowledge it in a terminal: openclaw-guard audit ack --file ${JSON.stringify(facts.file)}; otherwise something else removed audit records: find out what before trusting the log.`);
  }
  return check(id, "config", "fail", summary, `keep a copy for inspection (openclaw-guard audit verify --file ${JSON.stringify(facts.file)}), then move the file aside; the next send records the reset, which \`openclaw-guard audit ack\` acknowledges.`);
}

/** A gateway token written into the book is a credential: readable by other users, it is theirs too. */
export function checkBookToken(facts: ConfigFacts): Check | undefined {
  if (facts.config?.openclaw.gateway.token === undefined || facts.stat === undefined || (facts.stat.mode & 0o044) === 0) return undefined;
  return check(
    "config.token-readable",
    "config",
    "fail",
    `${facts.path} holds openclaw.gateway.token and is readable by ${(facts.stat.mode & 0o004) !== 0 ? "every user" : "its group"} (mode ${mode(facts.stat.mode)}): they can send to anyone, past the guard.`,
    `chmod 600 ${JSON.stringify(facts.path)}, then rotate the gateway token; better, pair a device (openclaw-guard init openclaw --pair) and remove the token from the book.`,
  );
}
