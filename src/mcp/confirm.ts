// Human confirmation through MCP elicitation. Only an explicit "yes" in an accepted form sends;
// decline, cancel, a timeout, an error or a client without elicitation all refuse.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { escapeInvisible } from "../audit/redact.js";
import type { ConfirmationAnswer, ConfirmationRequest } from "../send/pipeline.js";

export const CONFIRM_TIMEOUT_MS = 5 * 60_000;

export function confirmationText(request: ConfirmationRequest): string {
  const who = `${request.alias}${request.description ? ` (${request.description})` : ""} on ${request.channel}`;
  return `${request.why}\n\nSend this message to ${who}?\n\n----- message (invisible characters shown as \\u{...}) -----\n${escapeInvisible(request.text, ["\n", "\t"])}\n----- end of message -----`;
}

export function elicitationConfirm(server: Server, timeoutMs = CONFIRM_TIMEOUT_MS) {
  return async (request: ConfirmationRequest): Promise<ConfirmationAnswer> => {
    if (!server.getClientCapabilities()?.elicitation?.form) return { answer: "unavailable", detail: "this MCP client does not support elicitation" };
    try {
      const result = await server.elicitInput(
        {
          mode: "form",
          message: confirmationText(request),
          requestedSchema: {
            type: "object",
            properties: { send: { type: "boolean", title: "Yes, send this exact message", default: false } },
            required: ["send"],
          },
        },
        { timeout: timeoutMs },
      );
      if (result.action === "accept") return result.content?.send === true ? { answer: "accept" } : { answer: "decline", detail: "accepted without saying yes" };
      return { answer: result.action };
    } catch (error) {
      return { answer: "cancel", detail: error instanceof Error ? error.message : String(error) };
    }
  };
}
