// The whole send path against the real thing: the built `openclaw-guard serve`, driven by the MCP
// SDK's client, delivering through a real OpenClaw gateway (both transports) to a fake Telegram.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditText } from "../../src/audit/store.js";
import { startDroppingProxy, type DroppingProxy } from "../support/dropping-proxy.js";
import { NODE24, OPENCLAW, useGatewayWithFakeTelegram, type Gateway } from "../support/openclaw-gateway.js";

const CLI = join(import.meta.dirname, "..", "..", "dist", "cli.js");
const CHAT = "123456789";
type Result = { status: string; to: string; channel?: string; messageId?: string; reason?: string };

type Server = { client: Client; stderr: () => string; audit: string; close(): Promise<void> };

async function startServer(gateway: Gateway, openclaw: Record<string, unknown>, extraEnv: Record<string, string> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), "ocg-e2e-"));
  const audit = join(dir, "audit.jsonl");
  const config = join(dir, "config.json5");
  writeFileSync(
    config,
    JSON.stringify({
      openclaw,
      contacts: { ops: { channel: "telegram", target: CHAT, description: "Ops chat" } },
      policy: { content: { phoneNumbers: "off" }, rateLimit: { perContact: { count: 1000, windowSeconds: 60 }, global: { count: 1000, windowSeconds: 60 } } },
      audit: { file: audit },
    }),
    { mode: 0o600 },
  );
  // The gateway's home: the server (and the CLI it runs) find the gateway and token there.
  const env = { PATH: `${dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin`, HOME: gateway.home, OPENCLAW_HOME: gateway.home, OPENCLAW_DISABLE_BONJOUR: "1", OPENCLAW_NO_AUTO_UPDATE: "1", OPENCLAW_OFFLINE: "1", ...extraEnv };
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "e2e", version: "1" });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    audit,
    close: async () => {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const send = async (server: Server, message: string): Promise<Result> =>
  (await server.client.callTool({ name: "send_message", arguments: { to: "ops", message } }, undefined, { timeout: 120_000 })).structuredContent as Result;

describe("send_message through a real OpenClaw gateway", () => {
  const real = useGatewayWithFakeTelegram();
  const delivered = (text: string) => real.telegram.delivered().filter((d) => d.text === text);

  describe.each([
    ["gateway", { transport: "gateway", timeoutMs: 30_000 }],
    ["cli", { transport: "cli", bin: [NODE24, OPENCLAW], timeoutMs: 60_000 }],
  ])("%s transport", (name, openclaw) => {
    let server: Server;
    beforeAll(async () => {
      server = await startServer(real.gateway, openclaw);
    });
    afterAll(async () => {
      await server?.close();
    });

    it("delivers hostile-looking text exactly, once", async () => {
      const text = `-- ${name} deploy done $(rm -rf ~) --target +15551234567 ; echo pwned ${randomUUID()}`;
      const result = await send(server, text);
      expect(result, server.stderr()).toMatchObject({ status: "sent", to: "ops", channel: "telegram" });
      expect(delivered(text)).toEqual([{ chat_id: CHAT, text }]);
    });

    it("delivers text that looks like the CLI's root options as text", async () => {
      for (const option of ["--container=zz", "--dev", "--profile=p"]) {
        const text = `${option} ${randomUUID()}`;
        expect(await send(server, text), server.stderr()).toMatchObject({ status: "sent" });
        expect(delivered(text)).toEqual([{ chat_id: CHAT, text }]);
      }
    });

    it("reports a 403 from Telegram with the reason", async () => {
      real.telegram.failNextSendMessage();
      const text = `blocked ${name} ${randomUUID()}`;
      const result = await send(server, text);
      // The gateway answers a channel's 403 with OUTBOUND_DELIVERY_QUEUED (recorded: test/fixtures/openclaw-outcomes.json).
      expect(result).toMatchObject({ status: name === "cli" ? "failed" : "queued" });
      expect(result.reason).toMatch(/403|Forbidden|blocked/);
    });

    it("survives the gateway going away mid-run, and sends again once it is back", async () => {
      await real.gateway.pause();
      try {
        const down = await send(server, `while down ${name} ${randomUUID()}`);
        expect(["failed", "unknown"]).toContain(down.status);
        expect(down.reason).toMatch(/not reachable|ECONNREFUSED|Gateway not reachable|dropped/i);
        const listed = await server.client.callTool({ name: "list_contacts", arguments: {} });
        expect(listed.isError).toBeFalsy();
      } finally {
        await real.gateway.resume();
      }
      const text = `after restart ${name} ${randomUUID()}`;
      expect(await send(server, text)).toMatchObject({ status: "sent" });
      expect(delivered(text)).toHaveLength(1);
    });

    it("keeps an intact audit chain with no full target, token or text", () => {
      const audit = readFileSync(server.audit, "utf8");
      expect(verifyAuditText(audit).ok).toBe(true);
      expect(audit).not.toContain(CHAT);
      expect(audit).not.toContain(real.gateway.token);
      expect(audit).not.toContain("rm -rf");
    });
  });

  describe("exactly once", () => {
    let proxy: DroppingProxy;
    let server: Server;
    beforeAll(async () => {
      proxy = await startDroppingProxy(real.gateway.url);
      server = await startServer(real.gateway, { transport: "gateway", timeoutMs: 30_000, gateway: { url: proxy.url } });
    });
    afterAll(async () => {
      await server?.close();
      await proxy?.close();
    });

    it("a connection dropped after the request left is retried with the same key and delivers once", async () => {
      const text = `exactly once ${randomUUID()}`;
      proxy.dropAfterNextSend();
      const result = await send(server, text);
      expect(result, server.stderr()).toMatchObject({ status: "sent" });
      const keys = proxy.sendsSeen().map((s) => s.idempotencyKey);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toBe(keys[1]);
      // Give a late duplicate every chance to show up before counting.
      await new Promise((r) => setTimeout(r, 1500));
      expect(delivered(text)).toEqual([{ chat_id: CHAT, text }]);
    });
  });

  describe.each([
    ["gateway", { transport: "gateway", timeoutMs: 30_000, gateway: { token: "wrong-token-d41d8cd98f00" } }],
    ["cli", { transport: "cli", bin: [NODE24, OPENCLAW], timeoutMs: 60_000 }],
  ])("wrong token (%s transport)", (name, openclaw) => {
    it("fails with an auth reason and never shows the token", async () => {
      // The CLI takes the token from its config file (not OPENCLAW_GATEWAY_TOKEN, measured), so it
      // gets a copy of the gateway's config with a wrong token; the gateway keeps its own.
      const wrongConfig = join(real.gateway.home, "wrong-token.json");
      const original = JSON.parse(readFileSync(join(real.gateway.home, ".openclaw", "openclaw.json"), "utf8"));
      writeFileSync(wrongConfig, JSON.stringify({ ...original, gateway: { ...original.gateway, auth: { mode: "token", token: "wrong-token-d41d8cd98f00" } } }));
      const server = await startServer(real.gateway, openclaw, name === "cli" ? { OPENCLAW_CONFIG_PATH: wrongConfig } : {});
      try {
        // Not "token <uuid>": the content check asks before sending a long random word after "token".
        const text = `wrong credentials check ${randomUUID()}`;
        const result = await send(server, text);
        expect(result.status).toBe("failed");
        expect(result.reason).toMatch(/token|auth|unauthori[sz]ed|credentials/i);
        expect(delivered(text)).toEqual([]);
        const everything = `${JSON.stringify(result)}\n${server.stderr()}\n${readFileSync(server.audit, "utf8")}`;
        expect(everything).not.toContain("wrong-token-d41d8cd98f00");
        expect(everything).not.toContain(real.gateway.token);
      } finally {
        await server.close();
      }
    });
  });
});
