// The guard's hook entries in Claude Code's settings format (also what VS Code reads).
import { mergeHookGroups, type HookGroup } from "./hook-groups.js";
import { hookCommand, type JsonObject } from "../init-plan.js";

export { hookCommand };

/** Short: the hook answers in well under a second; a hang must not stall the agent for the default 600 s. */
export const HOOK_TIMEOUT_SECONDS = 10;

export function claudeHookGroups(command: string): HookGroup[] {
  const handler = { type: "command", command, timeout: HOOK_TIMEOUT_SECONDS, onFailure: "block" };
  return [
    { matcher: "Bash", hooks: [handler] },
    { matcher: "Write|Edit|MultiEdit|NotebookEdit", hooks: [handler] },
  ];
}

export function mergeHookGroupsFor(file: string, settings: JsonObject, command: string): string[] {
  return mergeHookGroups(file, settings, ["hooks", "PreToolUse"], claudeHookGroups(command));
}
