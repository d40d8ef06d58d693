// Claude Code style hook lists: `{ "<Event>": [ { matcher, hooks: [ {type:"command", command, ...} ] } ] }`.
// Claude Code, Codex (hooks.json) and Gemini CLI (settings.json) share this shape; VS Code reads
// Claude Code's file. Our handlers are recognised by their command, never by position.
import { CHECK_TOOL, HOOK_PATH } from "../../guard/hook-forms.js";
import { arrayAt, InitError, replaceOurs, SERVER_NAME, type JsonObject } from "../init-plan.js";

export interface HookGroup {
  readonly matcher: string;
  readonly hooks: readonly JsonObject[];
}

/**
 * A handler that runs `openclaw-guard ... hook claude-code|codex|gemini` (from a checkout, npx or a
 * global install; cli.js or the bundled hook-main.cjs), or asks a running guard server: an `http`
 * handler POSTing to /hook/claude-code, an `mcp_tool` handler calling openclaw-guard's check_command.
 */
export function isOurHookHandler(handler: unknown): boolean {
  const { type, command, url, server, tool } = (handler ?? {}) as { type?: unknown; command?: unknown; url?: unknown; server?: unknown; tool?: unknown };
  if (type === "http") return typeof url === "string" && urlPath(url).endsWith(HOOK_PATH);
  if (type === "mcp_tool") return server === SERVER_NAME && tool === CHECK_TOOL;
  return typeof command === "string" && /\bhook (?:claude-code|codex|gemini)\b/.test(command) && /openclaw-guard|cli\.js|hook-main\.cjs/.test(command);
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

/**
 * Put `wanted` groups under `keys` (e.g. ["hooks", "PreToolUse"]): groups made only of our
 * handlers are replaced in place; our handlers inside someone else's group are removed from it;
 * every other group and handler stays as it was, in order.
 */
export function mergeHookGroups(file: string, root: JsonObject, keys: readonly string[], wanted: readonly HookGroup[], isOurs: (handler: unknown) => boolean = isOurHookHandler): string[] {
  const groups = arrayAt(file, root, keys);
  const label = keys.join(".");
  const summary: string[] = [];
  const handlersOf = (group: unknown): unknown[] | undefined => {
    const hooks = (group as { hooks?: unknown } | null)?.hooks;
    return Array.isArray(hooks) ? hooks : undefined;
  };
  for (const group of groups) {
    if (typeof group !== "object" || group === null || Array.isArray(group)) {
      throw new InitError(`${file}: an entry of "${label}" is not an object; refusing to rewrite it. Fix it, then re-run.`);
    }
    const handlers = handlersOf(group);
    if (handlers && handlers.some(isOurs) && !handlers.every(isOurs)) {
      (group as JsonObject).hooks = handlers.filter((h) => !isOurs(h));
      summary.push(`- ${label}[${String((group as JsonObject).matcher ?? "")}]: our handler moved out of a shared group`);
    }
  }
  const isOurGroup = (group: unknown) => {
    const handlers = handlersOf(group);
    return handlers !== undefined && handlers.length > 0 && handlers.every(isOurs);
  };
  summary.unshift(...replaceOurs(groups, isOurGroup, wanted, (g) => `${label}[${g.matcher}]`));
  return summary;
}
