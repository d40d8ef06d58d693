// Content checks: find what a message should not carry, then decide per the contact's policy.
// Findings name a kind and a position, never the matched text.
import { findNumbers, type CountryCode } from "libphonenumber-js/max";
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

// Gaps in the recommended preset for chat text: it has no Stripe rule, and it reports a private key
// only when the whole body decodes, while a pasted or truncated key is just as much a leak.
const EXTRA_SECRETS: { label: string; pattern: RegExp }[] = [
  { label: "a Stripe secret key", pattern: /\b[rs]k_(?:live|test)_[0-9A-Za-z]{20,}\b/g },
  { label: "a private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
];

/** Loaded on the first send, not at server start: secretlint and its preset take ~60 ms to import. */
async function loadSecretlint() {
  const [{ lintSource }, { creator: recommended }] = await Promise.all([import("@secretlint/core"), import("@secretlint/secretlint-rule-preset-recommend")]);
  // The AWS rule scans for access key ids only when asked to (too noisy in source trees, not in chat).
  const config = {
    rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended, rules: [{ id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } }] }],
  };
  return { lintSource, config };
}
let secretlint: ReturnType<typeof loadSecretlint> | undefined;

export async function findSecrets(text: string): Promise<Finding[]> {
  const { lintSource, config } = await (secretlint ??= loadSecretlint());
  const result = await lintSource({
    source: { content: text, filePath: "/message.txt", ext: ".txt", contentType: "text" },
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  const findings: Finding[] = result.messages.map((m) => ({ kind: "secret", label: SECRET_LABELS[m.messageId] ?? `a secret (${m.messageId})`, start: m.range[0], end: m.range[1] }));
  const overlaps = (start: number, end: number) => findings.some((f) => f.start < end && start < f.end);
  for (const { label, pattern } of EXTRA_SECRETS) {
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (!overlaps(match.index, end)) findings.push({ kind: "secret", label, start: match.index, end });
    }
  }
  return findings;
}

/**
 * International numbers are found anywhere; national formats only for the regions given (the
 * address book's own countries plus a few common ones), since a bare digit run has no country.
 */
/** No phone number has fewer than 7 digits; most messages can skip the per-region scans. */
const MAY_HOLD_A_NUMBER = /(?:\d[\s().\/-]*){7}/;

export function findPhoneNumbers(text: string, regions: readonly CountryCode[]): Finding[] {
  if (!MAY_HOLD_A_NUMBER.test(text)) return [];
  const seen = new Map<number, Finding>();
  const national = NATIONAL_CANDIDATE.test(text) ? regions : [];
  for (const region of [undefined, ...national]) {
    for (const found of findNumbers(text, region ? { defaultCountry: region, v2: true } : { v2: true })) {
      const raw = text.slice(found.startsAt, found.endsAt);
      if (region && !looksNational(raw)) continue;
      if (!seen.has(found.startsAt)) seen.set(found.startsAt, { kind: "phone-number", label: "a phone number", start: found.startsAt, end: found.endsAt });
    }
  }
  return [...seen.values()];
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

export function findDenied(text: string, patterns: readonly DenyPattern[]): Finding[] {
  return patterns.flatMap(({ pattern, name }) => {
    const match = new RegExp(pattern.source, pattern.flags.replace("g", "")).exec(text);
    return match ? [{ kind: "deny-pattern" as const, label: `text matching the deny pattern ${name}`, start: match.index, end: match.index + match[0].length }] : [];
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
