// One oversized or garbled call must not cost the connection (issue 13.6): the built server over real
// stdio, driven by the SDK's own client, with raw bytes written between calls.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { BOOK, CLI, privateDir, writeConfig } from "../helpers.js";

const MiB = 1024 * 1024;

async function connect() {
  const home = privateDir();
  const config = writeConfig(home, BOOK.replace("openclaw:", `audit: { file: "${join(home, "audit.jsonl")}" }, openclaw:`));
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home }, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (d) => (stderr += d));
  const client = new Client({ name: "oversized", version: "1" });
  await client.connect(transport);
  // The SDK client has no way to write raw bytes; its child process does.
  const child = (transport as unknown as { _process: ChildProcess })._process;
  const normalCall = async (text: string) => (await client.callTool({ name: "send_message", arguments: { to: "ops", message: text } })).structuredContent;
  const audit = () => readFileSync(join(home, "audit.jsonl"), "utf8");
  return { client, child, normalCall, audit, stderr: () => stderr };
}

describe("dist/cli.js serve with oversized and garbage lines", () => {
  it.each([9, 10.5, 50])("answers a %s MiB call with an error, then serves the next call", async (size) => {
    const { client, child, normalCall, audit, stderr } = await connect();
    try {
      const huge = "x".repeat(Math.round(size * MiB));
      const error = await client.callTool({ name: "send_message", arguments: { to: "ops", message: huge } }, undefined, { timeout: 60_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).code).toBe(-32600);
      expect((error as McpError).message).toMatch(new RegExp(`Request too large: ${size.toFixed(1)} MiB, and openclaw-guard reads at most 4.0 MiB per message.*nothing was sent`));
      expect(await normalCall("after the big one")).toMatchObject({ status: "sent", dryRun: true });
      expect(child.exitCode).toBeNull();
      expect(stderr()).toMatch(/"reason":"too large".*discarded an incoming line/);
      expect(stderr()).not.toContain("xxxxxxxx");
      expect(audit()).not.toContain("xxxxxxxx"); // never reached the pipeline
    } finally {
      await client.close();
    }
  }, 120_000);

  it("skips garbage bytes between calls, answers a broken request that has an id, and keeps serving", async () => {
    const { client, child, normalCall, stderr } = await connect();
    try {
      expect(await normalCall("one")).toMatchObject({ status: "sent" });
      child.stdin!.write(Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x0a, 0x0a, 0xc3, 0x28, 0x5d, 0x7d, 0x0a]));
      child.stdin!.write("not json at all\n{\"jsonrpc\":\"2.0\",\"id\":\"half\n");
      child.stdin!.write(`${"\u00e9garbage".repeat(700_000)}\n`); // over the bound, and not JSON either
      expect(await normalCall("two")).toMatchObject({ status: "sent" });
      child.stdin!.write('{"jsonrpc":"2.0","id":"+27 82 123 4567","method":42}\n');
      expect(await normalCall("three")).toMatchObject({ status: "sent" });
      expect(child.exitCode).toBeNull();
      expect(stderr().match(/discarded an incoming line/g)!.length).toBeGreaterThanOrEqual(5);
      expect(stderr()).toContain('"id":"+•••••••••67","request":true,"reason":"not JSON-RPC"');
    } finally {
      await client.close();
    }
  }, 60_000);
});
