// What `serve` loads before its first request (the cold-start figure in bench/quick.mjs): not the
// HTTP stack on stdio, not the shell parser, not the phone-number metadata for a book without phone
// numbers, not secretlint; the phone metadata and secretlint come with the first send that needs them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { CLI, privateDir, REPO_ROOT, writeConfig } from "../helpers.js";

const HOOK = join(REPO_ROOT, "test", "support", "module-log.mjs");
const LATER = ["hono", "@hono/node-server", "streamableHttp", "web-tree-sitter", "libphonenumber-js", "@secretlint", "execa", "@openclaw/gateway-client", "proper-lockfile"];

describe("serve start-up", () => {
  it("loads neither the HTTP stack, tree-sitter, phone metadata, secretlint nor the lock before tools/list", async () => {
    const home = privateDir();
    const log = join(home, "modules.txt");
    const config = writeConfig(home, `{ openclaw: { transport: "dry-run" }, contacts: { ops: { channel: "telegram", target: "-1001234567890" } }, audit: { file: "${join(home, "audit.jsonl")}" } }`);
    const client = new Client({ name: "start-test", version: "1" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: ["--import", HOOK, CLI, "serve", "--config", config], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, MODULE_LOG: log }, stderr: "pipe" }));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("send_message");
      const before = readFileSync(log, "utf8");
      expect(before).toContain("/dist/mcp/server.js"); // the log works
      expect(LATER.filter((name) => before.includes(`/${name}`))).toEqual([]);
      // A message with digits that may be a phone number: both scans load on first use, and work.
      const sent = await client.callTool({ name: "send_message", arguments: { to: "ops", message: "call me on +1 415 555 0123" } });
      expect(sent.structuredContent).toMatchObject({ status: "refused" });
      const after = readFileSync(log, "utf8");
      expect(["libphonenumber-js", "@secretlint"].filter((name) => !after.includes(`/${name}`))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
