// A loopback HTTP proxy that adds `Authorization: Bearer <token>` to every request, for clients that
// cannot be given a header (the MCP conformance runner). Streams both ways, SSE included.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function startAuthProxy(target: string, token: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    // Host and Origin pass through unchanged: the server's DNS-rebinding check must see them.
    const headers = { ...req.headers, authorization: `Bearer ${token}` };
    const forward = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
