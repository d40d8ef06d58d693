// Where the running server answers Claude Code's hook, shared by the server (which answers) and
// init/doctor (which register and probe it). Dependency-free: init loads it.

/** `serve --http`: POST the PreToolUse payload here (Claude Code's `type: "http"` hook). */
export const HOOK_PATH = "/hook/claude-code";
/** The agent's home, as init writes it into the http hook's headers (protected places and `~` are judged against it). */
export const HOOK_HOME_HEADER = "X-OpenClaw-Guard-Home";
/** The stdio server's hidden tool that Claude Code's `type: "mcp_tool"` hook calls; not in tools/list. */
export const CHECK_TOOL = "check_command";
/**
 * The mcp_tool handler's `input`: Claude Code fills `${path}` from the hook payload (objects as
 * JSON text), so the tool gets back what the command hook reads on stdin.
 */
export const CHECK_TOOL_INPUT = { hook_event_name: "${hook_event_name}", tool_name: "${tool_name}", cwd: "${cwd}", tool_input: "${tool_input}" } as const;

/** The mcp_tool form's arguments (CHECK_TOOL_INPUT, filled in) back into the payload, or "" (which answerClaudeHook denies) when tool_input is missing or not the JSON object text Claude Code writes. */
export function hookPayloadFromToolArgs(args: Record<string, unknown>): string {
  let toolInput: unknown;
  try {
    toolInput = typeof args.tool_input === "string" ? JSON.parse(args.tool_input) : undefined;
  } catch {
    return "";
  }
  if (typeof toolInput !== "object" || toolInput === null) return "";
  return JSON.stringify({ hook_event_name: args.hook_event_name, tool_name: args.tool_name, cwd: args.cwd, tool_input: toolInput });
}

/** What Claude Code makes of CHECK_TOOL_INPUT for one payload (`${path}` filled, objects as JSON text): doctor's canary asks the tool this way. */
export function toolArgsFromHookPayload(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(CHECK_TOOL_INPUT).map(([key, template]) => {
      const value = payload[template.slice(2, -1)];
      return [key, value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)];
    }),
  );
}
