// The transports' mappings, fed what the real gateway and CLI answered (test/fixtures/
// openclaw-outcomes.json, recorded and re-checked on every e2e run by test/e2e/outcome-shapes.test.ts).
import { describe, expect, it } from "vitest";
import { interpretCliResult } from "../../src/gateway/cli-transport.js";
import { createGatewayTransport, type GatewayConnection } from "../../src/gateway/gateway-transport.js";
import type { DeliveryOutcome } from "../../src/gateway/transport.js";
import { errorFromShape, readRecordedOutcomes } from "../support/recorded-outcomes.js";

const recorded = readRecordedOutcomes();
const settings = { url: "ws://127.0.0.1:18789", token: "t0ken-for-replay", source: { url: "test", auth: "the test" } };
const request = { channel: "telegram" as const, target: "123456789", text: "hi", idempotencyKey: "k" };

/** One delivery through the gateway transport, the recorded answer replayed at the point the library gives it. */
async function replayGateway(name: string): Promise<DeliveryOutcome> {
  const answer = recorded.gateway[name];
  if (answer === undefined) throw new Error(`no recorded gateway case "${name}": run UPDATE_FIXTURES=1 npx vitest run -c vitest.e2e.config.ts test/e2e/outcome-shapes.test.ts`);
  const auth = name === "auth";
  const transport = createGatewayTransport({
    settings,
    timeoutMs: 3000,
    retryDelayMs: 1,
    connect: async () => {
      if (auth && "error" in answer) throw errorFromShape(answer.error);
      const connection: GatewayConnection = {
        request: async <T,>() => ("error" in answer ? Promise.reject(errorFromShape(answer.error)) : (answer.result as T)),
        stop: () => {},
      };
      return connection;
    },
  });
  return transport.deliver(request);
}

function replayCli(name: string): DeliveryOutcome {
  const run = recorded.cli[name];
  if (run === undefined) throw new Error(`no recorded cli case "${name}"`);
  return interpretCliResult({ ...run, timedOut: false, timeoutMs: 60_000, file: "/x/openclaw" });
}

describe(`gateway transport, against the answers of the real gateway (openclaw ${recorded.openclaw})`, () => {
  it("sent: the message id (recorded as <id>: the fake Telegram numbers in order)", async () => {
    expect(await replayGateway("sent")).toEqual({ status: "sent", messageId: "<id>" });
  });

  it("queued (the channel answered 502): queued, do not resend", async () => {
    expect(await replayGateway("queued")).toMatchObject({ status: "queued", reason: expect.stringMatching(/Do not resend/) });
  });

  it("a refusal by the channel (403) comes back queued too: the reason carries the channel's words, and promises no retry", async () => {
    const outcome = await replayGateway("refused");
    expect(outcome).toMatchObject({ status: "queued", reason: expect.stringMatching(/403: Forbidden: bot was blocked.*Do not resend/) });
    expect(outcome.reason).not.toMatch(/will retry/);
  });

  it("partial delivery: unknown, do not resend", async () => {
    expect(await replayGateway("partial")).toMatchObject({ status: "unknown", reason: expect.stringMatching(/part of the message was delivered.*Do not resend blindly/) });
  });

  it("auth failure at connect: failed, naming the credentials' source, never the token, no retry", async () => {
    const outcome = await replayGateway("auth");
    expect(outcome).toMatchObject({ status: "failed", reason: expect.stringMatching(/rejected the credentials from the test \(AUTH_TOKEN_MISMATCH\)/) });
    expect(JSON.stringify(outcome)).not.toContain(settings.token);
  });

  it("timeout after the request left: unknown", async () => {
    expect(await replayGateway("timeout")).toMatchObject({ status: "unknown", reason: expect.stringMatching(/may or may not have been sent/) });
  });
});

describe(`cli transport, against the answers of the real CLI (openclaw ${recorded.openclaw})`, () => {
  it("sent: the message id", () => {
    expect(replayCli("sent")).toEqual({ status: "sent", messageId: "<id>" });
  });

  it("refused by the channel (403): failed with the channel's reason", () => {
    expect(replayCli("refused")).toMatchObject({ status: "failed", reason: expect.stringMatching(/403: Forbidden: bot was blocked/) });
  });

  it("the channel down (502): the CLI says only that it failed", () => {
    expect(replayCli("queued")).toMatchObject({ status: "failed", reason: expect.stringMatching(/502: Bad Gateway/) });
  });

  it("partial delivery: unknown, do not resend", () => {
    expect(replayCli("partial")).toMatchObject({ status: "unknown", reason: expect.stringMatching(/Do not resend blindly/) });
  });
});
