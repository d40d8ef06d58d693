// Baseline for the cold-start figure and the HTTP-vs-stdio floor: the smallest MCP SDK server with one
// tool, over stdio, or with `--http` over the SDK's Streamable HTTP transport on a free loopback port
// (one session per initialize, as `serve --http` keeps them; prints {"url":...} on stderr).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

function minimal() {
  const server = new McpServer({ name: "minimal", version: "1.0.0" });
  server.registerTool("echo", { description: "echo", inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: "text", text }] }));
  return server;
}

if (process.argv[2] === "--http") {
  const sessions = new Map();
  const http = createServer(async (req, res) => {
    const id = req.headers["mcp-session-id"];
    if (typeof id === "string" && sessions.has(id)) return sessions.get(id).handleRequest(req, res);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (sid) => sessions.set(sid, transport) });
    await minimal().connect(transport);
    await transport.handleRequest(req, res);
  });
  http.listen(0, "127.0.0.1", () => process.stderr.write(`${JSON.stringify({ url: `http://127.0.0.1:${http.address().port}/mcp` })}\n`));
} else {
  await minimal().connect(new StdioServerTransport());
}
