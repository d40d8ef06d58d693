// The guard's hook entries in Claude Code's settings format (also what VS Code reads), in one of
// three forms: a command run per tool call (every client), or a question to a server that is
// already running (Claude Code >= 2.1.330): `http` to `serve --http`, `mcp_tool` to the stdio server.
import { CHECK_TOOL, CHECK_TOOL_INPUT, HOOK_HOME_HEADER, HOOK_PATH } from "../../guard/hook-forms.js";
import { mergeHookGroups, type HookGroup } from "./hook-groups.js";
import { hookCommand, InitError, SERVER_NAME, type ClaudeHookForm, type InitContext, type JsonObject } from "../init-plan.js";

export { hookCommand };

/** Short: the hook answers in well under a second; a hang must not stall the agent for the default 600 s. */
export const HOOK_TIMEOUT_SECONDS = 10;

/** The first Claude Code checked to run `http` and `mcp_tool` hooks (and block on their failure). */
export const MIN_SERVED_HOOK_VERSION = "2.1.330";

/** Where `serve --http` answers the hook: its MCP URL with /mcp replaced by /hook/claude-code. */
export function hookUrl(mcpUrl: string): string {
  const url = new URL(mcpUrl);
  url.pathname = url.pathname.replace(/\/mcp\/?$/, "") + HOOK_PATH;
  return url.href;
}

/** The handler for the form init chose. Every form fails closed: onFailure "block". */
export function claudeHookHandler(context: InitContext, form: ClaudeHookForm = context.claudeHook ?? "command"): JsonObject {
  const common = { timeout: HOOK_TIMEOUT_SECONDS, onFailure: "block" };
  switch (form) {
    case "http":
      if (!context.remote) throw new InitError("--hook http asks the guard's HTTP service: give --remote URL (and the token in $OPENCLAW_GUARD_TOKEN).");
      return { type: "http", url: hookUrl(context.remote.url), headers: { Authorization: `Bearer ${context.remote.token}`, [HOOK_HOME_HEADER]: context.home }, ...common };
    case "mcp-tool":
      if (context.remote) throw new InitError("--hook mcp-tool asks the local stdio server, which --remote replaces; use --hook http with --remote.");
      return { type: "mcp_tool", server: SERVER_NAME, tool: CHECK_TOOL, input: { ...CHECK_TOOL_INPUT }, ...common };
    case "command":
      return { type: "command", command: hookCommand(context, "claude-code"), ...common };
  }
}

export function claudeHookGroups(handler: JsonObject): HookGroup[] {
  return [
    { matcher: "Bash", hooks: [handler] },
    { matcher: "Write|Edit|MultiEdit|NotebookEdit", hooks: [handler] },
  ];
}

export function mergeHookGroupsFor(file: string, settings: JsonObject, handler: JsonObject): string[] {
  return mergeHookGroups(file, settings, ["hooks", "PreToolUse"], claudeHookGroups(handler));
}
