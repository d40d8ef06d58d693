// The text as the content checks read it. Agents (and anyone hiding something from a filter) write
// digits in other scripts, fullwidth forms, invisible characters, numbers broken over lines,
// look-alike letters and code names spelt out with separators; each form below undoes some of
// that. Every form keeps, for each of its UTF-16 units, the span of the original text it came
// from, so a finding still points into the message as written.

export interface MappedText {
  readonly text: string;
  /** text[i] came from original.slice(from[i], to[i]). */
  readonly from: readonly number[];
  readonly to: readonly number[];
}

class MappedBuilder {
  text = "";
  readonly from: number[] = [];
  readonly to: number[] = [];
  push(piece: string, from: number, to: number): void {
    this.text += piece;
    for (let i = 0; i < piece.length; i++) {
      this.from.push(from);
      this.to.push(to);
    }
  }
}

function identity(text: string): MappedText {
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < text.length; i++) {
    from.push(i);
    to.push(i + 1);
  }
  return { text, from, to };
}

/** The original span of mapped units [start, end), end > start. */
export function originalSpan(mapped: MappedText, start: number, end: number): { start: number; end: number } {
  return { start: mapped.from[start] ?? 0, end: mapped.to[end - 1] ?? mapped.to.at(-1) ?? 0 };
}

/** Each code point replaced by `map(codePoint)`, which may be longer or empty. */
function mapCodePoints(mapped: MappedText, map: (codePoint: string) => string): MappedText {
  const out = new MappedBuilder();
  for (let i = 0; i < mapped.text.length; ) {
    const codePoint = String.fromCodePoint(mapped.text.codePointAt(i)!);
    const last = i + codePoint.length - 1;
    out.push(map(codePoint), mapped.from[i]!, mapped.to[last]!);
    i += codePoint.length;
  }
  return out;
}

/** Every match of `pattern` (global) replaced; the replacement spans the whole match. */
function replaceMatches(mapped: MappedText, pattern: RegExp, replace: (match: string) => string): MappedText {
  const out = new MappedBuilder();
  let done = 0;
  for (const match of mapped.text.matchAll(pattern)) {
    for (let i = done; i < match.index; i++) out.push(mapped.text[i]!, mapped.from[i]!, mapped.to[i]!);
    const end = match.index + match[0].length;
    if (end > match.index) out.push(replace(match[0]), mapped.from[match.index]!, mapped.to[end - 1]!);
    done = end;
  }
  for (let i = done; i < mapped.text.length; i++) out.push(mapped.text[i]!, mapped.from[i]!, mapped.to[i]!);
  return out;
}

/** Zero-width characters, soft hyphens, joiners, direction marks, variation selectors, tags, the keycap mark (2️⃣). */
const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{Cf}\u20E3]$/u;
const DECIMAL_DIGIT = /\p{Nd}/u;

/** Unicode decimal digits come in runs of ten, 0 to 9: the digit's value is its place in its run. */
export function asciiDigit(digit: string): string {
  const code = digit.codePointAt(0)!;
  let below = 0;
  while (below < 100 && DECIMAL_DIGIT.test(String.fromCodePoint(code - below - 1))) below++;
  return String(below % 10);
}

const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

const HTML_ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(nbsp|amp|plus|lt|gt|quot|apos|hyphen|dash|ndash|mdash|period|colon|num|lowbar));/g;
const NAMED_ENTITY: Record<string, string> = { nbsp: " ", amp: "&", plus: "+", lt: "<", gt: ">", quot: '"', apos: "'", hyphen: "-", dash: "-", ndash: "\u2013", mdash: "\u2014", period: ".", colon: ":", num: "#", lowbar: "_" };

function decodeEntity(entity: string): string {
  const [, decimal, hex, name] = /^&(?:#(\d+)|#[xX]([0-9A-Fa-f]+)|(\w+));$/.exec(entity)!;
  const code = decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : undefined;
  if (code === undefined) return NAMED_ENTITY[name!] ?? entity;
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
}

/**
 * HTML character references decoded (&#43;27 is +27), invisible characters removed, compatibility
 * forms (fullwidth, circled, ...) and digits of every script made ASCII.
 */
export function scanForm(text: string): MappedText {
  let mapped = identity(text);
  if (text.includes("&") && /&#?\w+;/.test(text)) mapped = replaceMatches(mapped, HTML_ENTITY, decodeEntity);
  if (PLAIN_ASCII.test(mapped.text)) return mapped;
  return mapCodePoints(mapped, (codePoint) => (INVISIBLE.test(codePoint) ? "" : codePoint.normalize("NFKC").replace(/\p{Nd}/gu, asciiDigit)));
}

/** Percent-encoded signs, blanks and separators a number is written with in a URL (%2B is +, %20 a blank). */
const PERCENT_ENCODED = /%(?:2[0-9A-Fa-f]|3[0-9Aa])/g;

/**
 * scanForm, with line breaks (and the blanks around them) as one space, so a number split over
 * lines is whole again; every kind of dash (en, em, figure, minus) as "-"; and percent-encoded
 * punctuation decoded (a number in a URL as %2B27%2082...).
 */
export function phoneForm(text: string): MappedText {
  let form = replaceMatches(scanForm(text), /[ \t]*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])[ \t]*/g, () => " ");
  if (!PLAIN_ASCII.test(form.text)) form = replaceMatches(form, /[\p{Pd}\u2212]/gu, () => "-");
  return percentDecoded(form, PERCENT_ENCODED);
}

