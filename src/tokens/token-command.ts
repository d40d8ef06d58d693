// `openclaw-guard token add|list|revoke`: the agent tokens `serve --http` accepts. A new token is
// printed once, on stdout, and only its hash is kept.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { loadConfig, resolveConfigPath } from "../contacts/config.js";
import { isValidAlias } from "../contacts/alias.js";
import { defaultTokenFile, describeRate, loadTokenFile, mintToken, parseRate, type TokenFile } from "./tokens.js";

const USAGE = "usage: openclaw-guard token add <agent> [--aliases a,b] [--rate N/window] | token list [--json] | token revoke <agent>   (all take --tokens FILE)";

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("token", args, {
    aliases: { type: "string" },
    rate: { type: "string" },
    json: { type: "boolean" },
    tokens: { type: "string" },
  });
  const configPath = resolveConfigPath({ flag: values.config });
  const path = values.tokens ? resolve(values.tokens) : defaultTokenFile(configPath);
  const [verb, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(USAGE);
  switch (verb) {
    case "add":
      return add(path, configPath, requireName(name), values.aliases, values.rate);
    case "list":
      if (name !== undefined) throw new UsageError(USAGE);
      return list(path, values.json === true);
    case "revoke":
      return revoke(path, requireName(name));
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
