import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { createServer } from "../../src/mcp/server.js";
import { BOOK, memoryDeps } from "../helpers.js";

const CONFIRM_ALWAYS = BOOK.replace('description: "Alice, co-founder" }', 'description: "Alice, co-founder", confirm: "always" }');

async function connect(answer: ((message: string) => ElicitResult | Promise<ElicitResult>) | undefined, text = CONFIRM_ALWAYS, confirmTimeoutMs?: number) {
  const memory = memoryDeps(text);
  const server = createServer({ send: memory.deps, confirmTimeoutMs });
  const client = new Client({ name: "elicit-test", version: "1" }, { capabilities: answer ? { elicitation: { form: {} } } : {} });
  const asked: string[] = [];
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return answer(request.params.message);
    });
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  const send = (message: string, to = "alice") => client.callTool({ name: "send_message", arguments: { to, message } }).then((r) => r.structuredContent as { status: string; reason?: string });
  return { ...memory, asked, send };
}

describe("confirmation by elicitation", () => {
  it("sends only after an explicit yes, showing alias, description, channel and the full text with invisible characters escaped", async () => {
    const { send, asked, transport } = await connect(() => ({ action: "accept", content: { send: true } }));
    const text = "Pay invoice 42\u202eexe.pdf\u200b today\nthanks";
    expect(await send(text)).toMatchObject({ status: "sent" });
    expect(asked[0]).toContain("alice (Alice, co-founder) on whatsapp");
    expect(asked[0]).toContain("Pay invoice 42\\u{202e}exe.pdf\\u{200b} today\nthanks");
    expect(transport.requests.map((r) => r.text)).toEqual([text]);
  });

  it.each([
    ["decline", { action: "decline" } as ElicitResult, /The human declined/],
    ["cancel", { action: "cancel" } as ElicitResult, /cancelled/],
    ["accept without yes", { action: "accept", content: { send: false } } as ElicitResult, /declined/],
  ])("%s refuses with a way forward, and gives the quota back", async (_name, result, reason) => {
    // One message per contact and overall: a refusal that kept its reservation would block the retry.
    const oneMessage = CONFIRM_ALWAYS.replace("openclaw:", "policy: { rateLimit: { perContact: { count: 1, windowSeconds: 3600 }, global: { count: 1, windowSeconds: 3600 } } }, openclaw:");
    let answers = 0;
    const { send, transport, audit } = await connect(() => (answers++ === 0 ? result : { action: "accept", content: { send: true } }), oneMessage);
    const answer = await send("hello");
    expect(answer).toMatchObject({ status: "refused", reason: expect.stringMatching(reason) });
    expect(answer.reason).toMatch(/the human can send it themselves or change the policy/);
    expect(transport.requests).toEqual([]);
    expect(audit.records.map((r) => [r.event, r.status ?? r.decision])).toEqual([["attempt", "allow"], ["outcome", "refused"]]);
    // The same text again, once the human says yes: neither the limit nor the duplicate window counts the refusal.
    expect(await send("hello")).toMatchObject({ status: "sent" });
    expect(transport.requests.map((r) => r.text)).toEqual(["hello"]);
    // And the quota really is 1: a third message is refused by the limit.
    expect(await send("another")).toMatchObject({ status: "refused", reason: expect.stringMatching(/limit of 1 message/) });
  });

  it("refuses when the client cannot elicit", async () => {
    const { send, transport } = await connect(undefined);
    expect(await send("hello")).toMatchObject({ status: "refused", reason: expect.stringMatching(/No human could be asked \(this MCP client does not support elicitation\)/) });
    expect(transport.requests).toEqual([]);
  });

  it("refuses when nobody answers in time", async () => {
    const { send, transport } = await connect(() => new Promise(() => {}), CONFIRM_ALWAYS, 200);
    expect(await send("hello")).toMatchObject({ status: "refused", reason: expect.stringMatching(/cancelled \(.*timed out/i) });
    expect(transport.requests).toEqual([]);
  });

  it("asks for a phone number in the text even when the contact needs no confirmation", async () => {
    const { send, asked } = await connect(() => ({ action: "decline" }), BOOK);
    expect(await send("call +27 82 123 4567", "ops")).toMatchObject({ status: "refused", reason: expect.stringMatching(/a phone number at characters 6-20.*declined/) });
    expect(asked).toHaveLength(1);
  });

  it("confirm: first asks only until the first delivery", async () => {
    const { send, asked } = await connect(() => ({ action: "accept", content: { send: true } }), BOOK.replace("openclaw:", 'policy: { confirm: "first" }, openclaw:'));
    expect(await send("one")).toMatchObject({ status: "sent" });
    expect(await send("two")).toMatchObject({ status: "sent" });
    expect(asked).toHaveLength(1);
  });
});
