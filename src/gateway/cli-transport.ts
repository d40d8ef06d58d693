// Delivery by running the real `openclaw` CLI: argv array, no shell, a minimal explicit environment,
// the binary from the config (never a PATH lookup, so a guard shim never sees our own sends).
import type { DeliveryOutcome, DeliveryRequest, Transport } from "./transport.js";

export type CliTransportOptions = { bin: readonly string[]; timeoutMs: number; env?: NodeJS.ProcessEnv };

/**
 * Values are attached as `--opt=value`: the CLI scans the whole argv for root options (`--dev`,
 * `--profile`, `--container`) before parsing it, values included, so a message such as
 * `--container=x` passed as its own argument would pick a container instead of being sent.
 */
export function cliArgv(request: DeliveryRequest): string[] {
  const argv = ["message", "send", `--channel=${request.channel}`, `--target=${request.target}`, `--message=${request.text}`, "--json"];
  if (request.account) argv.push(`--account=${request.account}`);
  return argv;
}

/** HOME, PATH and OPENCLAW_* (how the CLI finds its gateway and token); nothing else the agent set. */
export function cliEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && (key === "HOME" || key === "PATH" || key.startsWith("OPENCLAW_"))) out[key] = value;
  }
  return out;
}

export function createCliTransport({ bin, timeoutMs, env = process.env }: CliTransportOptions): Transport {
  const [file, ...prefix] = bin;
  if (!file) throw new Error("openclaw.bin is empty");
  return {
    name: "cli",
    async deliver(request) {
      // Loaded on first use: execa costs ~90 ms of import time the server's cold start need not pay.
      const { execa } = await import("execa");
      const result = await execa(file, [...prefix, ...cliArgv(request)], {
        env: cliEnvironment(env),
        extendEnv: false,
        shell: false,
        stdin: "ignore",
        timeout: timeoutMs,
        killSignal: "SIGKILL",
        reject: false,
        maxBuffer: 1_000_000,
        encoding: "utf8",
      });
      return interpretCliResult({
        exitCode: result.exitCode,
        stdout: String(result.stdout ?? ""),
        stderr: String(result.stderr ?? ""),
        timedOut: result.timedOut,
        spawnError: result.failed && result.exitCode === undefined && !result.timedOut ? (result.cause as NodeJS.ErrnoException | undefined) : undefined,
        signal: result.signal,
        timeoutMs,
        file,
      });
    },
  };
}

export type CliResult = {
  exitCode?: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: NodeJS.ErrnoException;
  signal?: string;
  timeoutMs: number;
  file: string;
};

export const GATEWAY_BLOCKED = "The gateway blocked it: a gateway plugin hook (such as openclaw-guard's address-book backstop) cancelled the message, so nothing was sent. Do not retry; the recipient is not allowed.";

const DO_NOT_RESEND = "Do not resend blindly: check with the human whether it arrived.";

/** Maps exit code + `--json` output to a status. Pure, so every branch is tested without a process. */
export function interpretCliResult(r: CliResult): DeliveryOutcome {
  if (r.timedOut) {
    return { status: "unknown", reason: `openclaw did not answer within ${Math.round(r.timeoutMs / 1000)} s and was stopped; the message may or may not have been sent. ${DO_NOT_RESEND}` };
  }
  if (r.spawnError) {
    return { status: "failed", reason: `could not start openclaw at ${r.file} (${r.spawnError.code ?? r.spawnError.message}); nothing was sent. Check openclaw.bin in the openclaw-guard config.` };
  }
  const json = parseJson(r.stdout);
  if (r.exitCode === 0) {
    if (json === undefined) return { status: "unknown", reason: `openclaw exited 0 but did not print the expected JSON; delivery is unconfirmed. ${DO_NOT_RESEND}` };
    const partial = partialDelivery(json);
    if (partial) return { status: "unknown", messageId: messageIdOf(json), reason: `${partial} ${DO_NOT_RESEND}` };
    // The CLI exits 0 when a hook cancels (its docs promise otherwise): the payload says so.
    if (findKey(json, "deliveryStatus") === "suppressed" || (json as { payload?: { status?: unknown } }).payload?.status === "suppressed") return { status: "refused", reason: GATEWAY_BLOCKED };
    return { status: "sent", messageId: messageIdOf(json) };
  }
  if (r.exitCode === undefined) {
    return { status: "unknown", reason: `openclaw was killed${r.signal ? ` by ${r.signal}` : ""} before it finished. ${DO_NOT_RESEND}` };
  }
  if (json !== undefined) {
    const partial = partialDelivery(json);
    const message = errorMessageOf(json) ?? "openclaw reported a failure without a message";
    if (partial) return { status: "unknown", reason: `${message}; ${partial} ${DO_NOT_RESEND}` };
    return { status: "failed", reason: message };
  }
  const lastLine = r.stderr.trim().split("\n").pop()?.trim();
  return { status: "failed", reason: `openclaw exited ${r.exitCode}${lastLine ? `: ${lastLine}` : " without output"}` };
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

function partialDelivery(json: unknown): string | undefined {
  // The real CLI (2026.9.6, test/fixtures/openclaw-outcomes.json) says so only in the message's error code.
  if (findKey(json, "sentBeforeError") === true || findKey(json, "deliveryStatus") === "partial_failed" || /\bCHANNEL_PARTIAL_DELIVERY\b/.test(errorMessageOf(json) ?? "")) {
    return "part of the message was delivered before an error.";
  }
  return undefined;
}

function messageIdOf(json: unknown): string | undefined {
  const id = findKey(json, "messageId");
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}

function errorMessageOf(json: unknown): string | undefined {
  const error = (json as { error?: unknown }).error;
  if (typeof error === "string") return error;
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : undefined;
}

/** Breadth-first: the top-level value wins over a nested one of the same name. */
function findKey(json: unknown, key: string, maxDepth = 4): unknown {
  let level: unknown[] = [json];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (!node || typeof node !== "object") continue;
      if (!Array.isArray(node) && Object.hasOwn(node, key)) return (node as Record<string, unknown>)[key];
      next.push(...Object.values(node));
    }
    level = next;
  }
  return undefined;
}
