// What each agent client calls this server's tools when it shows them to its model (observed with
// Claude Code 2.1.330, Codex 0.171.0 and Gemini CLI 0.61.0, server registered as "openclaw-guard"
// by `init`). Deny messages and tool descriptions use the client's spelling, so the model can act on
// them. Pure and dependency-free: the hook loads it before every shell command.

export const AGENT_CLIENTS = ["claude-code", "codex", "gemini", "cursor"] as const;
export type AgentClient = (typeof AGENT_CLIENTS)[number];

export type GuardTool = "send_message" | "list_contacts";

export function isAgentClient(name: string | undefined): name is AgentClient {
  return (AGENT_CLIENTS as readonly string[]).includes(name ?? "");
}

/** How the model sees one of our tools: Claude Code `mcp__openclaw-guard__send_message`, Gemini `mcp_openclaw-guard_send_message`. */
export function toolSpelling(client: AgentClient | undefined, tool: GuardTool): string {
  switch (client) {
    case "claude-code":
      return `\`mcp__openclaw-guard__${tool}\``;
    case "gemini":
      return `\`mcp_openclaw-guard_${tool}\``;
    case "codex":
      // Codex offers MCP tools in a namespace: {"namespace":"mcp__openclaw_guard","name":"send_message"}.
      return `\`${tool}\` (namespace mcp__openclaw_guard)`;
    default:
      return `\`${tool}\` (openclaw-guard MCP server)`;
  }
}

/** What the model should do instead of a raw send; every hook deny ends with it. */
export function sendMessageAdvice(client: AgentClient | undefined): string {
  return `Use the ${toolSpelling(client, "send_message")} tool with a contact alias; ${toolSpelling(client, "list_contacts")} shows them.`;
}

/** The client behind an MCP `initialize` clientInfo.name (claude-code, codex-mcp-client, gemini-cli-mcp-client, ...). */
export function clientFromMcpName(name: string | undefined): AgentClient | undefined {
  if (name === undefined) return undefined;
  if (/^claude[-_ ]code/i.test(name)) return "claude-code";
  if (/^codex/i.test(name)) return "codex";
  if (/^gemini/i.test(name)) return "gemini";
  if (/^cursor/i.test(name)) return "cursor";
  return undefined;
}
