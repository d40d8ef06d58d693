import { execFileSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { HOOK_HOME_HEADER, HOOK_PATH } from "../../src/guard/hook-forms.js";
import { checkListen, listenHttp, MCP_PATH, type HttpGuard, type Listen } from "../../src/mcp/http-server.js";
import { createServer } from "../../src/mcp/server.js";
import { scopeToAgent } from "../../src/tokens/scope.js";
import { findAgent, mintToken, type Grant, type TokenFile } from "../../src/tokens/tokens.js";
import { BOOK, memoryDeps, privateDir, readAudit } from "../helpers.js";

const BOOK3 = BOOK.replace("  },\n}", '    bob: { channel: "telegram", target: "555000111", description: "Bob", confirm: "always" },\n  },\n}');

const open: HttpGuard[] = [];
afterEach(async () => {
  for (const guard of open.splice(0)) await guard.close();
});

/** Two agents: "red" may use alice and bob (3 sends per hour), "blue" only ops. */
async function start(listen: Listen = { host: "127.0.0.1", port: 0 }, tls?: { cert: Buffer; key: Buffer }, answerHook?: (payload: string, home: string | undefined) => Promise<unknown>) {
  const memory = memoryDeps(BOOK3);
  const red = mintToken();
  const blue = mintToken();
  const grant = (hash: string, aliases: string[], rate?: Grant["rate"]): Grant => ({ hash, aliases, ...(rate ? { rate } : {}), created: "2026-11-29T00:00:00Z" });
  const file: { current: TokenFile } = { current: { version: 1, tokens: { red: grant(red.hash, ["alice", "bob"], { count: 3, windowSeconds: 3600 }), blue: grant(blue.hash, ["ops"]) } } };
  const tokens = { current: () => ({ ok: true as const, file: file.current }) };
  const guard = await listenHttp({
    listen,
    tls,
    authenticate: (token) => (token === undefined ? undefined : findAgent(file.current, token)?.name),
    openSession: (agent) => createServer({ send: scopeToAgent(memory.deps, tokens, agent) }),
    ...(answerHook ? { answerHook } : {}),
  });
  open.push(guard);
  return { ...memory, guard, red: red.token, blue: blue.token, file };
}

async function connect(url: string, token: string, elicit?: (message: string) => boolean) {
  const client = new Client({ name: "http-test", version: "1" }, { capabilities: elicit ? { elicitation: { form: {} } } : {} });
  if (elicit) client.setRequestHandler(ElicitRequestSchema, async (r) => (elicit(r.params.message) ? { action: "accept", content: { send: true } } : { action: "decline" }));
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  const send = (to: string, message: string) => client.callTool({ name: "send_message", arguments: { to, message } }).then((r) => r.structuredContent as { status: string; reason?: string });
  return { client, transport, send };
}

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A bare HTTP request, for what an SDK client would never send. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; socketPath?: string; ca?: Buffer } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      options.socketPath ? { socketPath: options.socketPath, path: MCP_PATH, method: options.method ?? "POST", headers: options.headers } : { hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method ?? "POST", headers: options.headers, ca: options.ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
const MCP_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

describe("serve --http: authentication", () => {
  it("answers 401 with no body to every request without a valid bearer token, whatever the path or method", async () => {
    const { guard, red } = await start();
    const wrong = mintToken().token;
    const cases: [string, Record<string, string>, string][] = [
      ["POST", MCP_HEADERS, guard.url],
      ["POST", { ...MCP_HEADERS, Authorization: `Bearer ${wrong}` }, guard.url],
      ["POST", { ...MCP_HEADERS, Authorization: `bearer ${red}` }, guard.url],
      ["POST", { ...MCP_HEADERS, Authorization: `Bearer  ${red}` }, guard.url],
      ["POST", { ...MCP_HEADERS, Authorization: `Basic ${Buffer.from(`x:${red}`).toString("base64")}` }, guard.url],
      ["POST", { ...MCP_HEADERS, Authorization: `Bearer ${red.slice(0, -1)}` }, guard.url],
      ["POST", MCP_HEADERS, `${guard.url}?token=${red}`],
      ["GET", {}, guard.url],
      ["DELETE", {}, guard.url],
      ["GET", {}, guard.url.replace(MCP_PATH, "/")],
      ["GET", {}, guard.url.replace(MCP_PATH, "/.well-known/oauth-protected-resource")],
    ];
    for (const [method, headers, url] of cases) {
      const answer = await raw(url, { method, headers, body: method === "POST" ? INIT : undefined });
      expect([method, url.replace(red, "<t>"), answer.status, answer.body]).toEqual([method, url.replace(red, "<t>"), 401, ""]);
      expect(answer.headers["www-authenticate"]).toBe('Bearer realm="openclaw-guard"');
      expect(answer.headers["mcp-session-id"]).toBeUndefined();
    }
  });

  it("answers 401 before reading a body, however large", async () => {
    const { guard } = await start();
    const answer = await raw(guard.url, { headers: { ...MCP_HEADERS, "Content-Length": String(64 * 1024 * 1024) }, body: Buffer.alloc(8) });
    expect(answer.status).toBe(401);
  });

  it("refuses a request body over the bound with 413, authenticated or not reaching the tools", async () => {
    const { guard, red, transport } = await start();
    const { transport: session } = await connect(guard.url, red);
    const huge = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "send_message", arguments: { to: "alice", message: "x".repeat(600 * 1024) } } });
    const answer = await raw(guard.url, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${red}`, "mcp-session-id": session.sessionId!, "mcp-protocol-version": "2025-06-18" }, body: huge });
    expect(answer.status).toBe(413);
    expect(transport.requests).toEqual([]);
  });

  it("a revoked token is refused from its next request on, also inside an open session", async () => {
    const { guard, red, file } = await start();
    const { client } = await connect(guard.url, red);
    expect((await client.listTools()).tools).toHaveLength(2);
    const { red: _gone, ...rest } = file.current.tokens;
    file.current = { version: 1, tokens: rest };
    await expect(client.listTools()).rejects.toMatchObject({ code: 401 });
    await expect(connect(guard.url, red)).rejects.toMatchObject({ code: 401 });
  });

  it("one agent cannot use another agent's session id", async () => {
    const { guard, red, blue } = await start();
    const { transport } = await connect(guard.url, red);
    const list = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
    const headers = { ...MCP_HEADERS, "mcp-session-id": transport.sessionId!, "mcp-protocol-version": "2025-06-18" };
    expect((await raw(guard.url, { headers: { ...headers, Authorization: `Bearer ${blue}` }, body: list })).status).toBe(404);
    expect((await raw(guard.url, { headers: { ...headers, Authorization: `Bearer ${red}` }, body: list })).status).toBe(200);
  });

  it("refuses to listen beyond loopback without TLS", () => {
    expect(() => checkListen({ host: "0.0.0.0", port: 1 }, false)).toThrow(/without TLS/);
    expect(() => checkListen({ host: "192.168.1.5", port: 1 }, false)).toThrow(/without TLS/);
    expect(() => checkListen({ host: "127.0.0.1.evil.example", port: 1 }, false)).toThrow(/without TLS/);
    for (const host of ["127.0.0.1", "::1", "[::1]", "localhost", "127.1.2.3"]) expect(() => checkListen({ host, port: 1 }, false)).not.toThrow();
    expect(() => checkListen({ host: "0.0.0.0", port: 1 }, true)).not.toThrow();
    expect(() => checkListen({ socket: "/tmp/x.sock" }, false)).not.toThrow();
  });
});

describe("serve --http: POST /hook/claude-code (Claude Code's http hook)", () => {
  const hookUrl = (guard: HttpGuard) => guard.url.replace(MCP_PATH, HOOK_PATH);

  it("answers a token holder's payload with the hook JSON, 200; the agent's home from the header when absolute", async () => {
    const asked: [string, string | undefined][] = [];
    const { guard, red } = await start(undefined, undefined, async (payload, home) => {
      asked.push([payload, home]);
      return { hookSpecificOutput: { permissionDecision: "deny" } };
    });
    const body = JSON.stringify({ tool_name: "Bash", tool_input: { command: "ls" } });
    const auth = { "Content-Type": "application/json", Authorization: `Bearer ${red}` };
    const answer = await raw(hookUrl(guard), { headers: { ...auth, [HOOK_HOME_HEADER]: "/home/agent" }, body });
    expect([answer.status, answer.headers["content-type"], JSON.parse(answer.body)]).toEqual([200, "application/json", { hookSpecificOutput: { permissionDecision: "deny" } }]);
    await raw(hookUrl(guard), { headers: { ...auth, [HOOK_HOME_HEADER]: "home/agent" }, body });
    expect(asked).toEqual([[body, "/home/agent"], [body, undefined]]);
  });

  it("401 without a valid token, 405 for anything but POST, 413 over 1 MiB, 403 from a foreign page: the hook never asked", async () => {
    const asked: string[] = [];
    const { guard, red } = await start(undefined, undefined, async (payload) => void asked.push(payload));
    const auth = { Authorization: `Bearer ${red}` };
    expect((await raw(hookUrl(guard), { body: "{}" })).status).toBe(401);
    expect((await raw(hookUrl(guard), { headers: { Authorization: `Bearer ${mintToken().token}` }, body: "{}" })).status).toBe(401);
    expect((await raw(hookUrl(guard), { method: "GET", headers: auth })).status).toBe(405);
    expect((await raw(hookUrl(guard), { headers: auth, body: Buffer.alloc(1024 * 1024 + 1, "x") })).status).toBe(413);
    expect((await raw(hookUrl(guard), { headers: { ...auth, Origin: "https://evil.example" }, body: "{}" })).status).toBe(403);
    expect(asked).toEqual([]);
  });

  it("is not there on a listener without a hook decision (404)", async () => {
    const { guard, red } = await start();
    expect((await raw(hookUrl(guard), { headers: { Authorization: `Bearer ${red}` }, body: "{}" })).status).toBe(404);
  });
});

describe("serve --http: what each agent sees and may do", () => {
  it("each token sees only its aliases in tools/list and list_contacts, and may send only to them", async () => {
    const { guard, red, blue, transport, audit } = await start();
    const r = await connect(guard.url, red);
    const b = await connect(guard.url, blue);
    const redTools = JSON.stringify((await r.client.listTools()).tools);
    expect(redTools).toContain("alice (whatsapp");
    expect(redTools).not.toMatch(/\bops\b/);
    const blueContacts = await b.client.callTool({ name: "list_contacts", arguments: {} });
    expect(blueContacts.structuredContent).toEqual({ contacts: [{ alias: "ops", channel: "telegram", description: "Ops group" }] });

    expect(await r.send("ops", "hi")).toMatchObject({ status: "refused" });
    expect(await b.send("alice", "hi")).toMatchObject({ status: "refused" });
    expect(await b.send("+27821234567", "hi")).toMatchObject({ status: "refused" });
    expect(await b.send("alíce", "hi")).toMatchObject({ status: "refused" });
    expect(transport.requests).toEqual([]);
    expect(await b.send("ops", "hello ops")).toMatchObject({ status: "sent" });
    expect(transport.requests.map((q) => q.target)).toEqual(["-1001234567890"]);
    const records = audit.records;
    expect(records.map((x) => x.agent)).toEqual(["red", "blue", "blue", "blue", "blue", "blue"]);
    expect(JSON.stringify(records)).not.toContain(red.slice(4));
  });

  it("a token's own limit applies on top of the book's, counted in the shared ledger", async () => {
    const { guard, red, blue, transport } = await start();
    const a = await connect(guard.url, red);
    const a2 = await connect(guard.url, red); // a second session of the same agent shares its quota
    expect(await a.send("alice", "one")).toMatchObject({ status: "sent" });
    expect(await a2.send("alice", "two")).toMatchObject({ status: "sent" });
    expect(await a.send("alice", "three")).toMatchObject({ status: "sent" });
    expect(await a2.send("alice", "four")).toMatchObject({ status: "refused", reason: expect.stringMatching(/token \(red\) has reached its limit of 3/) });
    const b = await connect(guard.url, blue);
    expect(await b.send("ops", "unaffected")).toMatchObject({ status: "sent" });
    expect(transport.requests).toHaveLength(4);
  });

  it("elicitation works over a stateful HTTP session", async () => {
    const { guard, red, transport } = await start();
    const asked: string[] = [];
    const yes = await connect(guard.url, red, (m) => (asked.push(m), true));
    expect(await yes.send("bob", "needs a yes")).toMatchObject({ status: "sent" });
    expect(asked[0]).toContain("bob (Bob) on telegram");
    const no = await connect(guard.url, red, () => false);
    expect(await no.send("bob", "declined one")).toMatchObject({ status: "refused", reason: expect.stringMatching(/declined/) });
    expect(transport.requests.map((q) => q.text)).toEqual(["needs a yes"]);
  });
});

describe("serve --http: listeners", () => {
  it("serves on a unix socket", async () => {
    const socket = join(privateDir(), "guard.sock");
    const { guard, red } = await start({ socket });
    expect(guard.url).toBe(`unix:${socket}`);
    expect((await raw("http://localhost/mcp", { socketPath: socket, headers: MCP_HEADERS, body: INIT })).status).toBe(401);
    const ok = await raw("http://localhost/mcp", { socketPath: socket, headers: { ...MCP_HEADERS, Authorization: `Bearer ${red}` }, body: INIT });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('"serverInfo":{"name":"openclaw-guard"');
  });

  it("serves over TLS with the given certificate", async () => {
    const dir = privateDir();
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    const { readFileSync } = await import("node:fs");
    const cert = readFileSync(join(dir, "cert.pem"));
    const { guard, red } = await start({ host: "127.0.0.1", port: 0 }, { cert, key: readFileSync(join(dir, "key.pem")) });
    expect(guard.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect((await raw(guard.url, { headers: MCP_HEADERS, body: INIT, ca: cert })).status).toBe(401);
    expect((await raw(guard.url, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${red}` }, body: INIT, ca: cert })).status).toBe(200);
  });
});

