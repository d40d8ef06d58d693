// The vetted address book: where it lives, what it may contain, and refusing anything doubtful.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import JSON5 from "json5";
import { z } from "zod";
import { isValidAlias } from "./alias.js";
import { configPermissionProblem, type ReadSystemFile } from "./config-permissions.js";
import { defaultAuditFile, expandHome } from "./config-path.js";
import { lineOf, scanJson5Keys, type KeyScan } from "./json5-keys.js";
import { CHANNELS, isChannel, validateTarget, type Channel } from "./targets.js";
import { parseAllowList } from "../guard/openclaw-policy.js";
import { contactPolicyFields, DEFAULTS, policySchema, resolveContactPolicy, type ContactPolicy, type Window } from "../policy/settings.js";

export const TRANSPORTS = ["gateway", "cli", "dry-run"] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export type Contact = { alias: string; channel: Channel; target: string; account?: string; description: string; policy: ContactPolicy };

export type Config = {
  path: string;
  openclaw: { transport: TransportName; bin?: string[]; timeoutMs: number; gateway: { url?: string; token?: string } };
  contacts: ReadonlyMap<string, Contact>;
  audit: { file: string; includeText: boolean; rotateBytes: number };
  guard: { allowOpenclawCommands?: string[] };
  /** Limits that span all contacts; per-contact ones live on each Contact. */
  globalRateLimit: Window;
};

export { defaultAuditFile, expandHome, resolveConfigPath } from "./config-path.js";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** 10 MiB: roughly 20,000 records per file. */
export const DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024;

const contactSchema = z.strictObject({
  channel: z.string(),
  target: z.string().min(1),
  account: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "account must be 1-64 letters, digits, '.', '_' or '-'").optional(),
  description: z.string().max(200).optional(),
  ...contactPolicyFields,
});

