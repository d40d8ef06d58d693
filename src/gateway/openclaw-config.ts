// Reading OpenClaw's own config (~/.openclaw/openclaw.json, JSON5) the way its CLI locates it.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import JSON5 from "json5";

export function openclawConfigPath(env: NodeJS.ProcessEnv): string {
  if (env.OPENCLAW_CONFIG_PATH) return env.OPENCLAW_CONFIG_PATH;
  return join(env.OPENCLAW_HOME || env.HOME || homedir(), ".openclaw", "openclaw.json");
}

export type OpenclawConfigRead = { path: string; config?: Record<string, unknown>; error?: string };

/** Missing is not an error (config is optional); unreadable or invalid is reported, never thrown. */
export function readOpenclawConfig(env: NodeJS.ProcessEnv, read: (path: string) => string = (p) => readFileSync(p, "utf8")): OpenclawConfigRead {
  const path = openclawConfigPath(env);
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { path } : { path, error: `cannot read ${path} (${code ?? String(error)})` };
  }
  try {
    const parsed: unknown = JSON5.parse(text);
    if (!parsed || typeof parsed !== "object") return { path, error: `${path} is not a JSON5 object` };
    return { path, config: parsed as Record<string, unknown> };
  } catch (error) {
    return { path, error: `${path} is not valid JSON5 (${(error as Error).message})` };
  }
}

/** `${VAR}` substitution, as OpenClaw applies it to its config values. */
export function substituteEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? "");
}

export function pick(object: unknown, ...path: string[]): unknown {
  let node = object;
  for (const key of path) {
    if (!node || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
