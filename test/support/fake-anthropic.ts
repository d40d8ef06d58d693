// A scripted stand-in for the Anthropic Messages API, so the real Claude Code CLI
// (permission engine, hooks, MCP client, Bash tool) can run without a model.
//
// The main conversation is recognised by the `tools` it offers. Its step is derived from
// the request itself (number of assistant turns so far), so retries and side requests
// never consume script steps. Side requests (title generation, quota probes, ...) get a
// harmless text answer.
import type { ServerResponse } from "node:http";
import { openSse, pathOf, sendJson, startJsonServer } from "./fake-http.ts";

/** `delayMs`: the fake answers that step only after this long (a slow turn). */
export type ScriptStep = { tool: string; input: Record<string, unknown> } | { text: string; delayMs?: number };

export interface ToolResult {
  tool_use_id: string;
  /** The scripted tool name that produced this result. */
  tool: string;
  is_error: boolean;
  /** All text content of the result, joined. */
  text: string;
}

export interface RecordedRequest {
  path: string;
  body: MessagesBody;
  /** True when this request belongs to the main (tool-using) conversation. */
  main: boolean;
}

interface ContentBlock {
  type: string;
  [key: string]: unknown;
}
interface Message {
  role: "user" | "assistant";
  content: string | ContentBlock[];
}
interface MessagesBody {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  messages?: Message[];
}

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  /** Tool results the model was shown, in order, one per tool_use id; of the conversation whose first user message contains `conversation`, when given. */
  toolResults(conversation?: string): ToolResult[];
  close(): Promise<void>;
}

const FINAL_TEXT = "Done.";

/**
 * `script` runs in every main conversation; or, given a function, the script for a conversation is
 * chosen by the text of its first user message (so one gateway can run different turns).
 */
export async function startFakeAnthropic(script: ScriptStep[] | ((firstUserText: string) => ScriptStep[])): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];

  const server = await startJsonServer((req, res, raw) => {
    const path = pathOf(req);
    if (req.method !== "POST" || !path.startsWith("/v1/messages")) {
      sendJson(res, { type: "error", error: { type: "not_found_error", message: path } }, 404);
      return;
    }
    const body = raw as MessagesBody;
    if (path === "/v1/messages/count_tokens") {
      requests.push({ path, body, main: false });
      sendJson(res, { input_tokens: 10 });
      return;
    }
    const main = Array.isArray(body.tools) && body.tools.length > 0;
    requests.push({ path, body, main });
    const turn = assistantTurns(body);
    const steps = typeof script === "function" ? script(firstUserText(body)) : script;
    const step: ScriptStep = main ? (steps[turn] ?? { text: FINAL_TEXT }) : { text: "ok" };
    const content: ContentBlock[] =
      "tool" in step ? [{ type: "tool_use", id: `toolu_fake_${turn}`, name: step.tool, input: step.input }] : [{ type: "text", text: step.text }];
    const stopReason = "tool" in step ? "tool_use" : "end_turn";
    const model = body.model ?? "claude-fake";
    const answer = () => (body.stream ? sendStream(res, model, content, stopReason) : sendJson(res, message(model, content, stopReason)));
    if ("delayMs" in step && step.delayMs) setTimeout(answer, step.delayMs);
    else answer();
  });

  return { ...server, requests, toolResults: (conversation) => collectToolResults(conversation === undefined ? requests : requests.filter((r) => firstUserText(r.body).includes(conversation))) };
}

function firstUserText(body: MessagesBody): string {
  const first = (body.messages ?? []).find((m) => m.role === "user");
  if (!first) return "";
  return typeof first.content === "string" ? first.content : first.content.map((b) => (typeof b.text === "string" ? b.text : "")).join("\n");
}

function assistantTurns(body: MessagesBody): number {
  return (body.messages ?? []).filter((m) => m.role === "assistant").length;
}

/** Tool results from the latest main request (it carries the whole chain), mapped to tool names. */
function collectToolResults(requests: RecordedRequest[]): ToolResult[] {
  const last = requests.filter((r) => r.main).at(-1);
  if (!last) return [];
  const names = new Map<string, string>();
  const results: ToolResult[] = [];
  for (const msg of last.body.messages ?? []) {
    if (typeof msg.content === "string") continue;
    for (const block of msg.content) {
      if (block.type === "tool_use") names.set(String(block.id), String(block.name));
      if (block.type === "tool_result") {
        const id = String(block.tool_use_id);
        results.push({ tool_use_id: id, tool: names.get(id) ?? "?", is_error: block.is_error === true, text: resultText(block.content) });
      }
    }
  }
  return results;
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((c: { type?: string; text?: unknown }) => (c.type === "text" ? String(c.text) : ""))
    .filter(Boolean)
    .join("\n");
}

function message(model: string, content: ContentBlock[], stopReason: string) {
  return {
    id: `msg_fake_${Date.now()}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 10 },
  };
}

function sendStream(res: ServerResponse, model: string, content: ContentBlock[], stopReason: string): void {
  const sse = openSse(res);
  const event = (type: string, data: Record<string, unknown>) => sse.event({ type, ...data }, type);
  event("message_start", { message: { ...message(model, [], ""), stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } });
  content.forEach((block, index) => {
    if (block.type === "tool_use") {
      event("content_block_start", { index, content_block: { ...block, input: {} } });
      event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
    } else {
      event("content_block_start", { index, content_block: { type: "text", text: "" } });
      event("content_block_delta", { index, delta: { type: "text_delta", text: block.text } });
    }
    event("content_block_stop", { index });
  });
  event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 10 } });
  event("message_stop", {});
  sse.end();
}
