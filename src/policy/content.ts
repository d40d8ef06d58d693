// Content checks: find what a message should not carry, then decide per the contact's policy.
// Findings name a kind and a position, never the matched text.
import type { CountryCode } from "libphonenumber-js/max";
import { phoneNumbers } from "../contacts/phone-numbers.js";
import { denyFormPattern, denyForms, lookAlikeForm, originalSpan, phoneForm, scanForm } from "./normalise.js";
import type { ContactPolicy, ContentAction, DenyPattern } from "./settings.js";

export type FindingKind = "secret" | "phone-number" | "deny-pattern" | "too-long";
export type Finding = { kind: FindingKind; label: string; start: number; end: number };

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
const EXTRA_SECRETS: { label: string; pattern: RegExp }[] = [
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
  { label: "a Telegram bot token", pattern: /(?<!\d)\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])/g },
  // From gitleaks' rule set (gcp-api-key's neighbours, gitlab-pat, discord, pypi, digitalocean, sendgrid, stripe).
  { label: "a Google OAuth client secret", pattern: /\bGOCSPX-[0-9A-Za-z_-]{28}(?![0-9A-Za-z_-])/g },
  { label: "a SendGrid key", pattern: /\bSG\.[0-9A-Za-z_-]{20,24}\.[0-9A-Za-z_-]{39,50}(?![0-9A-Za-z_-])/g },
  { label: "an OpenAI API key", pattern: /\bsk-(?:proj|svcacct|admin)-[0-9A-Za-z_-]{40,}(?![0-9A-Za-z_-])/g },
  { label: "a Stripe webhook secret", pattern: /\bwhsec_[0-9A-Za-z]{24,}\b/g },
  { label: "a GitLab token", pattern: /\bgl(?:pat|dt|ptt|rt|soat|cbt|imt|agent|oas|ffct)-[0-9A-Za-z_-]{20,}(?![0-9A-Za-z_-])/g },
  { label: "a Discord bot token", pattern: /\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![0-9A-Za-z_-])/g },
  { label: "a PyPI token", pattern: /\bpypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}/g },
  { label: "a DigitalOcean token", pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { label: "an AWS secret access key", pattern: /\baws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi },
  { label: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@\/]*:[^\s@\/]{3,}@[^\s@]+/gi },
  // An AWS access key id written with blanks, dashes or a line break between its characters.
  { label: "an AWS access key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])(?:[ \t\r\n-]{0,2}[A-Z2-7]){16}(?![A-Za-z0-9])/g },
  // A JSON Web Token split over lines: its three parts joined by a dot with blanks around it.
  { label: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{10,}\s*\.\s*eyJ[A-Za-z0-9_-]{10,}\s*\.\s*[A-Za-z0-9_-]{16,}/g },
  { label: "a Hugging Face token", pattern: /\b(?:hf|api_org)_[A-Za-z0-9]{34,40}\b/g },
  { label: "a Twilio API key", pattern: /\bSK[0-9a-fA-F]{32}\b/g },
  { label: "a password", pattern: /(?<![A-Za-z0-9])(?:[Pp]ass(?:word|wd|phrase)|PASS(?:WORD|WD|PHRASE)|[Pp]wd|PWD)\s*[:=]\s*(?!(?:\*+|x+|<[^>]*>|\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|%[A-Za-z_]\w*%)(?!\w))["']?[^\s"',;]{6,}/g },
  { label: "a token", pattern: /\b(?:[A-Za-z]+[_-])*(?:token|secret|api[_-]?key|apikey|auth|bearer|signature|sid|key)["']?\s*[:=]?\s*["']?(?:[0-9a-f]{32,}|[0-9A-F]{32,})\b/gi },
  // The generic case, keyword-gated: a long token with letters and digits after "secret is", "key:" ...
  { label: "a secret after a keyword", pattern: /\b(?:secret|token|api[ _-]?key|password|passwd|credential|private key|access key)s?\b(?:\s+(?:is|was|=|:)|\s*[:=])\s*["'`]?(?=[A-Za-z0-9_\-+/=]*\d)(?=[A-Za-z0-9_\-+/=]*[A-Za-z])[A-Za-z0-9_\-+/=]{20,}/gi },
];

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

export async function findSecrets(message: string): Promise<Finding[]> {
  const { lintSource, config } = await (secretlint ??= loadSecretlint());
  const scanned = scanForm(message);
  const text = scanned.text;
  const result = await lintSource({
    source: { content: text, filePath: "/message.txt", ext: ".txt", contentType: "text" },
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  const found: Finding[] = result.messages.map((m) => ({ kind: "secret", label: SECRET_LABELS[m.messageId] ?? `a secret (${m.messageId})`, start: m.range[0], end: m.range[1] }));
  const overlaps = (start: number, end: number) => found.some((f) => f.start < end && start < f.end);
  for (const { label, pattern } of EXTRA_SECRETS) {
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (!overlaps(match.index, end)) found.push({ kind: "secret", label, start: match.index, end });
    }
  }
  // A secret wrapped in base64 is read again once decoded and reported at the base64 run.
  for (const run of text.matchAll(BASE64_RUN)) {
    const end = run.index + run[0].length;
    if (overlaps(run.index, end)) continue;
    const decoded = Buffer.from(run[0], "base64").toString("utf8");
    if (!/^[\t\n\r\x20-\x7e]+$/.test(decoded)) continue;
    const inner = await findSecrets(decoded);
    if (inner.length > 0) found.push({ kind: "secret", label: `${inner[0]!.label} in base64`, start: run.index, end });
  }
  // Look-alike letters of other scripts (Cyrillic А in AKIA...) read as the Latin ones.
  const latin = lookAlikeForm(text);
  if (latin !== text) for (const f of await findSecrets(latin)) if (!overlaps(f.start, f.end)) found.push(f);
  return found.map((f) => ({ ...f, ...originalSpan(scanned, f.start, f.end) }));
}

const BASE64_RUN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=_-])/g;

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
export function findPhoneNumbers(message: string, regions: readonly CountryCode[]): Finding[] {
  const scanned = phoneForm(message);
  const text = scanned.text;
  const obscured = PHONE_WORD.test(text);
  if (!obscured && !MAY_HOLD_A_NUMBER.test(text)) return [];
  const seen = new Map<number, Finding>();
  const add = (start: number, end: number) => {
    if (![...seen.values()].some((f) => f.start < end && start < f.end)) seen.set(start, { kind: "phone-number", label: "a phone number", start, end });
  };
  for (const link of text.matchAll(PHONE_LINK)) add(link.index, link.index + link[0].length);
  const national = NATIONAL_CANDIDATE.test(text) ? regions : [];
  for (const region of [undefined, ...national]) {
    for (const found of phoneNumbers().findNumbers(text, region ? { defaultCountry: region, v2: true } : INTERNATIONAL_POSSIBLE)) {
      const raw = text.slice(found.startsAt, found.endsAt);
      if (region && !looksNational(raw)) continue;
      add(found.startsAt, found.endsAt);
    }
  }
  if (obscured) for (const [start, end] of obscuredNumbers(text, regions)) add(start, end);
  return [...seen.values()].map((f) => ({ ...f, ...originalSpan(scanned, f.start, f.end) }));
}

/** Words that say a number follows; they gate the looser reading of obscuredNumbers. */
const PHONE_WORD = /\b(?:phone|number|num|call|text|txt|sms|cell|mobile|whats ?app|tel|reach|dial|contact|ring|digits|backwards|reversed)\b/i;
const DIGIT_WORDS: Record<string, string> = { zero: "0", one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9" };
/** A digit group (l, I, O, o read as the digits they imitate; %2B as +) or a digit spelt out. */
const NUMBER_TOKEN = /(?<![A-Za-z0-9])(?:%2[Bb](?=\d))?[0-9lIOo]*\d[0-9lIOo]*(?![A-Za-z0-9])|\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b/gi;
const MAX_GAP = 24;
const MAX_SPELT_GAP = 3;

/**
 * Next to a word like "phone" or "call", digit groups a few words apart are read as one number,
 * with digits spelt out or imitated by letters, and also backwards: flagged when the joined digits
 * make a valid national number in one of the regions or a possible international one.
 */
function obscuredNumbers(text: string, regions: readonly CountryCode[]): [number, number][] {
  const spans: [number, number][] = [];
  let group: { start: number; end: number; digits: string; spelt: boolean } | undefined;
  const close = () => {
    if (group && group.digits.length >= 10 && group.digits.length <= 15) {
      const digits = group.digits;
      if (looksLikePhone(digits, regions) || looksLikePhone([...digits].reverse().join(""), regions)) spans.push([group.start, group.end]);
    }
    group = undefined;
  };
  for (const token of text.matchAll(NUMBER_TOKEN)) {
    const word = DIGIT_WORDS[token[0].toLowerCase()];
    const digits = word ?? token[0].replace(/^%2b/i, "").replace(/[lI]/g, "1").replace(/[Oo]/g, "0");
    // Groups of digits may have a few words between them; a spelt-out digit only separators.
    const gap = word !== undefined || group?.spelt ? MAX_SPELT_GAP : MAX_GAP;
    if (group && token.index - group.end <= gap) {
      group.digits += digits;
      group.end = token.index + token[0].length;
      group.spelt = word !== undefined;
    } else {
      close();
      group = { start: token.index, end: token.index + token[0].length, digits, spelt: word !== undefined };
    }
  }
  close();
  return spans;
}

function looksLikePhone(digits: string, regions: readonly CountryCode[]): boolean {
  if (phoneNumbers().parsePhoneNumberFromString(`+${digits}`)?.isPossible()) return true;
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

/** Too long and deny patterns always block; secrets and phone numbers follow their setting. */
export function decideContent(findings: readonly Finding[], policy: ContactPolicy["content"]): ContentDecision {
  const actionOf = (f: Finding): ContentAction => (f.kind === "secret" ? policy.secrets : f.kind === "phone-number" ? policy.phoneNumbers : "block");
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
