// A minimal raw client for the OpenClaw gateway WebSocket protocol (v4), to test the
// gateway's RPC surface independently of any client library.
import { createRequire } from "node:module";

// Node 20 has no global WebSocket. `ws` is present only transitively (through
// @modelcontextprotocol/inspector) and has no types here, so it is loaded untyped.
interface Socket {
  on(event: "message", listener: (data: Buffer) => void): void;
  on(event: "open" | "close", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  send(data: string): void;
  close(): void;
}
const WebSocket = createRequire(import.meta.url)("ws") as new (url: string) => Socket;

export interface GatewayError {
  code: string;
  message: string;
  details?: { code?: string; [key: string]: unknown };
  retryable?: boolean;
}

export type RpcResult = { ok: true; payload: Record<string, unknown> } | { ok: false; error: GatewayError };

export interface GatewayRpc {
  hello: Record<string, unknown>;
  request(method: string, params: Record<string, unknown>): Promise<RpcResult>;
  close(): void;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Opens a connection, answers the challenge with a token-only `connect`, and resolves after hello-ok. */
export async function connectGateway(url: string, token: string): Promise<GatewayRpc> {
  const ws = new WebSocket(url);
  const pending = new Map<string, (result: RpcResult) => void>();
  let nextId = 0;
  let onChallenge: () => void = () => {};
  const challenged = new Promise<void>((resolve) => (onChallenge = resolve));

  ws.on("message", (data) => {
    const frame = JSON.parse(data.toString("utf8")) as { type: string; id?: string; event?: string; ok?: boolean; payload?: Record<string, unknown>; error?: GatewayError };
    if (frame.type === "event" && frame.event === "connect.challenge") onChallenge();
    if (frame.type === "res" && frame.id !== undefined) {
      pending.get(frame.id)?.(frame.ok ? { ok: true, payload: frame.payload ?? {} } : { ok: false, error: frame.error ?? { code: "UNKNOWN", message: "no error" } });
      pending.delete(frame.id);
    }
  });
  const closed = new Promise<never>((_, reject) => {
    ws.on("error", reject);
    ws.on("close", () => reject(new Error("gateway connection closed")));
  });
  closed.catch(() => {}); // Only observed through the races below.

  const request = (method: string, params: Record<string, unknown>) => {
    const id = String(++nextId);
    const answer = new Promise<RpcResult>((resolve) => pending.set(id, resolve));
    ws.send(JSON.stringify({ type: "req", id, method, params }));
    return withTimeout(Promise.race([answer, closed]), `${method} timed out`);
  };

  try {
    await withTimeout(Promise.race([challenged, closed]), "no connect.challenge");
    const hello = await request("connect", {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "gateway-client", version: "0.0.0-test", platform: process.platform, mode: "backend" },
      role: "operator",
      scopes: ["operator.write"],
      auth: { token },
    });
    if (!hello.ok) throw new Error(`connect rejected: ${hello.error.code} ${hello.error.message}`);
    return { hello: hello.payload, request, close: () => ws.close() };
  } catch (error) {
    ws.close();
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), REQUEST_TIMEOUT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
