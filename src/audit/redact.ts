// Masking for anything that may reach a log, an audit record or the model.

const BULLET = "\u2022";

/** "+27821234567" -> "+27•••••4567"; other targets keep their kind prefix and last 4 characters. */
export function maskTarget(target: string): string {
  const prefixed = /^(group:|uuid:|username:|chat_id:|chat_guid:|channel:|user:)(.*)$/.exec(target);
  if (prefixed) return prefixed[1] + maskTail(prefixed[2] ?? "");
  if (target.startsWith("+")) return target.slice(0, 3) + BULLET.repeat(Math.max(target.length - 7, 1)) + target.slice(-4);
  return maskTail(target);
}

function maskTail(value: string): string {
  if (value.length <= 4) return BULLET.repeat(value.length);
  const keep = Math.min(4, Math.floor(value.length / 3));
  return BULLET.repeat(value.length - keep) + value.slice(-keep);
}

/** A run of 6+ digits (phone numbers, chat ids), allowing the separators people type inside phone numbers and ids. */
const DIGIT_RUN = /\+?\d(?:[\s().-]*\d){5,}/g;

/** For untrusted free text (a refused `to`, an error message): masks every long digit run. */
export function maskDigitRuns(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(/\D/g, "");
    return (run.startsWith("+") ? "+" : "") + BULLET.repeat(digits.length - 2) + digits.slice(-2);
  });
}

const MAX_ECHO = 64;

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\u115F\u1160\u3164\uFFA0\u034F]/gu;

/** Makes zero-width, bidi-override and control characters visible as \u{...}; keeps \n and \t when asked. */
export function escapeInvisible(text: string, keep: readonly string[] = []): string {
  return text.replace(HIDDEN, (ch) => (keep.includes(ch) ? ch : `\\u{${ch.codePointAt(0)!.toString(16)}}`));
}

/** What a refused recipient input may look like in a record or a reply. */
export function redactInput(input: unknown): string {
  const text = typeof input === "string" ? input : safeJson(input);
  const visible = escapeInvisible(text);
  const clipped = visible.length > MAX_ECHO ? `${visible.slice(0, MAX_ECHO)}…(${text.length} chars)` : visible;
  return maskDigitRuns(clipped);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
