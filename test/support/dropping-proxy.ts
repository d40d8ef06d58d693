// A WebSocket relay between a client and the gateway that, once armed, forwards the next `send`
// request and then cuts the client's connection before the answer comes back: the request has
// left, the client cannot know whether it was delivered.
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";

export interface DroppingProxy {
  url: string;
  /** Drop the connection right after the next `send` request has been forwarded. */
  dropAfterNextSend(): void;
  sendsSeen(): { idempotencyKey: string }[];
  close(): Promise<void>;
}

export async function startDroppingProxy(target: string): Promise<DroppingProxy> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  let armed = false;
  const sends: { idempotencyKey: string }[] = [];
  const sockets = new Set<WebSocket>();

  server.on("connection", (client) => {
    const upstream = new WebSocket(target);
    sockets.add(client).add(upstream);
    const queued: WebSocket.RawData[] = [];
    // Set when this connection was cut: the gateway side stays open until it has answered,
    // so the send is processed to completion while the client never hears of it.
    let cut = false;
    upstream.on("open", () => {
      for (const data of queued.splice(0)) upstream.send(data.toString());
    });
    upstream.on("message", (data) => {
      if (cut) {
        if ((JSON.parse(data.toString()) as { type?: string }).type === "res") upstream.close();
        return;
      }
      if (client.readyState === WebSocket.OPEN) client.send(data.toString());
    });
    client.on("message", (data) => {
      const text = data.toString();
      const frame = JSON.parse(text) as { method?: string; params?: { idempotencyKey?: string } };
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else queued.push(data);
      if (frame.method === "send") {
        sends.push({ idempotencyKey: String(frame.params?.idempotencyKey) });
        if (armed) {
          armed = false;
          cut = true;
          client.terminate();
          setTimeout(() => upstream.close(), 30_000).unref();
        }
      }
    });
    const closeBoth = () => {
      client.terminate();
      if (!cut) upstream.terminate();
    };
    client.on("close", closeBoth);
    upstream.on("close", () => client.terminate());
    client.on("error", closeBoth);
    upstream.on("error", () => client.terminate());
  });

  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropAfterNextSend: () => void (armed = true),
    sendsSeen: () => sends,
    close: async () => {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
