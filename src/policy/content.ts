// Content checks: find what a message should not carry, then decide per the contact's policy.
// Findings name a kind and a position, never the matched text.
import type { CountryCode } from "libphonenumber-js/max";
import { phoneNumbers } from "../contacts/phone-numbers.js";
import { denyFormPattern, denyForms, originalSpan, phoneForm, scanForm } from "./normalise.js";
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
  { label: "a Telegram bot token", pattern: /\b\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])/g },
  { label: "a Hugging Face token", pattern: /\b(?:hf|api_org)_[A-Za-z0-9]{34,40}\b/g },
  { label: "a Twilio API key", pattern: /\bSK[0-9a-fA-F]{32}\b/g },
  { label: "a password", pattern: /(?<![A-Za-z0-9])(?:[Pp]ass(?:word|wd|phrase)|PASS(?:WORD|WD|PHRASE)|[Pp]wd|PWD)\s*[:=]\s*(?!(?:\*+|x+|<[^>]*>|\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|%[A-Za-z_]\w*%)(?!\w))["']?[^\s"',;]{6,}/g },
  { label: "a token", pattern: /\b(?:[A-Za-z]+[_-])*(?:token|secret|api[_-]?key|apikey|auth|bearer|signature|sid|key)["']?\s*[:=]?\s*["']?(?:[0-9a-f]{32,}|[0-9A-F]{32,})\b/gi },
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
  return found.map((f) => ({ ...f, ...originalSpan(scanned, f.start, f.end) }));
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
export function findPhoneNumbers(message: string, regions: readonly CountryCode[]): Finding[] {
  const scanned = phoneForm(message);
  const text = scanned.text;
  if (!MAY_HOLD_A_NUMBER.test(text)) return [];
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
  return [...seen.values()].map((f) => ({ ...f, ...originalSpan(scanned, f.start, f.end) }));
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
