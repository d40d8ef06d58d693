// What the real OpenClaw gateway and CLI answer, recorded by test/e2e/outcome-shapes.test.ts into
// test/fixtures/openclaw-outcomes.json, and replayed by test/gateway/recorded-outcomes.test.ts
// against the transports' mappings. The e2e test compares every run with the file, so the
// fixtures cannot drift from the pinned openclaw: re-record with UPDATE_FIXTURES=1.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const OUTCOMES_FILE = join(import.meta.dirname, "..", "fixtures", "openclaw-outcomes.json");

/** An error as the client library hands it to the gateway transport: name, message and own fields. */
export interface ErrorShape {
  name: string;
  message: string;
  [key: string]: unknown;
}

/** One `openclaw message send --json` run. */
export interface CliShape {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RecordedOutcomes {
  openclaw: string;
  /** `send` over the gateway WebSocket through @openclaw/gateway-client: a result or an error. */
  gateway: Record<string, { result: unknown } | { error: ErrorShape }>;
  cli: Record<string, CliShape>;
}

export function readRecordedOutcomes(): RecordedOutcomes {
  return JSON.parse(readFileSync(OUTCOMES_FILE, "utf8")) as RecordedOutcomes;
}

/** The error, rebuilt from its recorded shape (what the transport duck-types on). */
export function errorFromShape(shape: ErrorShape): Error {
  const { message, ...fields } = shape;
  return Object.assign(new Error(message), fields);
}

/** Own fields of an error (and the standard name/message), as plain JSON. */
export function shapeOfError(error: unknown): ErrorShape {
  const e = error as Error & Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) if (key !== "stack") fields[key] = e[key];
  if (e.cause !== undefined && !("cause" in fields)) fields.cause = e.cause instanceof Error ? shapeOfError(e.cause) : e.cause;
  return JSON.parse(JSON.stringify({ name: e.name, message: e.message, ...fields })) as ErrorShape;
}

/**
 * Replaces what differs from run to run (the gateway's port and token, ids, times, temp paths)
 * with stable placeholders, so a recording can be compared with the file.
 */
export function stabilise<T>(value: T, vary: { token: string; port: number; home: string }): T {
  const text = (s: string) =>
    s
      .split(vary.token)
      .join("<token>")
      .split(vary.home)
      .join("<home>")
      .replaceAll(`:${vary.port}`, ":<port>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
      .replace(/(?<![\w.])\d{10,}(?![\w.])/g, "<n>")
      .replace(/\b\d+ ?ms\b/g, "<ms>")
      .replace(/("messageId": )"\d+"/g, '$1"<id>"'); // inside the CLI's printed JSON
  // The fake Telegram numbers its messages in order: ids depend on what ran before.
  const ID_KEY = /^(messageId|messageIds|platformMessageId|platformMessageIds|primaryPlatformMessageId)$/;
  const walk = (v: unknown, key = ""): unknown => {
    if (ID_KEY.test(key)) return Array.isArray(v) ? v.map(() => "<id>") : "<id>";
    if (typeof v === "string") return text(v);
    if (typeof v === "number") return v >= 1e9 ? "<n>" : v; // times and generated ids
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}
