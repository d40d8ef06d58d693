// What `openclaw-guard doctor` reports: one line per check, ok / warn / fail, with a one-line fix.
// Kept free of I/O so every check can be tested from crafted facts.

/**
 * ok: as it should be. note: a known limit of this kind of set-up, nothing wrong and nothing to fix
 * here (the fix says how to go further; docs/limits.md). warn: something to fix, the rest still
 * works. fail: a layer does not protect.
 */
export type Status = "ok" | "note" | "warn" | "fail";
export type Layer = "config" | "openclaw" | "transport" | "gateway" | "guard" | "exposure";

export type Check = {
  /** Stable identifier, e.g. "openclaw.whatsapp" (tests and scripts key on it). */
  id: string;
  layer: Layer;
  status: Status;
  summary: string;
  fix?: string;
};

export type DoctorReport = { checks: Check[]; ok: boolean };

export const LAYERS: readonly Layer[] = ["config", "openclaw", "transport", "gateway", "guard", "exposure"];

export function makeReport(checks: readonly Check[]): DoctorReport {
  return { checks: [...checks], ok: checks.every((c) => c.status !== "fail") };
}

/** 0 unless a check failed. */
export function exitCodeOf(report: DoctorReport): number {
  return report.ok ? 0 : 1;
}

const LABEL: Record<Status, string> = { ok: "ok  ", note: "note", warn: "WARN", fail: "FAIL" };

/** One line per check: `FAIL openclaw   <summary> Fix: <fix>`, then a count. */
export function formatHuman(report: DoctorReport): string {
  const width = Math.max(...LAYERS.map((l) => l.length));
  const lines = report.checks.map((c) => {
    const fix = !c.fix || c.status === "ok" ? "" : c.status === "note" ? ` Further: ${c.fix}` : ` Fix: ${c.fix}`;
    return `${LABEL[c.status]} ${c.layer.padEnd(width)}  ${c.summary}${fix}`;
  });
  const count = (s: Status) => report.checks.filter((c) => c.status === s).length;
  const notes = count("note") > 0 ? `, ${plural(count("note"), "note")} (limits of this set-up: docs/limits.md)` : "";
  lines.push("", `${count("fail")} fail, ${count("warn")} warn, ${count("ok")} ok${notes}${report.ok ? "" : ": fix the FAIL lines first"}`);
  return `${lines.join("\n")}\n`;
}

/** Credentials written into a URL (`wss://user:pass@host`). */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** A number or id written with any separators between its digits ("+27 82-123 4567"), not inside a longer run. */
function spelledDigits(secret: string): RegExp | undefined {
  const digits = secret.replace(/^\+/, "");
  if (!/^\d{6,}$/.test(digits)) return undefined;
  return new RegExp(`(?<![0-9])\\+?${[...digits].join("[^0-9A-Za-z]{0,3}")}(?![0-9])`, "g");
}

/** Replaces every occurrence of each secret (tokens, full numbers in any spelling) and URL credentials in the report's texts. Longest first. */
export function scrubChecks(checks: readonly Check[], secrets: Iterable<string>): Check[] {
  const list = [...new Set([...secrets].filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const spelled = list.map(spelledDigits).filter((re): re is RegExp => re !== undefined);
  const scrub = (text: string) =>
    spelled.reduce((out, re) => out.replace(re, "***"), list.reduce((out, secret) => out.split(secret).join("***"), text)).replace(URL_USERINFO, "$1***@");
  return checks.map((c) => ({ ...c, summary: scrub(c.summary), ...(c.fix !== undefined ? { fix: scrub(c.fix) } : {}) }));
}

export function check(id: string, layer: Layer, status: Status, summary: string, fix?: string): Check {
  return fix === undefined ? { id, layer, status, summary } : { id, layer, status, summary, fix };
}

/** "1 contact" / "2 contacts". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