const fileSchema = z.strictObject({
  openclaw: z
    .strictObject({
      transport: z.enum(TRANSPORTS).default("gateway"),
      bin: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
      gateway: z
        .strictObject({
          url: z.string().regex(/^wss?:\/\/\S+$/, "must be a ws:// or wss:// URL").optional(),
          token: z.string().min(1).optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  contacts: z.record(z.string(), contactSchema).default({}),
  audit: z
    .strictObject({
      file: z.string().min(1).optional(),
      includeText: z.boolean().default(false),
      // 0 never rotates; below 64 KiB rotation would outpace any reader.
      rotateBytes: z.union([z.literal(0), z.number().int().min(65_536)]).default(DEFAULT_ROTATE_BYTES),
    })
    .prefault({}),
  guard: z.strictObject({ allowOpenclawCommands: z.array(z.string().min(1)).optional() }).prefault({}),
  policy: policySchema,
});

type Problem = { path: (string | number)[]; message: string; fix: string; line?: number };

/** Reads, checks permissions, parses and validates. Throws ConfigError with file:line and a fix. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env, readSystemFile: ReadSystemFile = (file) => readFileSync(file, "utf8")): Config {
  const permissions = configPermissionProblem(path, readSystemFile);
  if (permissions !== undefined) throw new ConfigError(permissions);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const fix = code === "ENOENT" ? "Create it (see examples/config.json5) or pass --config PATH." : "Make it readable by this user.";
    throw new ConfigError(`${path}: cannot read the config file (${code ?? String(error)}). ${fix}`);
  }
  return parseConfig(text, path, env);
}

export function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: unknown;
  try {
    raw = JSON5.parse(text);
  } catch (error) {
    const e = error as { lineNumber?: number; message: string };
    throw new ConfigError(`${path}:${e.lineNumber ?? 1}: not valid JSON5 (${e.message.replace(/^JSON5: /, "")}). Fix the syntax at that line.`);
  }
  const scan = scanJson5Keys(text);
  const problems: Problem[] = scan.duplicates.map((d) => ({
    path: d.path,
    line: d.line,
    message: `"${d.path.join(".")}" is defined twice (first on line ${lineOf(scan, d.path)})`,
    fix: "Remove or rename one of them; JSON5 would silently keep only the last.",
  }));
  // Scanned keys too: JSON5 turns a "__proto__" key into a prototype, invisible to Object.entries.
  const scannedAliases = scan.keys.filter((k) => k.path.length === 2 && k.path[0] === "contacts").map((k) => k.path[1]!);
  const rawContacts = (raw as { contacts?: unknown } | null)?.contacts;
  const aliases = new Set([...scannedAliases, ...(rawContacts && typeof rawContacts === "object" ? Object.keys(rawContacts) : [])]);
  for (const alias of aliases) {
    if (!isValidAlias(alias)) {
      problems.push({ path: ["contacts", alias], message: `"${alias}" is not a valid alias`, fix: "Aliases are 1-32 characters: lower-case a-z, 0-9, '.', '_', '-', starting with a letter or digit." });
    }
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap(describeIssue));
  if (problems.length > 0 || !parsed.success) throw formatProblems(path, scan, problems);

  const file = parsed.data;
  const contacts = new Map<string, Contact>();
  for (const [alias, entry] of Object.entries(file.contacts)) {
    const contact = checkContact(alias, entry, file.policy, problems);
    if (contact) contacts.set(alias, contact);
  }
  if (file.guard.allowOpenclawCommands) {
    try {
      parseAllowList(file.guard.allowOpenclawCommands);
    } catch (error) {
      problems.push({ path: ["guard", "allowOpenclawCommands"], message: (error as Error).message, fix: 'Entries are subcommand words such as "channels list", a flag such as "--version", or "doctor !--fix" to forbid a flag.' });
    }
  }
  const bin = file.openclaw.bin === undefined ? undefined : [file.openclaw.bin].flat();
  if (bin && !isAbsolute(expandHome(bin[0]!, env))) {
    problems.push({ path: ["openclaw", "bin"], message: "openclaw.bin must be an absolute path", fix: 'Give the full path, e.g. "/usr/local/bin/openclaw"; a PATH lookup could find a shim or an impostor.' });
  }
  if (file.openclaw.transport === "cli" && !bin) {
    problems.push({ path: ["openclaw", "transport"], message: 'the "cli" transport needs openclaw.bin', fix: 'Add bin: "/absolute/path/to/openclaw" (or an argv prefix array) to the openclaw section.' });
  }
  if (problems.length > 0) throw formatProblems(path, scan, problems);

  const configDir = dirname(path);
  const auditFile = file.audit.file ? resolve(configDir, expandHome(file.audit.file, env)) : defaultAuditFile(env);
  return {
    path,
    openclaw: {
      transport: file.openclaw.transport,
      bin: bin?.map((part, i) => (i === 0 ? expandHome(part, env) : part)),
      timeoutMs: file.openclaw.timeoutMs,
      gateway: { url: file.openclaw.gateway.url, token: file.openclaw.gateway.token },
    },
    contacts,
    audit: { file: auditFile, includeText: file.audit.includeText, rotateBytes: file.audit.rotateBytes },
    guard: { allowOpenclawCommands: file.guard.allowOpenclawCommands },
    globalRateLimit: file.policy.rateLimit.global ?? DEFAULTS.global,
  };
}

function checkContact(alias: string, entry: z.infer<typeof contactSchema>, policy: z.infer<typeof policySchema>, problems: Problem[]): Contact | undefined {
  const at = ["contacts", alias];
  const channel = entry.channel;
  if (!isChannel(channel)) {
    problems.push({ path: [...at, "channel"], message: `unknown channel "${channel}" for "${alias}"`, fix: `Use one of: ${CHANNELS.join(", ")}.` });
    return undefined;
  }
  const target = validateTarget(channel, entry.target);
  if (!target.ok) {
    // The target itself is not echoed: error text can end up in a model's context.
    problems.push({ path: [...at, "target"], message: `the target of "${alias}" ${target.reason}`, fix: "Store the canonical form; phone numbers need the + and country code (no region is guessed)." });
    return undefined;
  }
  const compile = (pattern: string, name: string): RegExp => {
    try {
      return new RegExp(pattern, "iu");
    } catch (error) {
      // V8's message quotes the pattern; keep only its reason (the pattern is a code name).
      const reason = (error as Error).message.split(": ").at(-1);
      // Reported at the pattern's own line: `name` is where it was configured ("policy.content.deny[1]").
      problems.push({ path: name.split(/[.[\]]/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: `the deny pattern ${name} is not a valid regular expression (${reason})`, fix: "Fix or remove the pattern." });
      return /(?!)/;
    }
  };
  return { alias, channel, target: target.target, account: entry.account, description: entry.description ?? "", policy: resolveContactPolicy(policy, entry, compile, at.join(".")) };
}

function describeIssue(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  const where = path.length ? path.join(".") : "the top level";
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}" in ${where}`,
      fix: "Remove it or check its spelling against docs/config.md.",
    }));
  }
  return [{ path, message: `${where}: ${issue.message}`, fix: "See docs/config.md for the expected value." }];
}

function formatProblems(path: string, scan: KeyScan, problems: Problem[]): ConfigError {
  // Once each: a bad pattern in the shared policy is compiled for every contact.
  const lines = [...new Set(problems.map((p) => `${path}:${p.line ?? lineOf(scan, p.path) ?? 1}: ${p.message}. ${p.fix}`))];
  return new ConfigError(lines.join("\n"));
}
