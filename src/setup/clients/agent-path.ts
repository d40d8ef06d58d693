// The PATH shim on the agent's PATH only: `init <client>` writes the shims into one directory of
// the user's data home and puts that directory first in the PATH the client gives its shells, in the
// client's own env setting (Claude Code's settings.json `env`, Codex's `shell_environment_policy`).
// Neither client expands `$PATH` there (Claude Code 2.1.330 and Codex 0.171 pass the text as it is,
// checked), so the value is absolute: the shim directory, then the PATH init ran with. A PATH that
// later grows (a new tool's directory) is not seen by the agent until init runs again; doctor says so.
import JSON5 from "json5";
import path from "node:path";
import { CLI_NAMES, DEFAULT_ALLOW_LIST, parseAllowList, type AllowList } from "../../guard/openclaw-policy.js";
import { generateShim, SHIM_MARKER } from "../../guard/shim.js";
import { InitError, shellQuote, type FilePlan, type InitContext, type ReadText } from "../init-plan.js";

/** Where init writes the shims: `$XDG_DATA_HOME/openclaw-guard/bin` (default ~/.local/share/...). */
export function shimDir(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "openclaw-guard", "bin");
}

/** The variable the shim reads to know it runs for an agent (beside the clients' own markers). */
export const AGENT_VARIABLE = "OPENCLAW_GUARD_AGENT";

/** When init runs with no PATH at all (a bare service environment). */
const FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";

const dirsOf = (value: string | undefined) => (value ?? "").split(":").filter((dir) => dir !== "");

/**
 * The agent's PATH: the shim directory first, then the directories of `existing` (what the client's
 * setting holds now, ours or the user's), then those of `current` (init's own PATH) it lacks. Re-running
 * init with the same PATH gives the same text; a directory added to the user's PATH since is appended.
 */
export function agentPath(dir: string, current: string | undefined, existing?: string): string {
  const rest: string[] = [];
  for (const d of [...dirsOf(existing), ...dirsOf(current || FALLBACK_PATH)]) if (d !== dir && !rest.includes(d)) rest.push(d);
  return [dir, ...rest].join(":");
}

/** True when this PATH value is one init wrote (its first directory is the shim directory). */
export function isOurAgentPath(value: unknown, dir: string): boolean {
  return typeof value === "string" && dirsOf(value)[0] === dir;
}

/** Directories of the user's PATH (now) that the agent's PATH lacks: the setting is stale. Shim directories are not missed. */
export function missingDirs(agent: string, current: string | undefined, dir: string): string[] {
  const have = new Set(dirsOf(agent));
  return dirsOf(current).filter((d, i, all) => d !== dir && !have.has(d) && all.indexOf(d) === i);
}

/** The allowlist the shims embed, from the address book as it is now (the default when there is none). */
function allowListOf(context: InitContext, read: ReadText): AllowList {
  const text = read(context.config);
  if (text === undefined) return DEFAULT_ALLOW_LIST;
  let list: unknown;
  try {
    list = (JSON5.parse(text) as { guard?: { allowOpenclawCommands?: unknown } } | null)?.guard?.allowOpenclawCommands;
  } catch (error) {
    throw new InitError(`${context.config}: not valid JSON5 (${(error as Error).message}); the shims embed its guard.allowOpenclawCommands. Fix it, then re-run.`);
  }
  if (list === undefined) return DEFAULT_ALLOW_LIST;
  if (!Array.isArray(list) || !list.every((e): e is string => typeof e === "string")) throw new InitError(`${context.config}: guard.allowOpenclawCommands must be an array of strings. Fix it, then re-run.`);
  try {
    return parseAllowList(list);
  } catch (error) {
    throw new InitError(`${context.config}: ${(error as Error).message}. Fix it, then re-run.`);
  }
}

/**
 * The three shims (openclaw, clawdbot, moltbot), mode 755. A file there that is not ours is refused.
 * `init --remove` leaves them (another client may still point its PATH here; with no PATH naming the
 * directory they run for nobody): `openclaw-guard shim uninstall --dir DIR` removes them.
 */
export function shimPlans(context: InitContext, read: ReadText): FilePlan[] {
  const dir = shimDir(context.env, context.home);
  const allowList = allowListOf(context, read);
  return CLI_NAMES.map((name) => {
    const file = path.join(dir, name);
    const before = read(file);
    if (before !== undefined && !before.split("\n", 2)[1]?.includes(SHIM_MARKER)) {
      throw new InitError(`${file}: exists and is not an openclaw-guard shim; refusing to overwrite it. Move it away, then re-run.`);
    }
    const after = generateShim(name, allowList);
    const mark = before === undefined ? "+" : before === after ? "=" : "~";
    const summary = [`${mark} PATH shim ${name}${mark === "=" ? " unchanged" : mark === "~" ? " (regenerated from guard.allowOpenclawCommands)" : ""}`];
    const kept = before === undefined ? [] : [`= kept (other clients may use it): \`openclaw-guard shim uninstall --dir ${shellQuote(dir)}\` removes it`];
    return { path: file, before, after, summary, newFileMode: 0o755, removal: { after: before ?? after, deleteFile: false, summary: kept } };
  });
}
