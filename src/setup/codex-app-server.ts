// Codex's hook trust, read and granted through Codex itself: `codex app-server` speaks JSON-RPC
// (one JSON object per line, no "jsonrpc" field) on stdio. `hooks/list` reports each hook's
// trustStatus ("untrusted" | "trusted" | "modified") and currentHash; trusting a hook is what
// Codex's /hooks screen does: `config/value/write` of hooks.state."<key>".trusted_hash = currentHash
// into config.toml. Codex 0.171.0 skips an untrusted or modified hook silently.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { isOurHookHandler } from "./clients/hook-groups.js";

export interface CodexHook {
  /** `<hooks.json path>:pre_tool_use:<group>:<handler>`, Codex's key for the trust state. */
  readonly key: string;
  readonly command: string;
  readonly sourcePath: string;
  readonly trustStatus: string;
  readonly currentHash: string;
}

export type CodexHooksRead = { hooks: CodexHook[] } | { error: string };

export interface CodexAppServerOptions {
  /** The codex executable (looked up on PATH when it is a bare name). */
  readonly codex: string;
  readonly env: NodeJS.ProcessEnv;
  /** The project directory whose hooks Codex would load. */
  readonly cwd: string;
  readonly timeoutMs: number;
}

type Request = (method: string, params: unknown) => Promise<unknown>;

/** Runs `codex app-server`, initializes it, hands `work` a request function, then stops it. */
async function withAppServer<T>(options: CodexAppServerOptions, work: (request: Request) => Promise<T>): Promise<T> {
  const child = spawn(options.codex, ["app-server"], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "ignore"] });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  child.on("error", (error) => failAll(new Error(`could not run ${options.codex}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
  child.on("exit", (code, signal) => failAll(new Error(`codex app-server exited (${signal ?? `exit ${code}`}) before answering`)));
  child.stdin.on("error", () => {}); // an early exit surfaces through "exit"
  createInterface({ input: child.stdout }).on("line", (line) => {
    let message: { id?: unknown; result?: unknown; error?: { message?: unknown } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    const waiting = typeof message.id === "number" ? pending.get(message.id) : undefined;
    if (!waiting) return; // notifications
    pending.delete(message.id as number);
    if (message.error) waiting.reject(new Error(`codex app-server: ${String(message.error.message ?? JSON.stringify(message.error))}`));
    else waiting.resolve(message.result);
  });
  let nextId = 1;
  const request: Request = (method, params) =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  const timer = setTimeout(() => failAll(new Error(`codex app-server did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
  try {
    await request("initialize", { clientInfo: { name: "openclaw-guard", title: "openclaw-guard", version: "1" } });
    child.stdin.write(`${JSON.stringify({ method: "initialized" })}\n`);
    return await work(request);
  } finally {
    clearTimeout(timer);
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
  }
}

async function listHooks(request: Request, cwd: string): Promise<CodexHook[]> {
  const result = (await request("hooks/list", { cwds: [cwd] })) as { data?: { hooks?: CodexHook[] }[] } | undefined;
  return (result?.data ?? []).flatMap((entry) => entry.hooks ?? []);
}

/** The guard's hooks as Codex sees them (recognised by their command, like init does). */
export function ourCodexHooks(hooks: readonly CodexHook[]): CodexHook[] {
  return hooks.filter((hook) => isOurHookHandler({ command: hook.command }));
}

export async function readCodexHooks(options: CodexAppServerOptions): Promise<CodexHooksRead> {
  try {
    return { hooks: await withAppServer(options, (request) => listHooks(request, options.cwd)) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The hook entry init wrote: its file and its exact command. */
export interface WrittenHook {
  readonly sourcePath: string;
  readonly command: string;
}

/**
 * Only the entry init wrote, never one that merely looks like ours: Codex also lists a trusted
 * project's .codex/hooks.json, and a repository could put any command there dressed up as the guard.
 */
export function writtenHooks(hooks: readonly CodexHook[], written: WrittenHook): CodexHook[] {
  return hooks.filter((hook) => hook.sourcePath === written.sourcePath && hook.command === written.command);
}

/** Trusts the hook init wrote, if not trusted yet, the way Codex's /hooks does; returns it as Codex reports it afterwards. Throws on failure. */
export async function trustOurCodexHooks(options: CodexAppServerOptions, written: WrittenHook): Promise<{ trusted: CodexHook[]; already: CodexHook[] }> {
  return withAppServer(options, async (request) => {
    const ours = writtenHooks(await listHooks(request, options.cwd), written);
    if (ours.length === 0) throw new Error("Codex does not list the openclaw-guard hook (is hooks.json where Codex reads it, and are hooks enabled?)");
    const toTrust = ours.filter((hook) => hook.trustStatus !== "trusted");
    if (toTrust.length > 0) {
      const state = Object.fromEntries(toTrust.map((hook) => [hook.key, { trusted_hash: hook.currentHash }]));
      await request("config/value/write", { keyPath: "hooks.state", mergeStrategy: "upsert", value: state });
    }
    const after = writtenHooks(await listHooks(request, options.cwd), written);
    const untrusted = after.filter((hook) => hook.trustStatus !== "trusted");
    if (untrusted.length > 0) throw new Error(`Codex still reports ${untrusted.map((h) => `${h.key} as ${h.trustStatus}`).join(", ")}`);
    const trustedKeys = new Set(toTrust.map((hook) => hook.key));
    return { trusted: after.filter((hook) => trustedKeys.has(hook.key)), already: after.filter((hook) => !trustedKeys.has(hook.key)) };
  });
}
