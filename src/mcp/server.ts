// The MCP server: two tools, arguments validated inside the handlers (not only by JSON Schema) so
// that every malformed or hostile call still goes through the pipeline and is audited.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { ConfigState } from "../contacts/config-source.js";
import { bookFix, sendMessage, type SendDeps, type SendResult } from "../send/pipeline.js";
import { CHECK_TOOL, hookPayloadFromToolArgs } from "../guard/hook-forms.js";
import { VERSION } from "../version.js";
import { clientFromMcpName, toolSpelling, type AgentClient } from "./client-tool-names.js";
import { elicitationConfirm } from "./confirm.js";

export type ServerDeps = {
  send: SendDeps;
  confirmTimeoutMs?: number;
  /**
   * The hidden check_command tool (Claude Code's `type: "mcp_tool"` hook): the guard's decision for
   * one hook payload as hook JSON output. Never in tools/list, so the model is not offered it; a
   * caller that finds it anyway learns only whether a command would pass, as by trying it.
   */
  answerHook?: (payload: string) => Promise<unknown>;
};

const STATUSES = ["sent", "queued", "refused", "failed", "unknown"];

export type GuardServer = Server & {
  /** Resolves when every tool call in progress has finished (their results and audit records written). */
  drain(): Promise<void>;
};

export function createServer(deps: ServerDeps): GuardServer {
  const server = new Server({ name: "openclaw-guard", version: VERSION }, { capabilities: { tools: { listChanged: true } } });
  const inFlight = new Set<Promise<unknown>>();

  const send: SendDeps = { ...deps.send, confirm: elicitationConfirm(server, deps.confirmTimeoutMs) };

  // Descriptions name the tools the way the connected client shows them to its model (clientInfo.name).
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolDefinitions(deps.send.config.current(), clientFromMcpName(server.getClientVersion()?.name)) }));

  server.setRequestHandler(CallToolRequestSchema, (request): Promise<CallToolResult> => {
    const call = callTool(request.params.name, (request.params.arguments ?? {}) as Record<string, unknown>);
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call));
    return call;
  });

  async function callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    switch (name) {
      case "send_message":
        return sendResultToTool(await sendMessage(send, { to: args.to, message: args.message, origin: "mcp" }));
      case "list_contacts":
        return listContacts(deps.send.config.current(), deps.send.config.path);
      case CHECK_TOOL:
        // Claude Code reads the text as the hook's JSON output.
        if (deps.answerHook) return { content: [{ type: "text", text: JSON.stringify(await deps.answerHook(hookPayloadFromToolArgs(args))) }] };
        return unknownTool(name);
      default:
        return unknownTool(name);
    }
  }

  return Object.assign(server, {
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  });
}

function unknownTool(name: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: `Unknown tool "${name}". This server has send_message and list_contacts.` }] };
}

function toolDefinitions(state: ConfigState, client: AgentClient | undefined): Tool[] {
  const book = state.ok
    ? state.config.contacts.size > 0
      ? `Valid aliases: ${[...state.config.contacts.values()].map((c) => `${c.alias} (${c.channel}${c.description ? `: ${c.description}` : ""})`).join("; ")}.`
      : "The address book is empty, so every send is refused until a human adds contacts."
    : "The address book is currently invalid, so every send is refused until a human fixes it.";
  return [
    {
      name: "send_message",
      title: "Send a chat message to a vetted contact (OpenClaw)",
      description:
        `Send a chat message through the OpenClaw gateway (via openclaw-guard) to ONE contact from the human's vetted address book, named by its alias. ${book} ` +
        "Phone numbers, usernames, chat ids, JIDs and other raw addresses are always refused; there is no fuzzy matching. " +
        `The message is delivered verbatim. This is openclaw-guard's tool, not a built-in messaging tool of your client; ${toolSpelling(client, "list_contacts")} lists the aliases. Statuses: sent, queued (the gateway will retry; do not resend), refused (nothing sent; read the reason), failed, unknown (do not resend blindly).`,
      inputSchema: {
        type: "object",
        properties: {
          to: { type: "string", description: `The contact's alias, exactly as ${toolSpelling(client, "list_contacts")} shows it (e.g. "alice").` },
          message: { type: "string", description: "The text to send, verbatim." },
        },
        required: ["to", "message"],
        additionalProperties: false,
      },
      outputSchema: {
        type: "object",
        properties: {
          status: { type: "string", enum: STATUSES },
          to: { type: "string" },
          channel: { type: "string" },
          messageId: { type: "string" },
          reason: { type: "string" },
          dryRun: { type: "boolean" },
        },
        required: ["status", "to"],
      },
      annotations: { title: "Send chat message (vetted contacts only)", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    {
      name: "list_contacts",
      title: "List vetted contacts",
      description: `List the aliases ${toolSpelling(client, "send_message")} accepts, with each contact's channel and description. Numbers and addresses are never shown.`,
      inputSchema: { type: "object", properties: {}, additionalProperties: false },
      outputSchema: {
        type: "object",
        properties: {
          contacts: {
            type: "array",
            items: {
              type: "object",
              properties: { alias: { type: "string" }, channel: { type: "string" }, description: { type: "string" } },
              required: ["alias", "channel", "description"],
            },
          },
        },
        required: ["contacts"],
      },
      annotations: { title: "List vetted contacts", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
  ];
}

function sendResultToTool(result: SendResult): CallToolResult {
  const structuredContent = { ...result };
  if (result.status === "refused" || result.status === "failed") {
    const head = result.status === "refused" ? "Refused, nothing was sent" : "Failed, nothing was delivered";
    return { isError: true, structuredContent, content: [{ type: "text", text: `${head}: ${result.reason ?? "no reason given"}` }] };
  }
  return { structuredContent, content: [{ type: "text", text: JSON.stringify(structuredContent) }] };
}

function listContacts(state: ConfigState, path: string): CallToolResult {
  if (!state.ok) {
    return { isError: true, content: [{ type: "text", text: `The address book is invalid, so no contact can be used until a human fixes it: ${state.error}\n${bookFix(path)}` }] };
  }
  const contacts = [...state.config.contacts.values()].map(({ alias, channel, description }) => ({ alias, channel, description }));
  const structuredContent = { contacts };
  return { structuredContent, content: [{ type: "text", text: JSON.stringify(structuredContent) }] };
}
