// The guard's only setting: guard.allowOpenclawCommands in the user's config file. Read with a
// light reader rather than the full address-book loader, whose imports would double the hook's
// cold start; the file is found exactly as everywhere else.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolveConfigPath } from "../contacts/config-path.js";
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
  const file = guardConfigPath(args, env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return DEFAULT_ALLOW_LIST;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  // Loaded only when a config file exists: the hook's cold start pays for every module.
  const JSON5 = createRequire(import.meta.url)("json5") as typeof import("json5");
  const config: unknown = JSON5.parse(text);
  const list = (config as { guard?: { allowOpenclawCommands?: unknown } } | null)?.guard?.allowOpenclawCommands;
  if (list === undefined) return DEFAULT_ALLOW_LIST;
  if (!Array.isArray(list) || !list.every((entry): entry is string => typeof entry === "string")) {
    throw new Error(`${file}: guard.allowOpenclawCommands must be an array of strings`);
  }
  return parseAllowList(list);
}
