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

/** Runs with this many digits or more (phone numbers, chat ids) are masked. */
const MASK_FROM = 6;
/** The notation escapeInvisible writes: it stands for one invisible character, so it separates like one. */
const ESCAPE_TOKEN = /^\\u\{[0-9a-fA-F]{1,6}\}/;

function escapeTokenAt(text: string, i: number): string | undefined {
  return text.charCodeAt(i) === 0x5c ? ESCAPE_TOKEN.exec(text.slice(i, i + 10))?.[0] : undefined;
}

type CharKind = { digits: number } | "word" | "separator";
const ONE_DIGIT = { digits: 1 } as const;

/**
 * What a character is once compatibility forms are folded (NFKC): how many digits it writes (any
 * script: "٣", "３", "³", "①", "𝟡"), a letter that ends a number, or a separator that does not.
 */
function kindOf(ch: string): CharKind {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code >= 0x30 && code <= 0x39 ? ONE_DIGIT : (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a ? "word" : "separator";
  const folded = ch.normalize("NFKC");
  const digits = folded.match(/\p{N}/gu)?.length ?? 0;
  if (digits > 0) return { digits };
  return /\p{L}/u.test(folded) ? "word" : "separator";
}

/**
 * For untrusted free text (a refused `to`, an error message): masks every number of 6+ digits, the
 * digits taken by Unicode class after NFKC and the number followed across any run of characters that
 * are neither letters nor digits (spaces, dashes, slashes, underscores, invisible characters, ...).
 * Keeps the last two digits and a leading "+" so a human can still tell attempts apart.
 */
export function maskDigitRuns(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const run = digitRunAt(text, i);
    if (run === undefined) {
      const ch = escapeTokenAt(text, i) ?? String.fromCodePoint(text.codePointAt(i)!);
      out += ch;
      i += ch.length;
      continue;
    }
    out += run.digits >= MASK_FROM ? BULLET.repeat(run.digits - 2) + run.lastTwo : text.slice(i, run.end);
    i = run.end;
  }
  return out;
}

/** The number starting at `start` (which must be a digit): where it ends and how many digits it has. */
function digitRunAt(text: string, start: number): { end: number; digits: number; lastTwo: string } | undefined {
  let digits = 0;
  let end = start;
  let tail: string[] = [];
  let i = start;
  while (i < text.length) {
    const token = escapeTokenAt(text, i);
    const ch = token ?? String.fromCodePoint(text.codePointAt(i)!);
    const kind = token === undefined ? kindOf(ch) : "separator";
    if (kind === "word") break;
    if (kind === "separator" && i === start) return undefined;
    i += ch.length;
    if (kind !== "separator") {
      digits += kind.digits;
      tail = [...tail.slice(-1), ch];
      end = i; // a run ends at its last digit: trailing separators are not part of it
    }
  }
  return digits === 0 ? undefined : { end, digits, lastTwo: tail.join("") };
}

const MAX_ECHO = 64;

// Lone surrogates (Cs) too: JSON would write one as \ud948, whose hex digits then read as part of a
// number beside the digits a mask keeps.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Co}\u115F\u1160\u3164\uFFA0\u034F]/gu;

/** Makes zero-width, bidi-override, control and lone surrogate characters visible as \u{...}; keeps \n and \t when asked. */
export function escapeInvisible(text: string, keep: readonly string[] = []): string {
  return text.replace(HIDDEN, (ch) => (keep.includes(ch) ? ch : `\\u{${ch.codePointAt(0)!.toString(16)}}`));
}

/** Caller-supplied free text (reasons, transport errors) as it may appear in a record or a log. */
export function redactText(text: string): string {
  return maskDigitRuns(escapeInvisible(text, ["\n", "\t"]));
}

/** What a refused recipient input may look like in a record or a reply. */
export function redactInput(input: unknown): string {
  const text = typeof input === "string" ? input : safeJson(input);
  // Masked before clipping, so a number cut at the edge is not shown in part; bounded first, so a
  // megabyte of input costs no more than a short one.
  const visible = maskDigitRuns(escapeInvisible(text.slice(0, MAX_ECHO * 4)));
  return visible.length > MAX_ECHO || text.length > MAX_ECHO * 4 ? `${visible.slice(0, MAX_ECHO)}…(clipped, ${text.length} chars)` : visible;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
