// Where openclaw-guard's files live. Kept free of heavy imports: the shell hook resolves the
// config path before every command the agent runs.
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export type PathOptions = { flag?: string; env?: NodeJS.ProcessEnv };

/** `--config`, else $OPENCLAW_GUARD_CONFIG, else $XDG_CONFIG_HOME/openclaw-guard/config.json5. */
export function resolveConfigPath({ flag, env = process.env }: PathOptions = {}): string {
  if (flag) return resolve(expandHome(flag, env));
  if (env.OPENCLAW_GUARD_CONFIG) return resolve(expandHome(env.OPENCLAW_GUARD_CONFIG, env));
  const base = env.XDG_CONFIG_HOME || join(homeOf(env), ".config");
  return join(base, "openclaw-guard", "config.json5");
}

/** $XDG_STATE_HOME/openclaw-guard: the audit log, its ledger, and the hook's compile cache. */
export function guardStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homeOf(env), ".local", "state"), "openclaw-guard");
}

export function defaultAuditFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(guardStateDir(env), "audit.jsonl");
}

export function expandHome(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return path === "~" || path.startsWith("~/") ? join(homeOf(env), path.slice(1)) : path;
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}
