// `openclaw-guard token add|list|revoke|rotate`: the agent tokens `serve --http` accepts. A new token is
// printed once, on stdout, and only its hash is kept. Every change is a read-modify-write under one
// cross-process lock (tokens.json.lock), replaced atomically, so two commands never lose each other's
// change and the server's reload never sees half a file.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { loadConfig, resolveConfigPath } from "../contacts/config.js";
import { isValidAlias } from "../contacts/alias.js";
import { defaultTokenFile, describeRate, loadTokenFile, mintToken, parseRate, type TokenFile } from "./tokens.js";

const USAGE = "usage: openclaw-guard token add <agent> [--aliases a,b] [--rate N/window] | token list [--json] | token revoke <agent> | token rotate <agent> [--grace 10m]   (all take --tokens FILE)";
const DEFAULT_GRACE_SECONDS = 600;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("token", args, {
    aliases: { type: "string" },
    rate: { type: "string" },
    json: { type: "boolean" },
    tokens: { type: "string" },
    grace: { type: "string" },
  });
  const configPath = resolveConfigPath({ flag: values.config });
  const path = values.tokens ? resolve(values.tokens) : defaultTokenFile(configPath);
  const [verb, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(USAGE);
  switch (verb) {
    case "add":
      return withTokenLock(path, () => add(path, configPath, requireName(name), values.aliases, values.rate));
    case "list":
      if (name !== undefined) throw new UsageError(USAGE);
      return list(path, values.json === true);
    case "revoke":
      return withTokenLock(path, () => revoke(path, requireName(name)));
    case "rotate":
      return withTokenLock(path, () => rotate(path, requireName(name), values.grace === undefined ? DEFAULT_GRACE_SECONDS : graceSeconds(values.grace)));
    default:
      throw new UsageError(USAGE);
  }
}

function requireName(name: string | undefined): string {
  if (name === undefined || !isValidAlias(name)) throw new UsageError(`openclaw-guard token: the agent name must be 1-32 characters a-z, 0-9, '.', '_', '-'.\n${USAGE}`);
  return name;
}

function add(path: string, configPath: string, name: string, aliasList: string | undefined, rateText: string | undefined): number {
  const file = loadTokenFile(path);
  if (file.tokens[name]) {
    process.stderr.write(`openclaw-guard token: "${name}" already has a token. Revoke it first (openclaw-guard token revoke ${name}).\n`);
    return 1;
  }
  const aliases = aliasList === undefined ? undefined : [...new Set(aliasList.split(",").map((a) => a.trim().toLowerCase()))];
  const bad = aliases?.find((a) => !isValidAlias(a));
  if (bad !== undefined) throw new UsageError(`openclaw-guard token: --aliases: "${bad}" is not a valid alias`);
  const rate = rateText === undefined ? undefined : parseRate(rateText);
  const { token, hash } = mintToken();
  save(path, { ...file, tokens: { ...file.tokens, [name]: { hash, ...(aliases ? { aliases } : {}), ...(rate ? { rate } : {}), created: new Date().toISOString() } } });
  warnUnknownAliases(configPath, aliases);
  process.stderr.write(`Token for agent "${name}" (${aliases ? `aliases ${aliases.join(", ")}` : "every alias"}; ${describeRate(rate)}) saved to ${path}.\nIt is shown once, below: give it to that agent's MCP client (openclaw-guard init <client> --remote <url> reads it from $OPENCLAW_GUARD_TOKEN).\n`);
  process.stdout.write(`${token}\n`);
  return 0;
}

function list(path: string, json: boolean): number {
  const entries = Object.entries(loadTokenFile(path).tokens).map(([name, t]) => ({ name, aliases: t.aliases ?? "all", rate: describeRate(t.rate), created: t.created }));
  if (json) process.stdout.write(`${JSON.stringify({ tokens: entries }, null, 2)}\n`);
  else if (entries.length === 0) process.stdout.write(`no agent tokens in ${path}\n`);
  else for (const e of entries) process.stdout.write(`${e.name.padEnd(20)} ${Array.isArray(e.aliases) ? e.aliases.join(",") : "all aliases"}  ${e.rate}  created ${e.created}\n`);
  return 0;
}

function revoke(path: string, name: string): number {
  const file = loadTokenFile(path);
  if (!file.tokens[name]) {
    process.stderr.write(`openclaw-guard token: no token named "${name}" in ${path}.\n`);
    return 1;
  }
  const { [name]: _revoked, ...rest } = file.tokens;
  save(path, { ...file, tokens: rest });
  process.stderr.write(`Revoked "${name}": the HTTP server refuses it from its next request on.\n`);
  return 0;
}

function graceSeconds(text: string): number {
  const match = /^(\d{1,6})([smh]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as Record<string, number>)[match[2] || "s"]! : NaN;
  if (!(seconds >= 0 && seconds <= 7 * 86_400)) throw new UsageError(`openclaw-guard token: --grace ${JSON.stringify(text)}: expected such as 10m, 90s or 1h (at most 7 days)\n${USAGE}`);
  return seconds;
}

/** A new secret for the same grant; the old one keeps working for the grace time, then is refused. */
function rotate(path: string, name: string, grace: number): number {
  const file = loadTokenFile(path);
  const grant = file.tokens[name];
  if (!grant) {
    process.stderr.write(`openclaw-guard token: no token named "${name}" in ${path}.\n`);
    return 1;
  }
  const { token, hash } = mintToken();
  const until = new Date(Date.now() + grace * 1000).toISOString();
  const { previous: _older, ...kept } = grant;
  save(path, { ...file, tokens: { ...file.tokens, [name]: { ...kept, hash, ...(grace > 0 ? { previous: { hash: grant.hash, until } } : {}) } } });
  process.stderr.write(`New token for agent "${name}" saved to ${path}; ${grace > 0 ? `the old one is accepted until ${until}, then refused` : "the old one is refused from the server's next request"}.\nIt is shown once, below: re-register the agent's client with it (OPENCLAW_GUARD_TOKEN=... openclaw-guard init <client> --remote <url>).\n`);
  process.stdout.write(`${token}\n`);
  return 0;
}

/** The token file's lock, held across read-modify-write (waits ~7 s; a lock left by a killed process goes stale after 5 s). */
async function withTokenLock(path: string, fn: () => number): Promise<number> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { default: lockfile } = await import("proper-lockfile");
  const release = await lockfile.lock(path, { realpath: false, lockfilePath: `${path}.lock`, stale: 5000, retries: { retries: 150, minTimeout: 2, maxTimeout: 50, factor: 1.3 } });
  try {
    return fn();
  } finally {
    await release();
  }
}

/** Atomic replace, 0600 in a 0700 directory when it creates one. */
function save(path: string, file: TokenFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

function warnUnknownAliases(configPath: string, aliases: string[] | undefined): void {
  if (!aliases) return;
  try {
    const contacts = loadConfig(configPath).contacts;
    const unknown = aliases.filter((a) => !contacts.has(a));
    if (unknown.length > 0) process.stderr.write(`note: not in the address book (yet): ${unknown.join(", ")}; the token can use them once a human adds them.\n`);
  } catch {
    // No readable book here: nothing to compare against.
  }
}
