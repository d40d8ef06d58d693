// Content checks: find what a message should not carry, then decide per the contact's policy.
// Findings name a kind and a position, never the matched text.
import type { CountryCode } from "libphonenumber-js/max";
import { phoneNumbers } from "../contacts/phone-numbers.js";
import { denyFormPattern, denyForms, lookAlikeForm, type MappedText, originalSpan, percentDecoded, phoneForm, scanForm, unwrappedForm } from "./normalise.js";
import type { ContactPolicy, ContentAction, DenyPattern } from "./settings.js";

export type FindingKind = "secret" | "phone-number" | "deny-pattern" | "too-long";
/** `guess`: a reading that ordinary text could also give (a password-like word after "password is"); it asks at most, never blocks silently. */
export type Finding = { kind: FindingKind; label: string; start: number; end: number; guess?: true };

const SECRET_LABELS: Record<string, string> = {
  AWSAccessKeyID: "an AWS access key",
  AWSSecretAccessKey: "an AWS secret access key",
  AWSAccountID: "an AWS account id",
  GITHUB_TOKEN: "a GitHub token",
  SLACK_TOKEN: "a Slack token",
  IncomingWebhook: "a Slack webhook URL",
  OPENAI_TOKEN: "an OpenAI API key",
  ANTHROPIC_API_KEY: "an Anthropic API key",
  PrivateKey: "a private key",
  BasicAuth: "a password in a URL",
  PostgreSQLConnection: "a database connection string",
  MySQLConnection: "a database connection string",
  MongoDBConnection: "a database connection string",
  NPM_ACCESS_TOKEN: "an npm token",
  SENDGRID_KEY: "a SendGrid key",
  SHOPIFY_KEY: "a Shopify key",
  LINEAR_API_TOKEN: "a Linear API key",
  OPS_TOKEN: "a 1Password token",
};

