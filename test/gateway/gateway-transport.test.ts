import { describe, expect, it } from "vitest";
import { createGatewayTransport, type Connect, type GatewayConnection } from "../../src/gateway/gateway-transport.js";
import type { DeliveryRequest } from "../../src/gateway/transport.js";

const settings = { url: "ws://127.0.0.1:18789", token: "s3cret-token-value", source: { url: "test", auth: "test" } };
const request: DeliveryRequest = { channel: "telegram", target: "-1001234567890", text: "hi", idempotencyKey: "ocg-1" };

const requestError = (gatewayCode: string, message: string, detail?: string) =>
  Object.assign(new Error(message), { name: "GatewayClientRequestError", gatewayCode, details: detail ? { code: detail } : undefined });

/** A scripted gateway: each `send` call takes the next behaviour; records params and connections. */
function fakeGateway(behaviours: ((params: Record<string, unknown>) => unknown)[], connectFailures: Error[] = []) {
  const sends: Record<string, unknown>[] = [];
  let connections = 0;
  let stops = 0;
  const closers: (() => void)[] = [];
  const connect: Connect = async (options) => {
    const failure = connectFailures.shift();
    if (failure) throw failure;
    connections++;
    closers.push(options.onClose);
    const connection: GatewayConnection = {
      async request<T>(method: string, params: unknown) {
        expect(method).toBe("send");
        sends.push(params as Record<string, unknown>);
        const behaviour = behaviours.shift() ?? (() => ({ messageId: "m" }));
        return (await behaviour(params as Record<string, unknown>)) as T;
      },
      stop: () => void stops++,
    };
    return connection;
  };
  return { connect, sends, closers, stats: () => ({ connections, stops }) };
}

const transportWith = (gateway: ReturnType<typeof fakeGateway>, timeoutMs = 5000) => createGatewayTransport({ settings, timeoutMs, connect: gateway.connect, retryDelayMs: 1 });

