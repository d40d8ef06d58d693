// A fake Telegram Bot API on loopback. The real gateway's Telegram channel talks to it
// (via `channels.telegram.apiRoot`), so end-to-end tests can see exactly what would have
// been delivered, and make deliveries fail, without an account or network.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TelegramCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
}

export interface FakeTelegram {
  url: string;
  calls: TelegramCall[];
  /** Methods the fake has no specific answer for (answered `true`). */
  unknownMethods: Set<string>;
  /** sendMessage calls that were answered with success. */
  delivered(): { chat_id: string; text: string }[];
  /** Calls that put something in `chatId` (any send*, poll, topic, sticker...; not lookups or typing). */
  callsTo(chatId: string): TelegramCall[];
  /** Queues an inbound private message from `chatId` for the gateway's next getUpdates. */
  receive(message: { chatId: number; text: string; firstName?: string; username?: string }): void;
  /** Answer the next sendMessage with 403 "bot was blocked by the user". */
  failNextSendMessage(): void;
  /** From now on, answer the next sendMessage calls in this order (then normally): success, an HTTP error, or no answer at all. */
  scriptSendMessage(answers: readonly SendAnswer[]): void;
  close(): Promise<void>;
}

export type SendAnswer = "ok" | "hang" | { status: number; description: string };

const BLOCKED: SendAnswer = { status: 403, description: "Forbidden: bot was blocked by the user" };

export const BOT_TOKEN = "123456:TEST";
const BOT = { id: 123456, is_bot: true, first_name: "Test Bot", username: "test_bot", can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
// Lookups and typing indicators: they reach the API but put no message in a chat.
const QUIET_METHODS = new Set(["getChat", "getChatMember", "sendChatAction", "getMe"]);
// Long polls are held this long so an idle gateway does not spin.
const GET_UPDATES_HOLD_MS = 500;

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const calls: TelegramCall[] = [];
  const unknownMethods = new Set<string>();
  const delivered: { chat_id: string; text: string }[] = [];
  const held = new Set<NodeJS.Timeout>();
  const script: SendAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  let nextMessageId = 1000;
  const inbound: Record<string, unknown>[] = [];
  let nextUpdateId = 1;

  function answer(method: string, body: Record<string, unknown>, res: ServerResponse): void {
    const ok = (result: unknown) => sendJson(res, 200, { ok: true, result });
    switch (method) {
      case "getMe":
        return ok(BOT);
      case "getChat":
        return ok({ id: Number(body.chat_id), type: "private", first_name: "Test", username: "test_user" });
      case "getMyCommands":
        return ok([]);
      case "getUpdates": {
        const offset = Number(body.offset ?? 0);
        const pending = inbound.filter((u) => Number(u.update_id) >= offset);
        if (pending.length > 0) return ok(pending);
        const timer = setTimeout(() => {
          held.delete(timer);
          ok([]);
        }, GET_UPDATES_HOLD_MS);
        held.add(timer);
        return;
      }
      case "sendMessage": {
        const scripted = script.shift() ?? "ok";
        if (scripted === "hang") return void hanging.add(res);
        if (scripted !== "ok") return sendJson(res, scripted.status, { ok: false, error_code: scripted.status, description: scripted.description });
        const chatId = String(body.chat_id);
        const text = String(body.text);
        delivered.push({ chat_id: chatId, text });
        return ok({ message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: "private" }, from: BOT, text });
      }
      case "sendPoll":
      case "sendSticker":
      case "sendPhoto":
      case "sendDocument":
      case "createForumTopic":
        return ok({ message_id: nextMessageId++, message_thread_id: 77, date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: "private" }, from: BOT });
      case "deleteWebhook":
      case "setWebhook":
      case "setMyCommands":
      case "deleteMyCommands":
      case "sendChatAction":
        return ok(true);
      default:
        unknownMethods.add(method);
        return ok(true);
    }
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const match = /^\/bot([^/]+)\/([A-Za-z]+)/.exec(req.url ?? "");
        if (!match) return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
        const [, token = "", method = ""] = match;
        calls.push({ method, token, body });
        answer(method, body, res);
      })
      .catch((error: unknown) => sendJson(res, 500, { ok: false, error_code: 500, description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    unknownMethods,
    delivered: () => delivered,
    callsTo: (chatId) => calls.filter((c) => String(c.body.chat_id) === chatId && !QUIET_METHODS.has(c.method)),
    receive: ({ chatId, text, firstName = "Test", username }) => {
      const updateId = nextUpdateId++;
      const from = { id: chatId, is_bot: false, first_name: firstName, ...(username ? { username } : {}) };
      inbound.push({ update_id: updateId, message: { message_id: 50 + updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private", first_name: firstName }, from, text } });
    },
    failNextSendMessage: () => void script.push(BLOCKED),
    scriptSendMessage: (answers) => void script.splice(0, script.length, ...answers),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of held) clearTimeout(timer);
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

/** Bot API bodies come as JSON, urlencoded form or query string; multipart (files) is kept raw. */
async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  const query = Object.fromEntries(new URL(req.url ?? "/", "http://x").searchParams);
  const type = req.headers["content-type"] ?? "";
  if (!raw) return query;
  if (type.includes("application/json")) return { ...query, ...(JSON.parse(raw) as Record<string, unknown>) };
  if (type.includes("application/x-www-form-urlencoded")) return { ...query, ...Object.fromEntries(new URLSearchParams(raw)) };
  return { ...query, raw };
}