// Kinds the recommended preset misses, written from each vendor's documented token format (no
// maintained secretlint rule covers them: beyond the preset, @secretlint publishes only rules for
// dotenv files, home paths, Kubernetes secrets, secp256k1 keys and a regex runner). The preset also
// reports a private key only when a whole PEM block decodes, while a truncated or bare one leaks too.
const EXTRA_SECRETS: { label: string; pattern: RegExp; accept?: (match: string) => boolean }[] = [
  { label: "a Stripe secret key", pattern: /\b[rs]k_(?:live|test)_[0-9A-Za-z]{20,}\b/g },
  { label: "a private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  // A DER private key's base64 body without its header, wrapped or on one line: PKCS#1/#8 (a long
  // SEQUENCE starting with INTEGER 0, which certificates and public keys never do), short PKCS#8
  // and SEC1 EC keys, Ed25519, and OpenSSH keys ("openssh-key-v1").
  { label: "a private key", pattern: /(?<![A-Za-z0-9+/])(?:MII[A-Za-z0-9+/]{2}[AQgw]IBA|MIG[A-Za-z0-9+/]AgE[AB]|MHcCAQEE|MC4CAQAw|b3BlbnNzaC1rZXktdjE)(?:[A-Za-z0-9+/]|\r?\n){60,}/g },
  { label: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/g },
  { label: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { label: "a Google service-account key", pattern: /"(?:type"\s*:\s*"service_account"|private_key_id"\s*:\s*"[0-9a-f]{40}")/g },
  { label: "an Azure connection string", pattern: /\b(?:AccountKey|SharedAccessKey)\s*=\s*[A-Za-z0-9+/]{40,}={0,2}/gi },
  { label: "an Azure client secret", pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g },
  { label: "a Telegram bot token", pattern: /(?<!\d)\d{8,10}:\s?AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])/g },
  // From gitleaks' rule set (gcp-api-key's neighbours, gitlab-pat, discord, pypi, digitalocean, sendgrid, stripe).
  { label: "a Google OAuth client secret", pattern: /\bGOCSPX-[0-9A-Za-z_-]{28}(?![0-9A-Za-z_-])/g },
  { label: "a SendGrid key", pattern: /\bSG\.[0-9A-Za-z_-]{20,24}\.[0-9A-Za-z_-]{39,50}(?![0-9A-Za-z_-])/g },
  { label: "an OpenAI API key", pattern: /\bsk-(?:proj|svcacct|admin)-[0-9A-Za-z_-]{40,}(?![0-9A-Za-z_-])/g },
  { label: "a Stripe webhook secret", pattern: /\bwhsec_[0-9A-Za-z]{24,}\b/g },
  { label: "a GitLab token", pattern: /\bgl(?:pat|dt|ptt|rt|soat|cbt|imt|agent|oas|ffct)-[0-9A-Za-z_-]{20,}(?![0-9A-Za-z_-])/g },
  { label: "a Discord bot token", pattern: /\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![0-9A-Za-z_-])/g },
  { label: "a PyPI token", pattern: /\bpypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}/g },
  { label: "a DigitalOcean token", pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { label: "an AWS secret access key", pattern: /\baws[ _-]?secret[ _-]?access[ _-]?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi },
  { label: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@\/]*:[^\s@\/]{3,}@[^\s@]+/gi },
  // An AWS access key id written with blanks, dots, dashes or line breaks between its characters
  // (even "A K I A ..."); a digit in its body keeps upper-case prose ("ASIA PACIFIC SALES TEAM") out.
  { label: "an AWS access key", pattern: spacedAwsKeyId(), accept: (match) => /[2-7]/.test(match.slice(4)) },
  { label: "a Discord webhook URL", pattern: /\bhttps?:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}/g },
  // A JSON Web Token split over lines: its three parts joined by a dot with blanks around it.
  { label: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{10,}\s*\.\s*eyJ[A-Za-z0-9_-]{10,}\s*\.\s*[A-Za-z0-9_-]{16,}/g },
  { label: "a Hugging Face token", pattern: /\b(?:hf|api_org)_[A-Za-z0-9]{34,40}\b/g },
  { label: "a Twilio API key", pattern: /\bSK[0-9a-fA-F]{32}\b/g },
  { label: "a password", pattern: /(?<![A-Za-z0-9])(?:[Pp]ass(?:word|wd|phrase)|PASS(?:WORD|WD|PHRASE)|[Pp]wd|PWD)\s*[:=]\s*(?!(?:\*+|x+|<[^>]*>|\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|%[A-Za-z_]\w*%)(?!\w)|~?\.{0,2}\/)["']?[^\s"',;]{6,}/g },
  { label: "a token", pattern: /\b(?:[A-Za-z]+[_-])*(?:token|secret|api[_-]?key|apikey|auth|bearer|signature|sid|key)["']?\s*[:=]?\s*["']?(?:[0-9a-f]{32,}|[0-9A-F]{32,})\b/gi },
  // The generic case, keyword-gated: a long token with letters and digits after "secret is", "key:" ...
  { label: "a secret after a keyword", pattern: /\b(?:secret|token|api[ _-]?key|password|passwd|credential|private key|access key)s?\b(?:\s+(?:is|was|=|:)|\s*[:=])\s*["'`]?(?=[A-Za-z0-9_\-+/=]*\d)(?=[A-Za-z0-9_\-+/=]*[A-Za-z])[A-Za-z0-9_\-+/=]{20,}/gi },
];

/** AKIA... with at most one run of separators (or a line break and its indentation) between any two characters. */
function spacedAwsKeyId(): RegExp {
  const sep = String.raw`(?:[ \t]*(?:\r?\n[ \t]*)+|[ \t._,:|/-]{1,3})?`;
  const prefixes = ["AKIA", "ASIA", "ABIA", "ACCA"].map((p) => [...p].join(sep));
  return new RegExp(String.raw`\b(?:${prefixes.join("|")}|A${sep}3${sep}T${sep}[A-Z0-9])(?:${sep}[A-Z2-7]){16}(?![A-Za-z0-9])`, "g");
}

/**
 * The generic case, loosely: a password-like word (8+ characters mixing letters with digits or
 * signs, ~28 bits by its own character counts) after "password is", "pw:", "secret key", "token".
 * Prose can read like that, so these findings ask (confirm), never block.
 */
const KEYWORD_THEN_WORD = /(?<![A-Za-z0-9])(?:pass(?:word|wd|phrase|code)?|pwd|pw|secret(?:[ _-]?key)?|client[ _-]?secret|token|api[ _-]?key|access[ _-]?key|private[ _-]?key|credentials?|auth[ _-]?code)(?![A-Za-z0-9])["']?(?:\s+(?:is|was|will be|=|:|-)\b|\s*[:=-])?\s*["'`]?([^\s"'`]{8,64})/gi;
const PLACEHOLDER = /^(?:\*+|x+|\.+)$|^(?:<|\$\{|\$[A-Z_][A-Z0-9_]*$|\{\{|%[A-Za-z_]\w*%|\[)|:\/\/|^\.{0,2}\//i;
const NOT_A_SECRET = /^(?:v?\d+(?:[.-]\d+)+[\w.+-]*|\d{4}-\d\d-\d\d[\dT:.Z+-]*|[\w.+-]+@[\w-]+\.[\w.-]+|[a-z]+(?:[A-Z][a-z]+)+)$/;

function keywordGuesses(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (const match of text.matchAll(KEYWORD_THEN_WORD)) {
    const word = match[1]!.replace(/[.,;:)\]}]+$/, "");
    if (word.length < 8 || PLACEHOLDER.test(word) || NOT_A_SECRET.test(word)) continue;
    const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((c) => c.test(word)).length;
    const strong = classes >= 3 || (classes === 2 && /\d/.test(word) && /[A-Za-z]/.test(word) && word.length >= 12);
    if (!strong || bits(word) < 28) continue;
    const end = match.index + match[0].length - (match[1]!.length - word.length);
    found.push({ start: end - word.length, end });
  }
  return found;
}

/** Shannon entropy of the word's own character counts, times its length. */
function bits(word: string): number {
  const counts = new Map<string, number>();
  for (const c of word) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / word.length) * Math.log2(n / word.length);
  return h * word.length;
}

/** Loaded on the first send, not at server start: secretlint and its preset take ~60 ms to import. */
async function loadSecretlint() {
  const [{ lintSource }, { creator: recommended }, { secretLintProfiler }] = await Promise.all([import("@secretlint/core"), import("@secretlint/secretlint-rule-preset-recommend"), import("@secretlint/profiler")]);
  silenceProfiler(secretLintProfiler);
  // The AWS rule scans for access key ids only when asked to (too noisy in source trees, not in chat).
  const config = {
    rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended, rules: [{ id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } }] }],
  };
  return { lintSource, config };
}
let secretlint: ReturnType<typeof loadSecretlint> | undefined;

/**
 * @secretlint/core marks every lint and rule in a process-wide profiler that keeps every mark it has
 * ever seen and searches them all on each new one, and Node buffers the marks too: a long-running
 * server's scan got slower with every message it had checked (~20 ms per send after a few thousand).
 * We never read that profile, so its performance clock is replaced by one that records nothing.
 */
function silenceProfiler(profiler: object): void {
  (profiler as { perf: Pick<Performance, "mark" | "measure"> }).perf = { mark: () => undefined as never, measure: () => undefined as never };
}

/**
 * Secrets in the message as scanForm reads it, again with look-alike letters of other scripts as
 * Latin ones (Cyrillic А in AKIA...), again with line breaks inside a token removed (a key or
 * JWT wrapped over lines), and percent-decoded; base64 and hex runs are decoded and read again
 * (to a depth of 3).
 */
export async function findSecrets(message: string, depth = 0): Promise<Finding[]> {
  const scanned = scanForm(message);
  const latinText = lookAlikeForm(scanned.text);
  const latin = latinText === scanned.text ? scanned : { ...scanned, text: latinText };
  const forms: MappedText[] = latin === scanned ? [scanned] : [scanned, latin];
  const unwrapped = unwrappedForm(latin);
  if (unwrapped) forms.push(unwrapped);
  const decoded = percentDecoded(latin);
  if (decoded !== latin) forms.push(decoded);
  let found: Finding[] = [];
  for (const form of forms) {
    for (const f of await secretsIn(form.text, depth)) {
      const span = originalSpan(form, f.start, f.end);
      const overlapping = found.filter((g) => g.start < span.end && span.start < g.end);
      // A sure finding in a later form wins over a guess at the same place.
      if (overlapping.length > 0 && (f.guess || overlapping.some((g) => !g.guess))) continue;
      found = found.filter((g) => !overlapping.includes(g));
      found.push({ ...f, ...span });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

async function secretsIn(text: string, depth: number): Promise<Finding[]> {
  const { lintSource, config } = await (secretlint ??= loadSecretlint());
  const result = await lintSource({
    source: { content: text, filePath: "/message.txt", ext: ".txt", contentType: "text" },
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  // An AWS account id is no credential (AWS says so) and reads like any 12-digit id: it asks, never blocks.
  const found: Finding[] = result.messages.map((m) => ({ kind: "secret", label: SECRET_LABELS[m.messageId] ?? `a secret (${m.messageId})`, start: m.range[0], end: m.range[1], ...(m.messageId === "AWSAccountID" ? { guess: true as const } : {}) }));
  const overlaps = (start: number, end: number) => found.some((f) => f.start < end && start < f.end);
  for (const { label, pattern, accept } of EXTRA_SECRETS) {
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (!overlaps(match.index, end) && (accept === undefined || accept(match[0]))) found.push({ kind: "secret", label, start: match.index, end });
    }
  }
  // A secret wrapped in base64 is read again once decoded and reported at the base64 run.
  if (depth < 3) {
    for (const run of base64Runs(text)) {
      if (overlaps(run.start, run.end)) continue;
      const inner = await findSecrets(run.decoded, depth + 1);
      if (inner.length > 0) found.push({ kind: "secret", label: `${inner[0]!.label} in base64`, start: run.start, end: run.end, ...(inner.every((f) => f.guess) ? { guess: true as const } : {}) });
    }
  }
  // A vendor's token written in blank-separated chunks ("ghp_ZEry ayW5 ..."): its first chunks joined, one more at a time.
  if (depth < 3) {
    for (const run of spacedTokens(text)) {
      if (overlaps(run.start, run.end)) continue;
      for (const { joined, end } of run.candidates) {
        const inner = (await secretsIn(joined, 3)).filter((f) => !f.guess);
        if (inner.length > 0) {
          found.push({ kind: "secret", label: `${inner[0]!.label} written in pieces`, start: run.start, end });
          break;
        }
      }
    }
  }
  for (const { start, end } of keywordGuesses(text)) if (!overlaps(start, end)) found.push({ kind: "secret", label: "a password-like word after a keyword", start, end, guess: true });
  return found;
}

/** A vendor prefix, then chunks of token characters with blanks between them. */
const SPACED_TOKEN = /(?<![A-Za-z0-9_-])(?:gh[pousr]_|github_pat_|glpat-|xox[abposr]-|sk-|[rs]k_(?:live|test)_|AIza|GOCSPX-|SG\.|npm_|hf_|whsec_|do[opr]_v1_|pypi-|AKIA|ASIA|eyJ)[A-Za-z0-9_.~-]*(?:[ \t]{1,3}[A-Za-z0-9_.~-]{2,}){1,12}/g;

function spacedTokens(text: string): { start: number; end: number; candidates: { joined: string; end: number }[] }[] {
  const runs: { start: number; end: number; candidates: { joined: string; end: number }[] }[] = [];
  for (const run of text.matchAll(SPACED_TOKEN)) {
    const candidates: { joined: string; end: number }[] = [];
    let joined = "";
    for (const chunk of run[0].matchAll(/[^ \t]+/g)) {
      joined += chunk[0];
      // Random tokens all but always hold a digit; upper-case prose after "ASIA" does not.
      if (chunk.index > 0 && /\d/.test(joined.slice(4))) candidates.push({ joined, end: run.index + chunk.index + chunk[0].length });
    }
    runs.push({ start: run.index, end: run.index + run[0].length, candidates });
    if (runs.length >= 10) break;
  }
  return runs;
}

/** base64 or base64url runs of 16+ characters, and hex runs of 8+ bytes; only those that decode to printable text. */
const BASE64_RUN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const HEX_RUN = /(?<![0-9A-Za-z])(?:(?:[0-9a-f]{2}){8,}|(?:[0-9A-F]{2}){8,})(?![0-9A-Za-z])/g;

function base64Runs(text: string): { start: number; end: number; decoded: string }[] {
  const runs: { start: number; end: number; decoded: string }[] = [];
  const keep = (start: number, end: number, decoded: string) => {
    if (decoded.length >= 8 && /^[\t\n\r\x20-\x7e]+$/.test(decoded)) runs.push({ start, end, decoded });
  };
  for (const run of text.matchAll(BASE64_RUN)) {
    if (/[A-Z]/.test(run[0]) && /[a-z0-9]/.test(run[0])) keep(run.index, run.index + run[0].length, Buffer.from(run[0], "base64").toString("utf8"));
  }
  for (const run of text.matchAll(HEX_RUN)) keep(run.index, run.index + run[0].length, Buffer.from(run[0], "hex").toString("utf8"));
  return runs;
}

/** No phone number has fewer than 7 digits; most messages can skip the per-region scans. */
const MAY_HOLD_A_NUMBER = /(?:\d[\s().\/-]*){7}/;

// libphonenumber-js's matcher takes a leniency option its type declarations leave out.
const INTERNATIONAL_POSSIBLE = { leniency: "POSSIBLE", v2: true } as { v2: true };

/** Chat and dialler links carry a number without its + (wa.me/4915...) or in national form (tel:0821...). */
const PHONE_LINK = /(?:\bwa\.me\/|\bwhatsapp:\/\/send\/?\?(?:[^\s#]*&)?phone=|\bapi\.whatsapp\.com\/send\/?\?(?:[^\s#]*&)?phone=|\b(?:tel|sms|callto):)(?:%2B|\+)?(?:\d[\s().-]*){6,}\d/gi;

/**
 * Numbers in international form (+ or 00) are reported when *possible* (right length for their
 * country), not only when valid: an invented +1 555 123 4567 is exactly what an agent writes.
 * National formats only for the regions given (the address book's own countries plus a few common
 * ones), and only when valid, since a bare digit run has no country. The text is read after
 * phoneForm: other scripts' digits, fullwidth forms, invisible characters, line breaks.
 */
export function findPhoneNumbers(message: string, regions: readonly CountryCode[], depth = 0): Finding[] {
  const scanned = phoneForm(message);
  const text = scanned.text;
  const keyword = PHONE_WORD.test(text);
  const obscured = keyword || PLUS_SIGN.test(text);
  const base64 = depth === 0 && /[A-Za-z0-9+/]{16}/.test(text);
  if (!obscured && !base64 && !MAY_HOLD_A_NUMBER.test(text)) return [];
  const seen = new Map<number, Finding>();
  const add = (start: number, end: number) => {
    if (![...seen.values()].some((f) => f.start < end && start < f.end)) seen.set(start, { kind: "phone-number", label: "a phone number", start, end });
  };
  for (const link of text.matchAll(PHONE_LINK)) add(link.index, link.index + link[0].length);
  const national = NATIONAL_CANDIDATE.test(text) ? regions : [];
  for (const region of [undefined, ...national]) {
    for (const found of phoneNumbers().findNumbers(text, region ? { defaultCountry: region, v2: true } : INTERNATIONAL_POSSIBLE)) {
      const raw = text.slice(found.startsAt, found.endsAt);
      if (region && (!looksNational(raw) || raw.replace(/\D/g, "").length < 7)) continue;
      add(found.startsAt, found.endsAt);
    }
  }
  // A value of 11-15 digits in JSON or a query string, without its +: a valid international number.
  for (const value of text.matchAll(BARE_VALUE)) {
    const [, key, digits] = value as unknown as [string, string, string];
    if (ID_KEY.test(key) || !phoneNumbers().parsePhoneNumberFromString(`+${digits}`)?.isValid()) continue;
    const start = value.index + value[0].lastIndexOf(digits);
    add(start, start + digits.length);
  }
  if (obscured) for (const [start, end] of obscuredNumbers(text, regions, keyword)) add(start, end);
  // A number wrapped in base64 is read once decoded and reported at the base64 run.
  if (base64) for (const run of base64Runs(text)) if (findPhoneNumbers(run.decoded, regions, depth + 1).length > 0) add(run.start, run.end);
  return [...seen.values()].map((f) => ({ ...f, ...originalSpan(scanned, f.start, f.end) }));
}

const BARE_VALUE = /["']([\w.-]{0,40})["']\s*:\s*["']?(\d{11,15})(?:["'](?=\s*[,}\]])|(?=\s*[,}\]]|\s*$))/g;
/** JSON keys whose 11-15 digit values are ids, times or amounts, not numbers without their +. */
const ID_KEY = /id$|^id|_id|Id|time|ts$|stamp|date|build|order|account|count|total|size|seq|version|hash|nonce|offset|amount|price|invoice|ticket|run|job|pid|port|bytes|ms$|ns$/i;

/** Words that say a number follows; they gate the looser reading of obscuredNumbers. */
const PHONE_WORD = /\b(?:phone|number|num|call|text|txt|sms|cell|mobile|whats ?app|tel|reach|dial|contact|ring|digits|backwards?|reversed?|right to left|msisdn|wa_id|jid|recipient|area code|exchange|extension|nummer|numero|número|numéro|telefon|telefono|teléfono|celular)\b|["'](?:to|from|n)["']\s*:/i;
/** A + (or "plus") before a digit or a digit spelt out: the number may be read loosely from there on, forwards only. */
const PLUS_SIGN = /(?:\+|\bplus\s+)(?:\d|\s?[lIOSB]|(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b)/i;
const UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
/** Digits spelt in German, French, Spanish, Italian and Portuguese ("due" is left out: English "due"). */
const OTHER_UNITS: string[][] = [
  ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"],
  ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"],
  ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"],
  ["zero", "uno", "", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"],
  ["zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove"],
];
const TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const NUMBER_WORD_VALUE = new Map<string, string>([...OTHER_UNITS.flatMap((words) => words.map((w, i) => [w, String(i)] as const)).filter(([w]) => w !== ""), ...UNITS.map((w, i) => [w, String(i)] as const), ["oh", "0"], ...TEENS.map((w, i) => [w, String(10 + i)] as const), ...TENS.map((w, i) => [w, String(20 + 10 * i)] as const)]);
/** Case-insensitive without the i flag, which would also make the look-alike class match s, b, L and i. */
const anyCase = (word: string) => [...word].map((c) => `[${c}${c.toUpperCase()}]`).join("");
const NUMBER_WORD = `(?:${[...NUMBER_WORD_VALUE.keys()].sort((x, y) => y.length - x.length).map(anyCase).join("|")})`;
/** A group of look-alike letters alone ("SSS"): read as digits only inside a number already begun. */
const LETTERS_ONLY = "[lIOSB]{2,}";
/**
 * A digit group (l, I, O, o, S, B read as the digits they imitate; a leading +), or digits spelt
 * out and mixed with digits ("two1two", "five five", "twenty-one"), or "plus", "double", "triple".
 */
const NUMBER_TOKEN = new RegExp(String.raw`(?<![A-Za-z0-9])(?:(?:\+\s?)?[0-9lIOoSB]*\d[0-9lIOoSB]*|(?:\+\s?|${anyCase("plus")}\s+)[lIOoSB]+|${LETTERS_ONLY})(?![A-Za-z0-9])|(?<![A-Za-z0-9])(?:\+\s?)?(?:${NUMBER_WORD}(?:[\s-]?(?=[A-Za-z]))?|\d)*${NUMBER_WORD}(?:\d|${NUMBER_WORD})*(?![A-Za-z0-9])|\b(?:${["plus", "double", "triple"].map(anyCase).join("|")})\b`, "g");
/** Words that label the digits after them as an id: "build 2026112212", "order #4158839201". */
const ID_LABEL = /\b(?:build|job|run|order|ticket|invoice|issue|pr|id|pid|seed|request|req|commit|version|ver|release|ref|po|sku|case|bug|commande|facture|pedido|factura|bestellung|bestellnummer|auftrag|rechnung)(?:\s+(?:is|est|ist|es|no\.?|nr\.?|number|nummer|numéro|número))?\s*[#:]?\s*$/i;
/** A version's later parts ("v3.14.159"): no part of a number. */
const VERSION_BEFORE = /[A-Za-z]\d*(?:\.\d+)*\.$/;
const MAX_GAP = 24;
const MAX_SPELT_GAP = 3;

/** The digits a token stands for ("two1two" is 212, "twenty-one" 21, "Ol73" 0173); undefined for a word that is no digit. */
function tokenDigits(token: string): string {
  if (/^[+\s0-9lIOoSB]+$/.test(token)) return token.replace(/^\+\s?/, "").replace(/[lI]/g, "1").replace(/[Oo]/g, "0").replace(/S/g, "5").replace(/B/g, "8");
  const words = new RegExp(`${NUMBER_WORD}|\\d`, "gi");
  let digits = "";
  const parts = [...token.toLowerCase().matchAll(words)].map((m) => m[0]);
  for (let i = 0; i < parts.length; i++) {
    const value = NUMBER_WORD_VALUE.get(parts[i]!) ?? parts[i]!;
    // "twenty one" is 21, not 201.
    if (TENS.includes(parts[i]!) && UNITS.includes(parts[i + 1] ?? "") && parts[i + 1] !== "zero") {
      digits += value[0]! + NUMBER_WORD_VALUE.get(parts[++i]!)!;
    } else digits += value;
  }
  return digits;
}

/**
 * Next to a word like "phone" or "call", digit groups a few words apart are read as one number,
 * with digits spelt out or imitated by letters, and also backwards: flagged when the joined digits
 * make a valid national number in one of the regions or a possible international one. Without such
 * a word, only groups that start with + or "plus" are read, and only as international numbers.
 */
function obscuredNumbers(text: string, regions: readonly CountryCode[], keyword: boolean): [number, number][] {
  const spans: [number, number][] = [];
  let group: { start: number; end: number; digits: string; spelt: boolean; plus: boolean; repeat: number } | undefined;
  const close = () => {
    if (group && group.digits.length >= 10 && group.digits.length <= 15) {
      const digits = group.digits;
      const found = keyword ? looksLikePhone(digits, regions) || looksLikePhone([...digits].reverse().join(""), regions) : group.plus && isPossibleInternational(digits);
      if (found) spans.push([group.start, group.end]);
    }
    group = undefined;
  };
  for (const token of text.matchAll(NUMBER_TOKEN)) {
    const word = token[0].toLowerCase();
    // A percentage ("+12%") or a signed decimal ("+52.52") is no part of a number; a group labelled as an id ("build 2026112212") is none either.
    const next = text.slice(token.index + token[0].length, token.index + token[0].length + 2);
    if (next.startsWith("%") || (word.startsWith("+") && /^[.,]\d/.test(next)) || ID_LABEL.test(text.slice(Math.max(0, token.index - 28), token.index)) || VERSION_BEFORE.test(text.slice(Math.max(0, token.index - 24), token.index))) {
      close();
      continue;
    }
    const plus = /^(?:\+|plus\b)/.test(word);
    const repeat = word === "double" ? 2 : word === "triple" ? 3 : 1;
    const spelt = !/^(?:[+\s0-9lIOoSB]|[Pp][Ll][Uu][Ss]\s)+$/.test(token[0]);
    const continues = group !== undefined && group.digits !== "" && token.index - group.end <= (spelt || group.spelt ? MAX_SPELT_GAP : MAX_GAP);
    if (!continues && new RegExp(`^${LETTERS_ONLY}$`).test(token[0])) continue;
    const digits = repeat > 1 || word === "plus" ? "" : tokenDigits(token[0].replace(/^[Pp][Ll][Uu][Ss]\s+/, "+"));
    // Groups of digits may have a few words between them; a spelt-out digit only separators. A + starts a new number.
    const gap = spelt || group?.spelt ? MAX_SPELT_GAP : MAX_GAP;
    if (group && !(plus && group.digits !== "") && token.index - group.end <= gap) {
      group.digits += group.repeat > 1 && digits !== "" ? digits[0]!.repeat(group.repeat - 1) + digits : digits;
      group.end = token.index + token[0].length;
      group.spelt = spelt;
      group.repeat = repeat;
    } else {
      close();
      group = { start: token.index, end: token.index + token[0].length, digits, spelt, plus, repeat };
    }
  }
  close();
  return spans;
}

function isPossibleInternational(digits: string): boolean {
  return phoneNumbers().parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true;
}

function looksLikePhone(digits: string, regions: readonly CountryCode[]): boolean {
  if (phoneNumbers().parsePhoneNumberFromString(`+${digits}`)?.isPossible()) return true;
  // An international call prefix instead of the + (00 in most countries, 011 from North America).
  const dialled = /^(?:00|011)(?=[1-9])/.exec(digits);
  if (dialled && isPossibleInternational(digits.slice(dialled[0].length))) return true;
  return regions.some((region) => phoneNumbers().parsePhoneNumberFromString(digits, region)?.isValid());
}

/** Cheap pre-check for what looksNational accepts, to skip the per-region scans. */
const NATIONAL_CANDIDATE = /(?:^|[^\d+])[0(]\d|\d{3}[-. ]\d{3}[-. ]\d{4}/;

/**
 * Some numbering plans accept almost any digit run (build numbers, dates, order ids), so a number
 * without a country code must also be written like one: trunk 0, an area code in brackets, or the
 * North American 3-3-4 grouping.
 */
function looksNational(raw: string): boolean {
  return /^[0(]/.test(raw) || /^\d{3}[-. ]\d{3}[-. ]\d{4}$/.test(raw);
}

/** Both forms of a deny pattern, compiled once per loaded book (a reload makes new pattern objects). */
const compiledDeny = new WeakMap<RegExp, { direct: RegExp; folded: RegExp | undefined }>();

function compiledForms(pattern: RegExp): { direct: RegExp; folded: RegExp | undefined } {
  let forms = compiledDeny.get(pattern);
  if (!forms) compiledDeny.set(pattern, (forms = { direct: new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")), folded: denyFormPattern(pattern) }));
  return forms;
}

/** Each pattern is tried on the text as written, then on denyForms (look-alikes, case, separators). */
export function findDenied(message: string, patterns: readonly DenyPattern[]): Finding[] {
  if (patterns.length === 0) return [];
  let forms: ReturnType<typeof denyForms> | undefined;
  return patterns.flatMap(({ pattern, name }) => {
    const label = `text matching the deny pattern ${name}`;
    const { direct: directPattern, folded } = compiledForms(pattern);
    const direct = directPattern.exec(message);
    if (direct) return [{ kind: "deny-pattern" as const, label, start: direct.index, end: direct.index + direct[0].length }];
    if (folded === undefined) return [];
    for (const form of (forms ??= denyForms(message))) {
      const match = folded.exec(form.text);
      if (match && match[0].length > 0) return [{ kind: "deny-pattern" as const, label, ...originalSpan(form, match.index, match.index + match[0].length) }];
    }
    return [];
  });
}

export async function findContent(text: string, policy: ContactPolicy["content"], regions: readonly CountryCode[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (text.length > policy.maxLength) findings.push({ kind: "too-long", label: `a message longer than ${policy.maxLength} characters`, start: policy.maxLength, end: text.length });
  if (policy.secrets !== "off") findings.push(...(await findSecrets(text)));
  if (policy.phoneNumbers !== "off") findings.push(...findPhoneNumbers(text, regions));
  findings.push(...findDenied(text, policy.deny));
  return findings.sort((a, b) => a.start - b.start);
}

export type ContentDecision = { action: "allow" } | { action: "block" | "confirm"; findings: Finding[]; reason: string };

/** Too long and deny patterns always block; secrets and phone numbers follow their setting, a guess asks at most. */
export function decideContent(findings: readonly Finding[], policy: ContactPolicy["content"]): ContentDecision {
  const setting = (f: Finding): ContentAction => (f.kind === "secret" ? policy.secrets : f.kind === "phone-number" ? policy.phoneNumbers : "block");
  const actionOf = (f: Finding): ContentAction => (f.guess && setting(f) === "block" ? "confirm" : setting(f));
  const blocking = findings.filter((f) => actionOf(f) === "block");
  if (blocking.length > 0) return { action: "block", findings: blocking, reason: `The message contains ${describeFindings(blocking)}. Remove it and send again, or ask the human to send it.` };
  const confirming = findings.filter((f) => actionOf(f) === "confirm");
  if (confirming.length > 0) return { action: "confirm", findings: confirming, reason: `The message contains ${describeFindings(confirming)}, which needs the human's confirmation.` };
  return { action: "allow" };
}

/** "an AWS access key at characters 18-38 and a phone number at characters 50-61" (1-based, inclusive). */
export function describeFindings(findings: readonly Finding[]): string {
  const parts = findings.map((f) => `${f.label} at characters ${f.start + 1}-${f.end}`);
  return parts.length <= 1 ? (parts[0] ?? "nothing") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
