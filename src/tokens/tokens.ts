// Agent tokens for the HTTP server: each names one agent, the aliases it may see and send to, and its
// own rate limit on top of the address book's. Only a sha256 of each token is stored: the tokens are
// 256 random bits, so a fast hash is enough, and the file reveals nothing a caller could present.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { ALIAS_PATTERN } from "../contacts/alias.js";
import { ConfigError } from "../contacts/config.js";
import { configPermissionProblem, systemDeps } from "../contacts/config-permissions.js";
import type { Window } from "../policy/settings.js";

export const TOKEN_PREFIX = "ocg_";
const TOKEN_SHAPE = /^ocg_[A-Za-z0-9_-]{43}$/;

const windowSchema = z.strictObject({ count: z.number().int().min(0).max(1_000_000), windowSeconds: z.number().int().min(1).max(31 * 86_400) });

const grantSchema = z.strictObject({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Absent: every alias in the book. */
  aliases: z.array(z.string().regex(ALIAS_PATTERN)).optional(),
  rate: windowSchema.optional(),
  created: z.string(),
  /** Left by `token rotate`: the replaced token stays valid until `until` (ISO time), so the agent is never without one. */
  previous: z.strictObject({ hash: z.string().regex(/^[0-9a-f]{64}$/), until: z.string() }).optional(),
});

const fileSchema = z.strictObject({ version: z.literal(1), tokens: z.record(z.string().regex(ALIAS_PATTERN), grantSchema) });

export type Grant = z.infer<typeof grantSchema>;
export type TokenFile = z.infer<typeof fileSchema>;
/** What a request authenticated as: the token's name and its grant as the file says now. */
export type Agent = { name: string; grant: Grant };

export const EMPTY_TOKEN_FILE: TokenFile = { version: 1, tokens: {} };

/** Beside the address book, so the same owner and directory protect both. */
export function defaultTokenFile(configPath: string): string {
  return join(dirname(configPath), "tokens.json");
}

export function mintToken(): { token: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The agent whose token this is, comparing every stored hash in constant time; undefined for anything else. A rotated-out token counts until its grace time ends. */
export function findAgent(file: TokenFile, presented: string, now: number = Date.now()): Agent | undefined {
  const wanted = Buffer.from(hashToken(presented), "hex");
  let found: Agent | undefined;
  for (const [name, grant] of Object.entries(file.tokens)) {
    // No early exit: the time taken does not say which entry matched.
    const current = timingSafeEqual(wanted, Buffer.from(grant.hash, "hex"));
    const previous = grant.previous !== undefined && timingSafeEqual(wanted, Buffer.from(grant.previous.hash, "hex")) && Date.parse(grant.previous.until) > now;
    if ((current || previous) && found === undefined) found = { name, grant };
  }
  return TOKEN_SHAPE.test(presented) ? found : undefined;
}

export function parseTokenFile(text: string, path: string): TokenFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message}). Restore it from its backup or remove it and add the tokens again.`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: not a valid token file (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}).`);
  return parsed.data;
}

/** A missing file is an empty one: the HTTP server then accepts nobody. */
export function loadTokenFile(path: string): TokenFile {
  const readSystemFile = (file: string) => readFileSync(file, "utf8");
  const permissions = configPermissionProblem(path, readSystemFile, systemDeps(readSystemFile), { kind: "token", consequence: "add an agent token" });
  if (permissions !== undefined) throw new ConfigError(permissions);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return EMPTY_TOKEN_FILE;
    throw new ConfigError(`${path}: cannot read the token file (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  return parseTokenFile(text, path);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "20/1h", "5/90s", "100/1d", "3/600" (seconds). */
export function parseRate(text: string): Window {
  const match = /^(\d{1,7})\/(\d{1,7})([smhd]?)$/.exec(text.trim());
  const windowSeconds = match ? Number(match[2]) * UNITS[match[3] || "s"]! : NaN;
  if (!match || !(windowSeconds >= 1 && windowSeconds <= 31 * 86_400)) {
    throw new ConfigError(`--rate ${JSON.stringify(text)}: expected COUNT/WINDOW such as 20/1h, 5/90s or 100/1d (window 1 s to 31 d).`);
  }
  return { count: Number(match[1]), windowSeconds };
}

export function describeRate(rate: Window | undefined): string {
  if (!rate) return "book limits only";
  const unit = [...Object.entries(UNITS)].reverse().find(([, s]) => rate.windowSeconds % s === 0)!;
  return `${rate.count}/${rate.windowSeconds / unit[1]}${unit[0]}`;
}
