// A scripted stand-in for the OpenAI Responses API (streamed), so the real Codex CLI (its
// sandbox, rules, hooks, MCP client and shell tool) runs without a model. Each answer is one
// scripted function call, then a final text. The step is the number of function calls already
// in the request's input, so retries and side requests never consume script steps.
import type { ServerResponse } from "node:http";
import { openSse, pathOf, sendJson, startJsonServer, type FakeServer } from "./fake-http.ts";

/** `namespace` names an MCP server's tools (`mcp__<server>`); shell commands are `exec_command {cmd}`. */
export interface CodexCall {
  name: string;
  namespace?: string;
  arguments: Record<string, unknown>;
}

export interface CodexToolOutput {
  call_id: string;
  /** The scripted call that produced this output. */
  call: string;
  /** All text the model was shown for it. */
  text: string;
}

interface InputItem {
  type?: string;
  call_id?: string;
  name?: string;
  namespace?: string;
  output?: unknown;
  [key: string]: unknown;
}
interface ResponsesBody {
  model?: string;
  input?: InputItem[];
  tools?: ToolSpec[];
}

export interface FakeCodexModel extends FakeServer {
  requests: ResponsesBody[];
  /** Tool outputs of the latest request (it carries the whole conversation), in order. */
  toolOutputs(): CodexToolOutput[];
  /** The tools Codex offered the model; namespaced ones (MCP servers) as `namespace.name`. */
  offeredTools(): { name: string; description: string }[];
}

interface ToolSpec {
  type?: string;
  name?: string;
  description?: string;
  tools?: ToolSpec[];
}

export const FINAL_TEXT = "Done.";

export async function startFakeCodexModel(script: readonly CodexCall[]): Promise<FakeCodexModel> {
  const requests: ResponsesBody[] = [];
  const server = await startJsonServer((req, res, body) => {
    if (req.method !== "POST" || !pathOf(req).endsWith("/responses")) {
      sendJson(res, { error: { message: `not found: ${pathOf(req)}` } }, 404);
      return;
    }
    const request = body as ResponsesBody;
    requests.push(request);
    const step = (request.input ?? []).filter((item) => item.type === "function_call").length;
    answer(res, request.model ?? "fake", step, script[step]);
  });
  return { ...server, requests, toolOutputs: () => toolOutputs(requests.at(-1)), offeredTools: () => offeredTools(requests.at(-1)) };
}

function answer(res: ServerResponse, model: string, step: number, call: CodexCall | undefined): void {
  const id = `resp_fake_${step}`;
  const item = call
    ? { type: "function_call", id: `fc_fake_${step}`, call_id: `call_fake_${step}`, name: call.name, ...(call.namespace ? { namespace: call.namespace } : {}), arguments: JSON.stringify(call.arguments) }
    : { type: "message", id: `msg_fake_${step}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: FINAL_TEXT, annotations: [] }] };
  const sse = openSse(res);
  sse.event({ type: "response.created", response: { id, object: "response", model, status: "in_progress", output: [] } }, "response.created");
  sse.event({ type: "response.output_item.done", output_index: 0, item }, "response.output_item.done");
  sse.event(
    { type: "response.completed", response: { id, object: "response", model, status: "completed", output: [item], usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 20 } } },
    "response.completed",
  );
  sse.end();
}

function toolOutputs(request: ResponsesBody | undefined): CodexToolOutput[] {
  const items = request?.input ?? [];
  const calls = new Map(items.filter((item) => item.type === "function_call").map((item) => [item.call_id, item.name ?? "?"]));
  return items
    .filter((item) => item.type?.endsWith("_output") && item.call_id !== undefined)
    .map((item) => ({ call_id: String(item.call_id), call: calls.get(item.call_id) ?? "?", text: textOf(item.output) }));
}

function offeredTools(request: ResponsesBody | undefined): { name: string; description: string }[] {
  return (request?.tools ?? []).flatMap((tool) =>
    tool.type === "namespace"
      ? (tool.tools ?? []).map((inner) => ({ name: `${tool.name}.${inner.name}`, description: inner.description ?? "" }))
      : [{ name: tool.name ?? tool.type ?? "?", description: tool.description ?? "" }],
  );
}

/** Output is a string, or content items with `text`. */
function textOf(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return output.map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : "")).join("\n");
  return JSON.stringify(output ?? "");
}
