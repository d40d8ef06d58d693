// Claude Code style hook lists: `{ "<Event>": [ { matcher, hooks: [ {type:"command", command, ...} ] } ] }`.
// Claude Code, Codex (hooks.json) and Gemini CLI (settings.json) share this shape; VS Code reads
// Claude Code's file. Our handlers are recognised by their command, never by position.
import { arrayAt, InitError, replaceOurs, type JsonObject } from "../init-plan.js";

export interface HookGroup {
  readonly matcher: string;
  readonly hooks: readonly JsonObject[];
}

/** A handler that runs `openclaw-guard ... hook claude-code|codex|gemini` (from a checkout, npx or a global install; cli.js or the bundled hook-main.cjs). */
export function isOurHookHandler(handler: unknown): boolean {
  const command = (handler as { command?: unknown } | null)?.command;
  return typeof command === "string" && /\bhook (?:claude-code|codex|gemini)\b/.test(command) && /openclaw-guard|cli\.js|hook-main\.cjs/.test(command);
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
