// A scripted stand-in for the Gemini API (`generateContent`, `streamGenerateContent?alt=sse`), so
// the real Gemini CLI (policies, hooks, MCP client, shell tool) runs without a model. The main
// conversation is the request that offers tools; each of its answers is one scripted function
// call, then a final text. The step is the number of function calls already in the request.
// Side requests (the model router, next-speaker checks) get one JSON text that satisfies them.
import type { ServerResponse } from "node:http";
import { openSse, pathOf, sendJson, startJsonServer, type FakeServer } from "./fake-http.ts";

export interface GeminiCall {
  name: string;
  args: Record<string, unknown>;
}

export interface GeminiToolResponse {
  /** The function the response belongs to, as the client named it. */
  name: string;
  /** The response object, as JSON text. */
  text: string;
}

interface Part {
  text?: string;
  functionCall?: { name?: string; args?: unknown };
  functionResponse?: { name?: string; response?: unknown };
}
interface GenerateBody {
  contents?: { role?: string; parts?: Part[] }[];
  tools?: { functionDeclarations?: { name?: string; description?: string }[] }[];
}

export interface FakeGeminiModel extends FakeServer {
  requests: { path: string; body: GenerateBody }[];
  /** Function responses of the latest main request (it carries the whole conversation), in order. */
  toolResponses(): GeminiToolResponse[];
  /** The function names and descriptions the client offered the model. */
  offeredTools(): { name: string; description: string }[];
}

export const FINAL_TEXT = "Done.";
/** One answer for every side request: the router wants complexity_*, the next-speaker check next_speaker. */
const SIDE_ANSWER = JSON.stringify({ complexity_reasoning: "a scripted test", complexity_score: 1, next_speaker: "user", reasoning: "done" });

export async function startFakeGeminiModel(script: readonly GeminiCall[]): Promise<FakeGeminiModel> {
  const requests: { path: string; body: GenerateBody }[] = [];
  const isMain = (body: GenerateBody) => (body.tools ?? []).some((tool) => (tool.functionDeclarations ?? []).length > 0);
  const server = await startJsonServer((req, res, raw) => {
    const path = pathOf(req);
    const body = raw as GenerateBody;
    if (req.method !== "POST" || !/:(stream)?[gG]enerateContent$/.test(path)) {
      sendJson(res, { error: { code: 404, message: `not found: ${path}`, status: "NOT_FOUND" } }, 404);
      return;
    }
    requests.push({ path, body });
    const step = functionCalls(body).length;
    const call = isMain(body) ? script[step] : undefined;
    const part: Part = call ? { functionCall: { name: call.name, args: call.args } } : { text: isMain(body) ? FINAL_TEXT : SIDE_ANSWER };
    answer(res, path.endsWith(":streamGenerateContent"), part);
  });
  const lastMain = () => requests.filter((r) => isMain(r.body)).at(-1)?.body;
  return {
    ...server,
    requests,
    toolResponses: () => parts(lastMain()).flatMap((part) => (part.functionResponse ? [{ name: String(part.functionResponse.name), text: JSON.stringify(part.functionResponse.response) }] : [])),
    offeredTools: () =>
      (lastMain()?.tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map((d) => ({ name: String(d.name), description: String(d.description ?? "") }))),
  };
}

function parts(body: GenerateBody | undefined): Part[] {
  return (body?.contents ?? []).flatMap((content) => content.parts ?? []);
}

function functionCalls(body: GenerateBody): Part[] {
  return parts(body).filter((part) => part.functionCall !== undefined);
}

function answer(res: ServerResponse, stream: boolean, part: Part): void {
  const chunk = {
    candidates: [{ content: { role: "model", parts: [part] }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 },
    modelVersion: "gemini-fake",
  };
  if (!stream) {
    sendJson(res, chunk);
    return;
  }
  const sse = openSse(res);
  sse.event(chunk);
  sse.end();
}
