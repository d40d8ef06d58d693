// The MCP server over Streamable HTTP, for agents that may only ask the guard to send (another OS
// user or another machine). Stateful sessions, one MCP server each, bound to the agent token that
// opened them, so elicitation works and one agent cannot use another's session. A request without a
// valid bearer token gets a bare 401 before anything else is read.
import { randomUUID } from "node:crypto";
import { lstatSync, unlinkSync } from "node:fs";
import { createServer as createPlainServer, type IncomingMessage, type Server as NodeServer, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isLoopbackHost } from "../gateway/loopback.js";
import type { GuardServer } from "./server.js";
import { HOOK_HOME_HEADER, HOOK_PATH } from "../guard/hook-forms.js";

/** A hook payload is one tool call (the command hook's own stdin cap). */
const MAX_HOOK_BYTES = 1024 * 1024;

export const MCP_PATH = "/mcp";
/** A send is an alias and a message of at most 100 000 characters (the config's ceiling). */
export const MAX_BODY_BYTES = 512 * 1024;
const MAX_SESSIONS_PER_AGENT = 32;

export type Listen = { host: string; port: number } | { socket: string };

export type HttpOptions = {
  listen: Listen;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The agent a bearer token belongs to, read afresh per request (so a revoke applies at once). */
  authenticate(token: string | undefined): string | undefined;
  /** A new MCP server for a new session of this agent. */
  openSession(agent: string): GuardServer;
  /** POST /hook/claude-code (src/guard/hook-answer.ts): the guard's decision for one hook payload, as Claude Code's hook JSON output; absent: no hook endpoint. */
  answerHook?: (payload: string, agentHome: string | undefined) => Promise<unknown>;
  maxBodyBytes?: number;
  maxSessionsPerAgent?: number;
  warn?: (message: string) => void;
};

export type HttpGuard = {
  /** Where clients connect: http(s)://host:port/mcp, or unix:<path> */
  url: string;
  /** Every open session's MCP server (to announce a changed tool list). */
  servers(): GuardServer[];
  close(): Promise<void>;
};

type Session = { agent: string; server: GuardServer; transport: StreamableHTTPServerTransport; lastSeen: number };

/** Refuses to expose a bearer token in clear text beyond this machine. */
export function checkListen(listen: Listen, tls: boolean): void {
  if ("host" in listen && !isLoopbackHost(listen.host) && !tls) {
    throw new Error(`refusing to listen on ${listen.host} without TLS: agent tokens would cross the network in clear text. Give --tls-cert and --tls-key, or listen on 127.0.0.1 or a unix socket.`);
  }
}

export async function listenHttp(options: HttpOptions): Promise<HttpGuard> {
  checkListen(options.listen, options.tls !== undefined);
  const sessions = new Map<string, Session>();
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const maxSessions = options.maxSessionsPerAgent ?? MAX_SESSIONS_PER_AGENT;
  // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 must not reach a loopback server.
  const checkOrigin = "host" in options.listen && isLoopbackHost(options.listen.host);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const agent = options.authenticate(bearerOf(req.headers.authorization));
    if (agent === undefined) return unauthorized(res);
    if (checkOrigin && !fromLoopbackPage(req)) return plain(res, 403, "Host or Origin is not this machine");
    const route = (req.url ?? "").split("?")[0];
    if (route === HOOK_PATH && options.answerHook) return answerHook(req, res, options.answerHook);
    if (route !== MCP_PATH) return plain(res, 404, "not found");
    const header = req.headers["mcp-session-id"];
    const id = typeof header === "string" ? header : undefined;
    if (id !== undefined) {
      const session = sessions.get(id);
      // Another agent's session id is as unknown as an invented one.
      if (!session || session.agent !== agent) return jsonRpcError(res, 404, -32001, "Session not found");
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== "POST") return jsonRpcError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required");
    evictOldest(agent);
    const server = options.openSession(agent);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      maxRequestBodySize: maxBody,
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, { agent, server, transport, lastSeen: Date.now() }),
    });
    server.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res);
    // Anything but an initialize request leaves no session behind.
    if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) await server.close();
  };

  function evictOldest(agent: string): void {
    const own = [...sessions.values()].filter((s) => s.agent === agent);
    if (own.length < maxSessions) return;
    const oldest = own.reduce((a, b) => (a.lastSeen <= b.lastSeen ? a : b));
    void closeSession(oldest);
  }

  const closeSession = async (session: Session) => {
    await session.server.drain();
    await session.server.close();
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      options.warn?.(`openclaw-guard http: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) plain(res, 500, "internal error");
      else res.end();
    });
  };
  const http: NodeServer = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createPlainServer(listener);
  const url = await bind(http, options.listen, options.tls !== undefined);

  return {
    url,
    servers: () => [...sessions.values()].map((s) => s.server),
    async close() {
      await Promise.allSettled([...sessions.values()].map(closeSession));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Host names this machine, and Origin, when sent, too. */
function fromLoopbackPage(req: IncomingMessage): boolean {
  const hostOf = (value: string) => {
    try {
      return new URL(`http://${value}`).hostname;
    } catch {
      return "";
    }
  };
  if (!isLoopbackHost(hostOf(req.headers.host ?? ""))) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return isLoopbackHost(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/**
 * One hook decision: the body is the hook payload; the answer is always 200 with hook JSON (a deny
 * when the guard could not decide). Anything else Claude Code gets (401, 413, a timeout) blocks the
 * command through the handler's "onFailure": "block".
 */
async function answerHook(req: IncomingMessage, res: ServerResponse, answer: NonNullable<HttpOptions["answerHook"]>): Promise<void> {
  if (req.method !== "POST") return plain(res, 405, "POST the hook payload");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HOOK_BYTES) return plain(res, 413, "hook payload too large");
    chunks.push(chunk);
  }
  const home = req.headers[HOOK_HOME_HEADER.toLowerCase()];
  const body = JSON.stringify(await answer(Buffer.concat(chunks).toString("utf8"), typeof home === "string" && home.startsWith("/") ? home : undefined));
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function bearerOf(header: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(header ?? "")?.[1];
}

async function bind(http: NodeServer, listen: Listen, tls: boolean): Promise<string> {
  if ("socket" in listen) removeStaleSocket(listen.socket);
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    if ("socket" in listen) http.listen(listen.socket, resolve);
    else http.listen(listen.port, listen.host, resolve);
  });
  if ("socket" in listen) return `unix:${listen.socket}`;
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : listen.port;
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  return `${tls ? "https" : "http"}://${host}:${port}${MCP_PATH}`;
}

/** A socket left by a killed server blocks the next start; anything that is not a socket stays. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // absent: nothing to remove
  }
}

function unauthorized(res: ServerResponse): void {
  // Nothing else: no body, no hint whether the token was missing, malformed or revoked.
  res.writeHead(401, { "WWW-Authenticate": 'Bearer realm="openclaw-guard"', "Content-Length": "0", Connection: "close" });
  res.end();
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(text);
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
