import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pino, type Logger } from "pino";
import { redactText } from "../audit/redact.js";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { resolveConfigPath } from "../contacts/config.js";
import { createFileState } from "../contacts/config-source.js";
import { createSendDeps } from "../send/deps.js";
import { unsupportedPlatform } from "../setup/platform.js";
import { scopeToAgent, type TokenSource } from "../tokens/scope.js";
import { defaultTokenFile, findAgent, loadTokenFile } from "../tokens/tokens.js";
import { nodeVersionProblem } from "../version.js";
import { BoundedStdioServerTransport } from "./bounded-stdio.js";
import type { Listen } from "./http-server.js";
import { createServer } from "./server.js";
import { watchToolList } from "./watch-tools.js";

export const DEFAULT_HTTP_PORT = 8787;

const OPTIONS = {
  http: { type: "boolean" },
  host: { type: "string" },
  port: { type: "string" },
  socket: { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  tokens: { type: "string" },
} as const;

export async function run(args: string[], platform: NodeJS.Platform = process.platform): Promise<number> {
  const { values } = parseCommandArgs("serve", args, OPTIONS);
  const unsupported = unsupportedPlatform(platform);
  if (unsupported) {
    process.stderr.write(`openclaw-guard serve: refusing to start.\n${unsupported}\n`);
    return 1;
  }
  // stdout carries the MCP protocol on stdio; every diagnostic goes to stderr.
  const log = pino({ name: "openclaw-guard", base: undefined }, pino.destination({ fd: 2, sync: true }));
  const configPath = resolveConfigPath({ flag: values.config });
  // Warn, not refuse: a server that starts on an older Node mostly works, and a client that cannot
  // start its MCP server at all shows the user less than this line in its MCP log.
  const tooOld = nodeVersionProblem(process.versions.node, process.execPath);
  if (tooOld !== undefined) log.warn(`unsupported Node: ${tooOld}`);
  const tokenPath = values.tokens ? resolve(values.tokens) : defaultTokenFile(configPath);
  const tokens: TokenSource = createFileState<ReturnType<TokenSource["current"]>>(tokenPath, (p) => ({ ok: true, file: loadTokenFile(p) }), (error) => ({ ok: false, error }));
  const longestAgentWindow = () => {
    const state = tokens.current();
    return state.ok ? Math.max(0, ...Object.values(state.file.tokens).map((t) => t.rate?.windowSeconds ?? 0)) : 0;
  };
  const deps = createSendDeps(configPath, process.env, (message) => log.warn(message), longestAgentWindow);
  // A broken book does not stop the server: a client that cannot start it hides the tools and shows
  // the reason only in its MCP log. Every call answers with the error and the fix until the book is fixed.
  const book = deps.config.current();
  if (book.ok) {
    try {
      const transport = deps.transportFor(book.config);
      log.info({ config: configPath, transport: transport.name, contacts: book.config.contacts.size }, `openclaw-guard MCP server starting on ${values.http ? "HTTP" : "stdio"}`);
    } catch (error) {
      log.warn({ config: configPath }, `openclaw-guard MCP server starting on ${values.http ? "HTTP" : "stdio"} with an unusable transport (every send is refused until it is fixed): ${errorText(error)}`);
    }
  } else {
    log.warn({ config: configPath }, `openclaw-guard MCP server starting on ${values.http ? "HTTP" : "stdio"} with an invalid address book (every call answers with this until it is fixed): ${book.error}`);
  }
  if (values.http) {
    try {
      const file = loadTokenFile(tokenPath);
      if (Object.keys(file.tokens).length === 0) throw new Error(`${tokenPath}: no agent tokens, so no agent could connect. Add one with: openclaw-guard token add <agent-name>`);
    } catch (error) {
      process.stderr.write(`openclaw-guard serve: refusing to start.\n${errorText(error)}\n`);
      return 1;
    }
  }
  // The hook forms that ask this running server (src/guard/hook-answer.ts), loaded at the first question.
  const answerHook = async (payload: string, homeDir?: string) => (await import("../guard/hook-answer.js")).answerClaudeHook(payload, { configFile: configPath, ...(homeDir ? { homeDir } : {}) });
  if (values.http) return serveHttp(values, deps, tokens, log, answerHook);

  const server = createServer({ send: deps, answerHook });
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  // One oversized or garbled line costs that call, never the connection.
  const stdio = new BoundedStdioServerTransport(process.stdin, process.stdout, {
    // The id is caller input: masked like everything else that reaches a log.
    onDiscarded: ({ bytes, id, request, reason }) => log.warn({ bytes, id: id === undefined ? undefined : redactText(String(id)), request, reason }, "discarded an incoming line; the server goes on"),
  });
  await server.connect(stdio);
  const stopWatching = watchToolList(deps.config, () => void server.sendToolListChanged().catch(() => {}));
  // A client that closes stdin right after a call still gets its answer and its audit record.
  process.stdin.on("end", () => void server.drain().then(() => server.close()));
  await closed;
  stopWatching();
  await deps.close();
  return 0;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Values = { host?: string; port?: string; socket?: string; "tls-cert"?: string; "tls-key"?: string };

export function listenFrom(values: Values): Listen {
  if (values.socket !== undefined) {
    if (values.host !== undefined || values.port !== undefined) throw new UsageError("openclaw-guard serve: --socket excludes --host and --port");
    return { socket: resolve(values.socket) };
  }
  const port = values.port === undefined ? DEFAULT_HTTP_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`openclaw-guard serve: --port ${values.port} is not a TCP port`);
  return { host: values.host ?? "127.0.0.1", port };
}

async function serveHttp(values: Values, deps: ReturnType<typeof createSendDeps>, tokens: TokenSource, log: Logger, answerHook: (payload: string, homeDir?: string) => Promise<unknown>): Promise<number> {
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) throw new UsageError("openclaw-guard serve: --tls-cert and --tls-key go together");
  const tls = values["tls-cert"] && values["tls-key"] ? { cert: readFileSync(values["tls-cert"]), key: readFileSync(values["tls-key"]) } : undefined;
  let http;
  try {
    // Loaded only here: the HTTP stack (the SDK's Streamable HTTP transport, Hono) is a stdio server's largest unused import.
    const { listenHttp } = await import("./http-server.js");
    http = await listenHttp({
      listen: listenFrom(values),
      tls,
      authenticate: (token) => {
        const state = tokens.current();
        return token !== undefined && state.ok ? findAgent(state.file, token)?.name : undefined;
      },
      openSession: (agent) => createServer({ send: scopeToAgent(deps, tokens, agent) }),
      answerHook,
      warn: (message) => log.warn(message),
    });
  } catch (error) {
    process.stderr.write(`openclaw-guard serve: refusing to start.\n${error instanceof Error ? error.message : String(error)}\n`);
    await deps.close();
    return 1;
  }
  log.info({ url: http.url }, "openclaw-guard MCP server listening");
  const stopWatching = watchToolList(deps.config, () => {
    for (const server of http.servers()) void server.sendToolListChanged().catch(() => {});
  });
  // `on`, not `once`: a module's signal-exit handler (proper-lockfile's, once) re-raises a signal when it is the last listener left.
  await new Promise<void>((resolve) => {
    process.on("SIGTERM", () => resolve());
    process.on("SIGINT", () => resolve());
  });
  stopWatching();
  await http.close();
  await deps.close();
  return 0;
}
