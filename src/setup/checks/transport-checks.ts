// Layer "transport": the real CLI (exists, is not a shim, runs under a Node it accepts) and the gateway
// (reachable, token accepted: one `health` call, nothing sent).
import type { TransportName } from "../../contacts/config.js";
import { check, type Check } from "../doctor-report.js";
import { isAuthFailure } from "../../gateway/gateway-transport.js";

export type RunResult = { exitCode?: number; stdout: string; stderr: string; timedOut: boolean; spawnError?: string };

export type CliFacts = {
  /** undefined when our config is invalid. */
  transport?: TransportName;
  /** Where the CLI came from: openclaw.bin, the first non-shim `openclaw` on PATH, or nowhere. */
  source: "config" | "path" | "none";
  argv?: readonly string[];
  exists?: boolean;
  executable?: boolean;
  isShim?: boolean;
  /** `<argv> --version`. */
  result?: RunResult;
};

export type GatewayOutcome =
  | { ok: true; ms: number }
  | { ok: false; stage: "connect" | "health"; kind: "auth" | "unreachable" | "timeout" | "error"; code?: string; message: string };

export type GatewayFacts = { skipped: string } | { url: string; urlSource: string; authSource: string; outcome: GatewayOutcome };

const lastLine = (text: string) => text.trim().split("\n").filter(Boolean).pop()?.trim() ?? "";
const firstLine = (text: string) => text.trim().split("\n")[0]?.trim() ?? "";

export function describeArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** Why `--version` did not work, or undefined when it did. */
export function cliProblem(result: RunResult): { summary: string; fix: string } | undefined {
  if (result.spawnError) return { summary: `could not be started (${result.spawnError})`, fix: "point openclaw.bin at the real CLI (an absolute path, or [node, openclaw.mjs])." };
  if (result.timedOut) return { summary: "did not answer --version in time", fix: "run it by hand with --version and fix what hangs." };
  if (result.exitCode === 0) return undefined;
  const text = `${result.stderr}\n${result.stdout}`;
  if (/node:sqlite|unsupported node|requires node|Node \d+\.\d+\.\d+:/i.test(text)) {
    return {
      summary: `refuses the Node it runs under (${firstLine(result.stderr || result.stdout)})`,
      fix: 'run it with Node >=24.16 <25 or >=26.1: bin: ["/path/to/node24/bin/node", "/path/to/openclaw/openclaw.mjs"].',
    };
  }
  return { summary: `exited ${result.exitCode ?? "abnormally"} on --version${lastLine(text) ? `: ${lastLine(text)}` : ""}`, fix: "run it by hand with --version and fix the error." };
}

export function checkCli(facts: CliFacts): Check {
  const id = "transport.cli";
  const argv = facts.argv ? describeArgv(facts.argv) : "";
  if (facts.transport !== "cli") {
    const why = facts.transport === undefined ? "transport unknown while the config is invalid" : `transport ${facts.transport}`;
    const seen = facts.source === "path" && facts.result && !cliProblem(facts.result) ? `; the openclaw on PATH is ${argv}` : "";
    return check(id, "transport", "ok", `the openclaw CLI is not used for delivery (${why})${seen}.`);
  }
  if (facts.source !== "config" || facts.argv === undefined) {
    return check(id, "transport", "fail", 'transport "cli" but openclaw.bin is not set.', 'add bin: "/absolute/path/to/openclaw" to the openclaw section.');
  }
  const file = facts.argv[0] ?? "";
  if (facts.exists === false) return check(id, "transport", "fail", `openclaw.bin ${file} does not exist.`, "set openclaw.bin to the real CLI's absolute path.");
  if (facts.isShim) {
    return check(id, "transport", "fail", `openclaw.bin ${file} is an openclaw-guard shim: it refuses every send.`, "point openclaw.bin at the real CLI (the shim's configured_real line names it).");
  }
  if (facts.executable === false) return check(id, "transport", "fail", `openclaw.bin ${file} is not executable.`, `chmod +x ${JSON.stringify(file)}, or use [node, openclaw.mjs].`);
  const problem = facts.result ? cliProblem(facts.result) : { summary: "was not run", fix: "re-run doctor." };
  if (problem) return check(id, "transport", "fail", `openclaw.bin (${argv}) ${problem.summary}.`, problem.fix);
  return check(id, "transport", "ok", `openclaw.bin (${argv}) exists, is not a shim, and runs (--version answered).`);
}

type GatewayErrorLike = { name?: string; message?: string; code?: unknown; gatewayCode?: unknown; details?: { code?: unknown } };

/** Sorts a connect or request error from @openclaw/gateway-client into what the user must do about it. */
export function classifyGatewayError(error: unknown, stage: "connect" | "health"): Extract<GatewayOutcome, { ok: false }> {
  const e = (error ?? {}) as GatewayErrorLike;
  const codes = [e.details?.code, e.gatewayCode, e.code].filter((c): c is string => typeof c === "string");
  const message = typeof e.message === "string" ? e.message : String(error);
  const code = codes[0];
  if (isAuthFailure({ ...e, message })) {
    return { ok: false, stage, kind: "auth", code, message };
  }
  if (codes.some((c) => /TIMEOUT/i.test(c)) || e.name === "GatewayClientRequestTimeoutError") return { ok: false, stage, kind: "timeout", code, message };
  if (stage === "connect") return { ok: false, stage, kind: "unreachable", code, message };
  return { ok: false, stage, kind: "error", code, message };
}

export function checkGateway(facts: GatewayFacts): Check {
  const id = "transport.gateway";
  if ("skipped" in facts) return check(id, "transport", "warn", facts.skipped, "set openclaw.transport to gateway (or cli) when messages should be delivered.");
  const { url, urlSource, authSource, outcome } = facts;
  if (outcome.ok) return check(id, "transport", "ok", `gateway ${url} reachable, credentials from ${authSource} accepted, health answered in ${outcome.ms} ms (nothing sent).`);
  const code = outcome.code ? ` (${outcome.code})` : "";
  switch (outcome.kind) {
    case "auth":
      return check(
        id,
        "transport",
        "fail",
        `gateway ${url} rejected the credentials from ${authSource}${code}.`,
        "use the running gateway's gateway.auth.token: openclaw.gateway.token in the openclaw-guard config, or OPENCLAW_GATEWAY_TOKEN.",
      );
    case "unreachable":
      return check(id, "transport", "fail", `gateway ${url} (from ${urlSource}) is not reachable: ${outcome.code && !outcome.message.includes(outcome.code) ? `${outcome.message} (${outcome.code})` : outcome.message}.`, "start it (openclaw gateway run, or its service), or point openclaw.gateway.url / OPENCLAW_GATEWAY_URL at it.");
    case "timeout":
      return check(id, "transport", "fail", `gateway ${url} (from ${urlSource}) did not answer ${outcome.stage === "connect" ? "the handshake" : "health"} in time${code}.`, "check that the gateway is running and not overloaded, and that the URL is the gateway's.");
    case "error":
      return check(id, "transport", "fail", `gateway ${url} accepted the connection but health failed${code}: ${outcome.message}.`, "check the gateway's log; this openclaw-guard may not match the gateway's protocol version.");
  }
}
