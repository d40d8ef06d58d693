import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { createDryRunTransport } from "../../src/gateway/dry-run-transport.js";
import { createServer } from "../../src/mcp/server.js";
import { BOOK, memoryDeps, recordingTransport, type Recorder } from "../helpers.js";

async function connect(text = BOOK, transport: Recorder = recordingTransport(), answerHook?: (payload: string) => Promise<unknown>) {
  const memory = memoryDeps(text, transport);
  const server = createServer({ send: memory.deps, ...(answerHook ? { answerHook } : {}) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "1.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return { client, ...memory };
}

const call = (client: Client, name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }, CallToolResultSchema);

describe("MCP server (in-process client)", () => {
  it("lists both tools with annotations and the valid aliases, never a target", async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["send_message", "list_contacts"]);
    const send = tools[0]!;
    expect(send.annotations).toMatchObject({ destructiveHint: true, openWorldHint: true, readOnlyHint: false });
    expect(tools[1]!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(send.description).toContain("alice (whatsapp: Alice, co-founder)");
    expect(send.inputSchema).toMatchObject({ required: ["to", "message"], properties: { to: { type: "string" }, message: { type: "string" } } });
    expect(JSON.stringify(tools)).not.toMatch(/27821234567|1001234567890/);
  });

  it("check_command (the mcp_tool hook's tool) is never listed; it answers with the hook JSON, or is unknown without a hook", async () => {
    const payloads: string[] = [];
    const { client, audit, transport } = await connect(BOOK, recordingTransport(), async (payload) => {
      payloads.push(payload);
      return { hookSpecificOutput: { permissionDecision: "deny" } };
    });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["send_message", "list_contacts"]);
    const answer = await call(client, "check_command", { hook_event_name: "PreToolUse", tool_name: "Bash", cwd: "/w", tool_input: JSON.stringify({ command: "ls" }) });
    expect(answer.isError).toBeFalsy();
    expect(JSON.parse((answer.content as { text: string }[])[0]!.text)).toEqual({ hookSpecificOutput: { permissionDecision: "deny" } });
    expect(payloads.map((p) => JSON.parse(p))).toEqual([{ hook_event_name: "PreToolUse", tool_name: "Bash", cwd: "/w", tool_input: { command: "ls" } }]);
    expect([audit.records, transport.requests]).toEqual([[], []]);

    const plain = await connect();
    const unknown = await call(plain.client, "check_command", { tool_input: "{}" });
    expect(unknown.isError).toBe(true);
    expect((unknown.content as { text: string }[])[0]!.text).toMatch(/^Unknown tool "check_command"/);
  });

  it("send_message delivers to an alias and returns structured content", async () => {
    const { client, transport } = await connect();
    const result = await call(client, "send_message", { to: "alice", message: "-- leading dashes $(rm -rf ~)" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ status: "sent", to: "alice", channel: "whatsapp", messageId: "m1" });
    expect(transport.requests[0]!.text).toBe("-- leading dashes $(rm -rf ~)");
  });

  it("refuses a raw number with isError and a text that says what to do, and audits it", async () => {
    const { client, transport, audit } = await connect();
    const result = await call(client, "send_message", { to: "+27 82 123 4567", message: "business details" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ status: "refused" });
    expect((result.content as { text: string }[])[0]!.text).toMatch(/^Refused, nothing was sent: .*Use exactly one of these aliases: alice, ops \(see list_contacts\)/);
    expect(transport.requests).toEqual([]);
    expect(audit.records).toHaveLength(1);
    expect(JSON.stringify([result, audit.records])).not.toMatch(/27821234567|82 123 4567/);
  });

  it("audits calls whose arguments the JSON schema would reject (list, missing, wrong type)", async () => {
    const { client, transport, audit } = await connect();
    for (const args of [{ to: ["alice", "ops"], message: "x" }, { message: "x" }, { to: 5, message: "x" }, { to: "alice" }]) {
      const result = await call(client, "send_message", args);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toMatchObject({ status: "refused" });
    }
    expect(transport.requests).toEqual([]);
    expect(audit.records.map((r) => r.code)).toEqual(["list", "not-a-string", "not-a-string", "invalid-message"]);
  });

  it("list_contacts shows alias, channel and description only", async () => {
    const { client } = await connect();
    const result = await call(client, "list_contacts", {});
    expect(result.structuredContent).toEqual({
      contacts: [
        { alias: "alice", channel: "whatsapp", description: "Alice, co-founder" },
        { alias: "ops", channel: "telegram", description: "Ops group" },
      ],
    });
  });

  it("reports failed deliveries as isError and unknown ones with a do-not-resend reason", async () => {
    let answer: "failed" | "unknown" = "failed";
    const { client } = await connect(BOOK, recordingTransport(() => ({ status: answer, reason: answer === "failed" ? "bot was blocked" : "timed out; do not resend" })));
    const failed = await call(client, "send_message", { to: "ops", message: "x" });
    expect(failed.isError).toBe(true);
    expect((failed.content as { text: string }[])[0]!.text).toMatch(/Failed.*bot was blocked/);
    answer = "unknown";
    const unknown = await call(client, "send_message", { to: "ops", message: "x" });
    expect(unknown.structuredContent).toMatchObject({ status: "unknown", reason: "timed out; do not resend" });
  });

  it("an edited address book takes effect at once, and an invalid one refuses every send", async () => {
    const { client, setConfig, transport } = await connect();
    setConfig(BOOK.replace("ops:", "ops2:"));
    expect((await client.listTools()).tools[0]!.description).toContain("ops2 (telegram");
    expect((await call(client, "send_message", { to: "ops", message: "x" })).structuredContent).toMatchObject({ status: "refused" });
    setConfig("{ contacts: ");
    const listed = await client.listTools();
    expect(listed.tools[0]!.description).toContain("currently invalid");
    const result = await call(client, "send_message", { to: "alice", message: "x" });
    expect(result.structuredContent).toMatchObject({ status: "refused", reason: expect.stringMatching(/config is invalid/) });
    expect((await call(client, "list_contacts", {})).isError).toBe(true);
    expect(transport.requests).toEqual([]);
  });

  it("marks dry-run results", async () => {
    const { client } = await connect(BOOK, Object.assign(createDryRunTransport(), { requests: [] }));
    const result = await call(client, "send_message", { to: "alice", message: "x" });
    expect(result.structuredContent).toMatchObject({ status: "sent", dryRun: true });
  });
});

describe("tool descriptions in each client's spelling", () => {
  it.each([
    ["claude-code", "`mcp__openclaw-guard__list_contacts`", "`mcp__openclaw-guard__send_message`"],
    ["codex-mcp-client", "`list_contacts` (namespace mcp__openclaw_guard)", "`send_message` (namespace mcp__openclaw_guard)"],
    ["gemini-cli-mcp-client", "`mcp_openclaw-guard_list_contacts`", "`mcp_openclaw-guard_send_message`"],
    ["some-other-client", "`list_contacts` (openclaw-guard MCP server)", "`send_message` (openclaw-guard MCP server)"],
  ])("%s", async (clientName, listContacts, sendMessage) => {
    const memory = memoryDeps(BOOK, recordingTransport());
    const server = createServer({ send: memory.deps });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: clientName, version: "1.0.0" });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    const [send, list] = (await client.listTools()).tools;
    expect(send!.description).toContain(`${listContacts} lists the aliases`);
    expect((send!.inputSchema.properties as { to: { description: string } }).to.description).toContain(`exactly as ${listContacts} shows it`);
    expect(list!.description).toContain(`List the aliases ${sendMessage} accepts`);
  });
});
