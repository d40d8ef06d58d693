// The guard's only setting: guard.allowOpenclawCommands in the user's config file. Read with a
// light reader rather than the full address-book loader, whose imports would double the hook's
// cold start; the file is found exactly as everywhere else.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { defaultAuditFile, expandHome, resolveConfigPath } from "../contacts/config-path.js";
import { DEFAULT_ALLOW_LIST, parseAllowList, type AllowList } from "./openclaw-policy.js";

/** The config file, from `--config PATH` among the args or the usual resolution. */
export function guardConfigPath(args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const at = args.indexOf("--config");
  const flag = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith("--config="))?.slice("--config=".length);
  return resolveConfigPath({ flag, env });
}

/** Remove `--config PATH` / `--config=PATH` so commands see only their own arguments. */
export function withoutConfigOption(args: readonly string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--config") i++;
    else if (!args[i]?.startsWith("--config=")) rest.push(args[i] ?? "");
  }
  return rest;
}

/**
 * The allowlist from the config file. A missing file means the defaults; an unreadable or
 * invalid file throws (the hook turns that into a deny). Only the file can change the list:
 * an agent can set environment variables too, so none of them loosens it.
 */
export function readGuardAllowList(args: readonly string[], env: NodeJS.ProcessEnv = process.env): AllowList {
  return readGuardSettings(args, env).allowList;
}

export interface GuardSettings {
  readonly configFile: string;
  readonly allowList: AllowList;
  /** audit.file resolved as the server resolves it (relative to the config file), or the default. */
  readonly auditFile: string;
}

/** The allowlist and the audit log's location, from one read of the config file. */
export function readGuardSettings(args: readonly string[], env: NodeJS.ProcessEnv = process.env): GuardSettings {
  const configFile = guardConfigPath(args, env);
  let text: string;
  try {
    text = readFileSync(configFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { configFile, allowList: DEFAULT_ALLOW_LIST, auditFile: defaultAuditFile(env) };
    throw new Error(`cannot read ${configFile}: ${(error as Error).message}`);
  }
  // Loaded only when a config file exists: the hook's cold start pays for every module.
  const JSON5 = createRequire(import.meta.url)("json5") as typeof import("json5");
  const config = JSON5.parse(text) as { guard?: { allowOpenclawCommands?: unknown }; audit?: { file?: unknown } } | null;
  const auditSetting = config?.audit?.file;
  const auditFile = typeof auditSetting === "string" && auditSetting !== "" ? resolve(dirname(configFile), expandHome(auditSetting, env)) : defaultAuditFile(env);
  const list = config?.guard?.allowOpenclawCommands;
  if (list === undefined) return { configFile, allowList: DEFAULT_ALLOW_LIST, auditFile };
  if (!Array.isArray(list) || !list.every((entry): entry is string => typeof entry === "string")) {
    throw new Error(`${configFile}: guard.allowOpenclawCommands must be an array of strings`);
  }
  return { configFile, allowList: parseAllowList(list), auditFile };
}