describe("openclaw-guard serve --http (the real command)", () => {
  async function serve(args: string[], withToken = true) {
    const { spawn } = await import("node:child_process");
    const { CLI, writeConfig } = await import("../helpers.js");
    const dir = privateDir();
    const config = writeConfig(dir, BOOK);
    let token = "";
    if (withToken) token = execFileSync(process.execPath, [CLI, "token", "add", "agent1", "--aliases", "ops", "--config", config], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { PATH: process.env.PATH, HOME: dir } }).trim();
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
    const child = spawn(process.execPath, [CLI, "serve", "--http", "--config", config, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const url = await new Promise<string | undefined>((resolve) => {
      child.stderr.on("data", (d) => {
        stderr += d;
        const match = /"url":"([^"]+)"/.exec(stderr);
        if (match) resolve(match[1]);
      });
      child.on("exit", () => resolve(undefined));
    });
    const exited = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", resolve)));
    return { url, token, child, exited, output: () => ({ stderr, stdout }), dir };
  }

  it("serves the same tools to a token holder, names the agent in the audit log, and stops on SIGTERM", async () => {
    const { url, token, child, exited, output, dir } = await serve(["--port", "0"]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { send } = await connect(url!, token);
    expect(await send("ops", "over http")).toMatchObject({ status: "sent", dryRun: true });
    expect(await send("alice", "not mine")).toMatchObject({ status: "refused" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output().stdout).toBe("");
    expect(output().stderr).not.toContain(token.slice(4));
    const records = readAudit(join(dir, ".local", "state", "openclaw-guard", "audit.jsonl"));
    expect(records.map((r) => [r.agent, r.to, r.decision ?? r.status])).toEqual([["agent1", "ops", "allow"], ["agent1", "ops", "sent"], ["agent1", "alice", "refuse"]]);
    expect(JSON.stringify(records)).not.toContain(token.slice(4));
  });

  it("answers the http hook with the guard's decision for a token holder", async () => {
    const { url, token, child, exited, dir } = await serve(["--port", "0"]);
    const ask = async (command: string) => {
      const answer = await raw(url!.replace(MCP_PATH, HOOK_PATH), { headers: { Authorization: `Bearer ${token}`, [HOOK_HOME_HEADER]: dir }, body: JSON.stringify({ hook_event_name: "PreToolUse", cwd: dir, tool_name: "Bash", tool_input: { command } }) });
      return JSON.parse(answer.body) as { hookSpecificOutput?: { permissionDecision: string } };
    };
    expect(await ask("git status")).toEqual({});
    expect((await ask("sh -c 'openclaw message send -t +15551234567 -m hi'")).hookSpecificOutput?.permissionDecision).toBe("deny");
    expect((await ask(`echo {} > ${join(dir, ".openclaw", "openclaw.json")}`)).hookSpecificOutput?.permissionDecision).toBe("deny");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("refuses to start without tokens, or beyond loopback without TLS", async () => {
    const none = await serve(["--port", "0"], false);
    expect(await none.exited).toBe(1);
    expect(none.output().stderr).toMatch(/no agent tokens.*token add/s);
    const wide = await serve(["--host", "0.0.0.0", "--port", "0"]);
    expect(await wide.exited).toBe(1);
    expect(wide.output().stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without TLS/);
  });
});

describe("serve --http: DNS rebinding", () => {
  it("a loopback listener refuses a Host or Origin that is not this machine (403), with a valid token", async () => {
    const { guard, red } = await start();
    const port = new URL(guard.url).port;
    const auth = { ...MCP_HEADERS, Authorization: `Bearer ${red}` };
    const hostile: Record<string, string>[] = [{ Host: "evil.example.com" }, { Host: `127.0.0.1.evil.example:${port}` }, { Origin: "http://evil.example.com" }, { Origin: "null" }];
    for (const headers of hostile) {
      expect((await raw(guard.url, { headers: { ...auth, ...headers }, body: INIT })).status).toBe(403);
    }
    expect((await raw(guard.url, { headers: { ...MCP_HEADERS, Host: "evil.example.com" }, body: INIT })).status).toBe(401);
    const local: Record<string, string>[] = [{ Host: `localhost:${port}` }, { Host: `127.0.0.1:${port}`, Origin: `http://localhost:${port}` }];
    for (const headers of local) {
      expect((await raw(guard.url, { headers: { ...auth, ...headers }, body: INIT })).status).toBe(200);
    }
  });
});
