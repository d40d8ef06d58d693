// Proves the e2e harness: a real OpenClaw gateway whose Telegram channel talks to the
// fake Bot API, driven through the real CLI and through the raw WebSocket RPC.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram.js";
import { connectGateway } from "../support/gateway-ws.js";
import { openclawCli, startGateway, type Gateway } from "../support/openclaw-gateway.js";


const CHAT = "123456789";

describe("real OpenClaw gateway with a fake Telegram", () => {
  let telegram: FakeTelegram;
  let gateway: Gateway;
  let readyAt = 0;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    const started = performance.now();
    gateway = await startGateway({ fakeTelegramUrl: telegram.url });
    readyAt = performance.now();
    console.info(`gateway start to ready: ${Math.round(performance.now() - started)} ms`);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await telegram?.close();
  });

  it("delivers hostile-looking text verbatim through `openclaw message send`", async () => {
    // No Markdown in it: the Telegram channel renders Markdown to HTML (parse_mode HTML).
    const text = "hi $(rm -rf ~) and --target +1555 in it";
    const before = telegram.delivered().length;
    const result = await openclawCli(["message", "send", "--channel", "telegram", "--target", CHAT, "--message", text, "--json"], gateway.env);
    console.info(`CLI message send: ${result.durationMs} ms`);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ action: "send", channel: "telegram", dryRun: false });
    expect(telegram.delivered().slice(before)).toEqual([{ chat_id: CHAT, text }]);
  });

  it("reports a Telegram 403 as exit code 1", async () => {
    const before = telegram.delivered().length;
    telegram.failNextSendMessage();
    const result = await openclawCli(["message", "send", "--channel", "telegram", "--target", CHAT, "--message", "blocked", "--json"], gateway.env);

    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/403|Forbidden/);
    expect(telegram.delivered().length).toBe(before);
  });

  it("sends once per idempotencyKey over the raw WebSocket `send` RPC", async () => {
    const rpc = await connectGateway(gateway.url, gateway.token);
    try {
      const text = `rpc ${randomUUID()}`;
      const params = { to: CHAT, message: text, channel: "telegram", idempotencyKey: randomUUID() };
      const started = performance.now();
      const first = await rpc.request("send", params);
      console.info(`RPC send (open connection): ${Math.round(performance.now() - started)} ms`);
      const second = await rpc.request("send", params);

      expect(first).toMatchObject({ ok: true, payload: { channel: "telegram" } });
      expect(second).toEqual(first);
      expect(telegram.delivered().filter((d) => d.text === text)).toEqual([{ chat_id: CHAT, text }]);
    } finally {
      rpc.close();
    }
  });

  it("serves again on the same port after restart()", async () => {
    const started = performance.now();
    await gateway.restart();
    console.info(`gateway restart: ${Math.round(performance.now() - started)} ms`);
    const rpc = await connectGateway(gateway.url, gateway.token);
    try {
      const text = `after restart ${randomUUID()}`;
      expect(await rpc.request("send", { to: CHAT, message: text, channel: "telegram", idempotencyKey: randomUUID() })).toMatchObject({ ok: true });
      expect(telegram.delivered().filter((d) => d.text === text)).toHaveLength(1);
    } finally {
      rpc.close();
    }
  });

  it("looks up no host off this machine: the start-up model catalog refresh is off", async () => {
    // The refresh runs as soon as the gateway starts; a DNS failure is logged within seconds (seen: 40 s
    // after spawn on a loaded machine, with the gateway up for ~25 s). Give it that long.
    const upFor = performance.now() - readyAt;
    if (upFor < 30_000) await new Promise((resolve) => setTimeout(resolve, 30_000 - upFor));
    const lookups = readFileSync(`${gateway.home}/gateway.log`, "utf8")
      .split("\n")
      .filter((line) => /remote model catalog|ENOTFOUND|EAI_AGAIN/.test(line));
    expect(lookups).toEqual([]);
  }, 60_000);

  it("leaves nothing listening after stop()", async () => {
    await gateway.stop();
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const socket = connect(gateway.port, "127.0.0.1", () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on("error", resolve);
    });
    expect(error?.code).toBe("ECONNREFUSED");
  });
});