describe("gateway transport", () => {
  it("sends with the documented params and maps the result", async () => {
    const gateway = fakeGateway([() => ({ messageId: 1000, runId: "r" })]);
    const outcome = await transportWith(gateway).deliver({ ...request, account: "work" });
    expect(outcome).toEqual({ status: "sent", messageId: "1000" });
    expect(gateway.sends).toEqual([{ to: "-1001234567890", message: "hi", channel: "telegram", accountId: "work", idempotencyKey: "ocg-1" }]);
  });

  it("opens nothing until the first send, then shares one connection among concurrent sends", async () => {
    const gateway = fakeGateway([]);
    const transport = transportWith(gateway);
    expect(gateway.stats().connections).toBe(0);
    await Promise.all(Array.from({ length: 5 }, (_, i) => transport.deliver({ ...request, idempotencyKey: `k${i}` })));
    expect(gateway.stats().connections).toBe(1);
  });

  it("retries a dropped request with the SAME idempotency key on a new connection", async () => {
    const gateway = fakeGateway([
      () => {
        throw new Error("gateway closed (1006): abnormal closure");
      },
      () => ({ messageId: "m2" }),
    ]);
    const outcome = await transportWith(gateway).deliver(request);
    expect(outcome).toEqual({ status: "sent", messageId: "m2" });
    expect(gateway.sends.map((s) => s.idempotencyKey)).toEqual(["ocg-1", "ocg-1"]);
    expect(gateway.stats()).toEqual({ connections: 2, stops: 1 });
  });

  it("gives up after a bounded number of drops and reports unknown", async () => {
    const drop = () => {
      throw new Error("gateway closed (1006)");
    };
    const gateway = fakeGateway([drop, drop, drop, drop]);
    const outcome = await transportWith(gateway).deliver(request);
    expect(outcome.status).toBe("unknown");
    expect(outcome.reason).toMatch(/after 3 attempts with the same idempotency key.*Do not resend/);
    expect(gateway.sends).toHaveLength(3);
  });

  it("maps OUTBOUND_DELIVERY_QUEUED to queued, never resending", async () => {
    const gateway = fakeGateway([() => Promise.reject(requestError("UNAVAILABLE", "delivery failed, queued", "OUTBOUND_DELIVERY_QUEUED"))]);
    const outcome = await transportWith(gateway).deliver(request);
    expect(outcome).toMatchObject({ status: "queued", reason: expect.stringMatching(/keeps the message in its delivery queue \(delivery failed, queued\)\. Do not resend/) });
    expect(gateway.sends).toHaveLength(1);
  });

  it("maps UNAVAILABLE \"No delivery result\" (a hook cancelled the send) to refused: the gateway blocked it", async () => {
    const gateway = fakeGateway([() => Promise.reject(requestError("UNAVAILABLE", "Error: No delivery result"))]);
    expect(await transportWith(gateway).deliver(request)).toMatchObject({ status: "refused", reason: expect.stringMatching(/^The gateway blocked it/) });
    expect(gateway.sends).toHaveLength(1);
  });

  it("keeps other UNAVAILABLE errors failed", async () => {
    const gateway = fakeGateway([() => Promise.reject(requestError("UNAVAILABLE", "Telegram send failed: 403 Forbidden"))]);
    expect(await transportWith(gateway).deliver(request)).toMatchObject({ status: "failed" });
  });

  it("maps a gateway refusal (unknown target, allowFrom) to failed with its reason", async () => {
    const gateway = fakeGateway([() => Promise.reject(requestError("INVALID_REQUEST", 'Target "+27821234567" is not listed in the configured WhatsApp allowFrom policy.'))]);
    expect(await transportWith(gateway).deliver(request)).toMatchObject({ status: "failed", reason: expect.stringMatching(/INVALID_REQUEST.*allowFrom/) });
  });

  it("maps an error after a partial delivery to unknown, never resending", async () => {
    // The shape the real gateway answers (test/fixtures/openclaw-outcomes.json, trimmed).
    const partial = Object.assign(requestError("UNAVAILABLE", "Error: second part failed | CHANNEL_PARTIAL_DELIVERY"), { details: { partialDelivery: { messageIds: ["1002"], visibleReplySent: true } }, retryable: false });
    const gateway = fakeGateway([() => Promise.reject(partial)]);
    expect(await transportWith(gateway).deliver(request)).toMatchObject({ status: "unknown", reason: expect.stringMatching(/part of the message was delivered.*Do not resend/) });
    expect(gateway.sends).toHaveLength(1);
  });

  it("reports a timeout after the request left as unknown", async () => {
    const timeout = Object.assign(new Error("gateway request timeout for send"), { name: "GatewayClientRequestTimeoutError", gatewayCode: "CLIENT_TIMEOUT", requestSent: true });
    const gateway = fakeGateway([() => Promise.reject(timeout)]);
    expect(await transportWith(gateway, 2000).deliver(request)).toMatchObject({ status: "unknown", reason: expect.stringMatching(/did not answer within 2 s/) });
    expect(gateway.sends).toHaveLength(1);
  });

  it("reports an unreachable gateway as failed (nothing sent) and tries again on the next send", async () => {
    const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:18789"), { code: "ECONNREFUSED" });
    const gateway = fakeGateway([], [refused(), refused(), refused()]);
    const transport = transportWith(gateway);
    const outcome = await transport.deliver(request);
    expect(outcome).toMatchObject({ status: "failed", reason: expect.stringMatching(/not reachable \(ECONNREFUSED\).*nothing was sent/) });
    expect(await transport.deliver(request)).toEqual({ status: "sent", messageId: "m" });
  });

  it("fails fast on a rejected token and never shows the token", async () => {
    const mismatch = Object.assign(new Error(`unauthorized: token s3cret-token-value mismatch`), { gatewayCode: "INVALID_REQUEST", details: { code: "AUTH_TOKEN_MISMATCH" } });
    const gateway = fakeGateway([], [mismatch, mismatch, mismatch]);
    const outcome = await transportWith(gateway).deliver(request);
    expect(outcome).toMatchObject({ status: "failed", reason: expect.stringMatching(/rejected the credentials.*AUTH_TOKEN_MISMATCH/) });
    expect(JSON.stringify(outcome)).not.toContain("s3cret-token-value");
    expect(gateway.stats().connections).toBe(0);
  });

  it("reconnects after the open connection closes", async () => {
    const gateway = fakeGateway([]);
    const transport = transportWith(gateway);
    await transport.deliver(request);
    gateway.closers[0]!();
    await transport.deliver({ ...request, idempotencyKey: "k2" });
    expect(gateway.stats().connections).toBe(2);
  });
});

describe("gateway transport during a plugin reload, and its Fix: lines", () => {
  const reloading = () => Promise.reject(requestError("UNAVAILABLE", "PluginInstanceUnavailableError: Plugin openclaw-guard was reloaded or disabled; use its current tools."));

  it("retries a PluginInstanceUnavailableError once, with the same idempotency key", async () => {
    const gateway = fakeGateway([reloading, () => ({ messageId: "m2" })]);
    expect(await transportWith(gateway).deliver(request)).toEqual({ status: "sent", messageId: "m2" });
    expect(gateway.sends.map((p) => p.idempotencyKey)).toEqual(["ocg-1", "ocg-1"]);
  });

  it("retries it only once: a second one fails the send with a Fix: line", async () => {
    const gateway = fakeGateway([reloading, reloading, () => ({ messageId: "never" })]);
    const outcome = await transportWith(gateway).deliver(request);
    expect(outcome.status).toBe("failed");
    expect(outcome.reason).toMatch(/was reloaded or disabled[\s\S]*\nFix: .*openclaw-guard doctor/);
    expect(gateway.sends).toHaveLength(2);
  });

  it("an unreachable gateway's failure says how to fix it", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:18789"), { code: "ECONNREFUSED" });
    const gateway = fakeGateway([], [refused, refused, refused]);
    const outcome = await transportWith(gateway).deliver(request);
    expect(outcome).toMatchObject({ status: "failed", reason: expect.stringMatching(/not reachable[\s\S]*\nFix: start the gateway/) });
  });
});
