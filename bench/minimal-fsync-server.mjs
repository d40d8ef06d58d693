// Baseline for audited send_message throughput: the smallest MCP SDK server whose one tool appends
// and fsyncs one line per call (the floor any audited server pays), started the same way as ours.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const file = process.argv[2];
const server = new McpServer({ name: "minimal-fsync", version: "1.0.0" });
server.registerTool("send_message", { description: "append one fsynced line", inputSchema: { to: z.string(), message: z.string() } }, async ({ to, message }) => {
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ event: "attempt", to, length: message.length, time: new Date().toISOString() })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { content: [{ type: "text", text: "sent" }] };
});
await server.connect(new StdioServerTransport());
