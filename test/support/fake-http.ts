// What the fake model servers (fake-anthropic, fake-codex, fake-gemini) share: a loopback HTTP
// server that hands each request's parsed JSON body to a handler, and JSON / SSE answers.
// No relative imports here or in the fakes: test/support/netns-run.ts runs them on Node 24's
// type stripping inside a network namespace, outside vitest.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

/** The request path without its query. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? "/").split("?")[0] ?? "/";
}

export async function startJsonServer(handle: (req: IncomingMessage, res: ServerResponse, body: unknown) => void): Promise<FakeServer> {
  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => handle(req, res, raw ? JSON.parse(raw) : {}))
      .catch((error: unknown) => sendJson(res, { error: { message: String(error) } }, 500));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

/** Writes one server-sent event per call (`event:` line only when named); end() closes the stream. */
export function openSse(res: ServerResponse): { event(data: unknown, name?: string): void; end(): void } {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  return {
    event: (data, name) => res.write(`${name === undefined ? "" : `event: ${name}\n`}data: ${JSON.stringify(data)}\n\n`),
    end: () => res.end(),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