/** Percent-encoded printable ASCII decoded: a token in a URL's query as ghp%5F... */
export function percentDecoded(mapped: MappedText, pattern = PERCENT_PRINTABLE): MappedText {
  return mapped.text.includes("%") ? replaceMatches(mapped, pattern, (code) => String.fromCharCode(Number.parseInt(code.slice(1), 16))) : mapped;
}
const PERCENT_PRINTABLE = /%(?:[2-6][0-9A-Fa-f]|7[0-9A-Ea-e])/g;

/**
 * Line breaks (and the blanks around them) between two characters a token is made of removed: a
 * key, a JWT or a base64 body wrapped over lines reads as one run again. Undefined when nothing was joined.
 */
export function unwrappedForm(mapped: MappedText): MappedText | undefined {
  if (!/[A-Za-z0-9+/=_.~-][ \t]*\r?\n/.test(mapped.text)) return undefined;
  const joined = replaceMatches(mapped, /(?<=[A-Za-z0-9+/=_.~-])[ \t]*(?:\r?\n[ \t]*)+(?=[A-Za-z0-9+/=_.~-])/g, () => "");
  return joined.text === mapped.text ? undefined : joined;
}

// Letters of other scripts that look like Latin ones, by case (Greek Ν is N, its ν is v).
const LOOK_ALIKES: Record<string, string> = {
  А: "A", В: "B", Е: "E", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", У: "Y", Х: "X", Ѕ: "S", І: "I", Ј: "J", Ү: "Y", Ԛ: "Q", Ԝ: "W",
  а: "a", е: "e", о: "o", р: "p", с: "c", у: "y", х: "x", ѕ: "s", і: "i", ј: "j", ԁ: "d", ԛ: "q", ԝ: "w", ӏ: "l", һ: "h", ү: "y",
  Α: "A", Β: "B", Ε: "E", Ζ: "Z", Η: "H", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Υ: "Y", Χ: "X",
  α: "a", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", υ: "u",
  ı: "i", ɡ: "g", ɑ: "a", ℓ: "l", ƒ: "f", ſ: "s", ł: "l", ø: "o", đ: "d", ħ: "h", ŧ: "t", ɩ: "i", ɪ: "i", ʟ: "l",
};
/** Look-alike letters of other scripts as the Latin ones, one code unit for one (offsets stay). */
export function lookAlikeForm(text: string): string {
  return PLAIN_ASCII.test(text) ? text : text.replace(/[^\x00-\x7f]/g, (c) => LOOK_ALIKES[c] ?? c);
}

// Digits and signs written for letters; 1, | and ! could be i or l, so each reading is its own form.
const LEET: Record<string, string> = { "0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s" };
const LEET_CHARACTER = /[03457@$]/g;
const ONE_AS_I = /[1!|]/g;
const ONE_AS_L = /[1|]/g;

/** Blanks, _, dashes and the punctuation put between letters to break a word up: . * / \ | + ~ : */
const SEPARATOR_RUN = /[\s_\p{Pd}.*/\\|+~:]+/gu;
/** Single characters with a few separators between each: "f a l c o n", "F - A - L - C - O - N", "f.a.l.c.o.n". */
const SPELT_OUT = /(?<![\p{L}\p{N}])[\p{L}\p{N}](?:[\s_\p{Pd}.*/\\|+~:]{1,3}[\p{L}\p{N}]){2,}(?![\p{L}\p{N}])/gu;
const JOINER_BETWEEN_LETTERS = /(?<=[\p{L}\p{N}])[_\p{Pd}*]+(?=[\p{L}\p{N}])/gu;

/**
 * The forms a deny pattern is also tried on, each from scanForm with look-alike letters made
 * Latin, accents dropped and everything lower case: separator runs (`_`, dashes, blanks) as one
 * space, or `_` and dashes inside words dropped and spelt-out words joined; each also with digits
 * read as the letters they imitate. Blanks inside a word ("fal con") are not joined: that would
 * join ordinary words too ("are safe" would hold "ares").
 */
export function denyForms(text: string): MappedText[] {
  const scanned = scanForm(text);
  // Plain ASCII (most messages) needs no per-character work: lower case keeps every unit in place.
  const letters = PLAIN_ASCII.test(scanned.text)
    ? { ...scanned, text: scanned.text.toLowerCase() }
    : mapCodePoints(scanned, (c) => (LOOK_ALIKES[c] ?? c).toLowerCase().normalize("NFD").replace(/\p{M}/gu, ""));
  const spaced = replaceMatches(letters, SEPARATOR_RUN, () => " ");
  const joined = replaceMatches(replaceMatches(letters, JOINER_BETWEEN_LETTERS, () => ""), SPELT_OUT, (word) => word.replace(SEPARATOR_RUN, ""));
  const leet = (form: MappedText, one: RegExp, as: string) => ({ ...form, text: form.text.replace(LEET_CHARACTER, (c) => LEET[c]!).replace(one, as) });
  return [spaced, joined, leet(spaced, ONE_AS_I, "i"), leet(joined, ONE_AS_I, "i"), leet(spaced, ONE_AS_L, "l"), leet(joined, ONE_AS_L, "l")];
}

/**
 * A deny pattern as it is tried on denyForms: accents dropped, and `_` and `-` outside character
 * classes read as the one space the forms put between words. Undefined when that is no valid
 * regular expression (the pattern is still tried on the original text).
 */
export function denyFormPattern(pattern: RegExp): RegExp | undefined {
  let source = "";
  let inClass = false;
  const raw = pattern.source.normalize("NFD").replace(/\p{M}/gu, "");
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "\\") {
      const escaped = raw[i + 1] ?? "";
      source += !inClass && (escaped === "-" || escaped === "_") ? " " : c + escaped;
      i++;
    } else {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      source += !inClass && (c === "-" || c === "_") ? " " : c;
    }
  }
  try {
    return new RegExp(source, pattern.flags.replace("g", ""));
  } catch {
    return undefined;
  }
}
