// The OpenClaw gateway plugin: the backstop. It cancels every outbound message whose recipient is
// not in the vetted address book, whatever path it came by (RPC, CLI, cron, webhooks, the
// assistant's message tool and replies). OpenClaw delivers a message when a hook throws or runs
// past 15 s, so every decision is synchronous, in memory, and any internal error cancels.
import { dirname, join } from "node:path";
import { z } from "zod";
import { defaultAuditFile, expandHome, resolveConfigPath } from "../contacts/config-path.js";
import { canonicalDestination, destinationKey, isChannel } from "../contacts/targets.js";
import { ADMISSION_WINDOW_MS, createAdmissions, type Admissions } from "./admissions.js";
import { checkContent, toolCallText, warmContentChecks } from "./content-gate.js";
import { decideReply, decideSend, decideToolCall, type BookState, type Policy, type ToolPolicy, type Verdict } from "./decide.js";
import { alertText, attemptRecord, createAlertBudget, createAuditQueue, defaultWriter, type AlertSettings, type Attempt, type AuditQueue, type HookPath } from "./gateway-log.js";
import { allowToSchema, watchBook, type LiveBook } from "./live-book.js";

export { bookFingerprint } from "./book.js";

export const PLUGIN_ID = "openclaw-guard";
/** The gateway RPC (scope operator.read) that reports what the plugin enforces, for `doctor`. */
export const STATUS_METHOD = "openclaw-guard.status";
/** Runs before other plugins' handlers, so no one else's cancel or rewrite is what decides. */
const PRIORITY = 10_000;
/**
 * The tool gate's second check runs after every other plugin's `before_tool_call` handler and
 * returns the params it checked: OpenClaw applies the last handler's params, so a rewrite by
 * another plugin after ours is overwritten (each handler sees the original params, not rewrites).
 */
const LAST = -1_000_000;
/** Declared in openclaw.plugin.json `contracts.trustedToolPolicies`: runs before all ordinary hooks. */
const TRUSTED_POLICY_ID = "outbound-gate";
/** A week: longer would make one old message a standing pass to that chat. */
const MAX_ADMISSION_WINDOW_SECONDS = 7 * 24 * 3600;

export const pluginConfigSchema = z.strictObject({
  /** Default: the guard's own default config path, as `openclaw-guard serve` resolves it in the gateway's environment. */
  configPath: z.string().min(1).optional(),
  allowTo: allowToSchema.optional(),
  internalChannels: z.array(z.string().min(1)).default(["webchat"]),
  auditFile: z.string().min(1).optional(),
  alert: z.strictObject({ to: z.string().min(1), maxPerHour: z.number().int().min(1).max(3600) }).optional(),
  /** Outbound-capable tools the book cannot vet (sessions_send, voice_call, ...) a human allows anyway. */
  allowTools: z.array(z.string().min(1)).default([]),
  /** How long after a Telegram sender the channel admitted wrote in a reply to them needs no contact; 0: never. */
  admissionWindowSeconds: z.number().int().min(0).max(MAX_ADMISSION_WINDOW_SECONDS).default(ADMISSION_WINDOW_MS / 1000),
});
export type PluginConfig = z.infer<typeof pluginConfigSchema>;

/** The parts of OpenClaw's plugin API this plugin uses (OpenClaw is not a dependency of this package). */
export type PluginApi = {
  pluginConfig?: unknown;
  logger?: { info?: (message: string) => void; warn?: (message: string) => void; error?: (message: string) => void };
  on(hook: string, handler: (event: any, ctx: any) => unknown, options?: { priority?: number }): void;
  registerTrustedToolPolicy?(policy: { id: string; description: string; evaluate: (event: any, ctx: any) => unknown }): void;
  registerGatewayMethod?(method: string, handler: (options: { respond: (ok: boolean, payload?: unknown) => void }) => void, options?: { scope?: string }): void;
  config?: unknown;
  runtime?: { channel?: { outbound?: { loadAdapter?: (channel: string) => Promise<{ sendText?: (context: Record<string, unknown>) => Promise<unknown> } | undefined> } } };
};

type Guard = {
  book: LiveBook | undefined;
  configError?: string;
  policy: Policy & ToolPolicy;
  admissions: Admissions;
  audit: AuditQueue;
  alert?: AlertSettings;
  alertAllowed: (now: number) => boolean;
  send?: (message: { channel: string; to: string; text: string }) => Promise<unknown>;
  log: Log;
};

type Log = { info: (message: string) => void; warn: (message: string) => void; error: (message: string) => void };

// One guard per plugin configuration per process: register() runs more than once (OpenClaw
// registers twice at start and again on a config reload), and watchers must not multiply.
const guards = new Map<string, Guard>();
const registeredApis = new WeakSet<object>();

function guardFor(api: PluginApi): Guard {
  const log: Log = { info: (m: string) => api.logger?.info?.(m), warn: (m: string) => api.logger?.warn?.(m), error: (m: string) => api.logger?.error?.(m) };
  const parsed = pluginConfigSchema.safeParse(api.pluginConfig ?? {});
  const key = JSON.stringify(api.pluginConfig ?? null);
  const existing = guards.get(key);
  if (existing) {
    existing.send = gatewaySend(api) ?? existing.send;
    return existing;
  }
  const config = parsed.success ? parsed.data : undefined;
  const configError = parsed.success ? undefined : `invalid plugin config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`;
  let book: LiveBook | undefined;
  const auditFile = () => (config?.auditFile ? expandHome(config.auditFile) : join(dirname(book?.auditFile() ?? defaultAuditFile()), "gateway-audit.jsonl"));
  const guard: Guard = {
    book: undefined,
    configError,
    policy: { internalChannels: new Set(config?.internalChannels ?? ["webchat"]), allowTools: new Set(config?.allowTools ?? []) },
    admissions: createAdmissions((config?.admissionWindowSeconds ?? 0) * 1000),
    audit: createAuditQueue(auditFile, defaultWriter(), (m) => log.error(m)),
    alert: config?.alert,
    alertAllowed: createAlertBudget(config?.alert?.maxPerHour ?? 1),
    send: gatewaySend(api),
    log,
  };
  if (config) {
    book = watchBook(config.configPath ? expandHome(config.configPath) : resolveConfigPath(), { allowTo: config.allowTo, onChange: (state) => reportBook(guard, state) });
    guard.book = book;
  } else {
    log.error(`openclaw-guard: ${configError}; every outbound message is cancelled until the plugin config is fixed.`);
  }
  guards.set(key, guard);
  return guard;
}

/**
 * The channel's own outbound adapter. `api.runtime.gateway.request("send")` would be the obvious
 * way, but OpenClaw 2026.9.6 offers it only to bundled or official plugins (seen).
 */
function gatewaySend(api: PluginApi): Guard["send"] {
  const load = api.runtime?.channel?.outbound?.loadAdapter;
  if (!load) return undefined;
  return async ({ channel, to, text }) => {
    const adapter = await load(channel);
    if (!adapter?.sendText) throw new Error(`the ${channel} channel offers no text sending to plugins`);
    return adapter.sendText({ cfg: api.config, to, text });
  };
}

function bookState(guard: Guard): BookState {
  if (guard.configError) return { ok: false, error: guard.configError };
  return guard.book?.current() ?? { ok: false, error: "no address book" };
}

/**
 * The gateway log carries the fingerprint at every (re)load, and the STATUS_METHOD RPC answers it:
 * `doctor` compares it with bookFingerprint() of the MCP server's config, never seeing a number.
 */
function reportBook(guard: Guard, state: BookState): void {
  if (state.ok) guard.log.info(`openclaw-guard: enforcing address book ${state.book.fingerprint} (${state.book.size} contacts)`);
  else guard.log.error(`openclaw-guard: the address book is not usable, every outbound message is cancelled: ${state.error}`);
}

function statusOf(guard: Guard): Record<string, unknown> {
  const state = bookState(guard);
  const common = { internalChannels: [...guard.policy.internalChannels], loadedAt: new Date(guard.book?.loadedAt() ?? 0).toISOString(), ...guard.book?.describe() };
  return state.ok ? { ok: true, fingerprint: state.book.fingerprint, contacts: state.book.size, ...common } : { ok: false, error: state.error, ...common };
}

/** Audits every attempt and alerts on cancels; errors here are reported, never thrown into a hook. */
function report(guard: Guard, attempt: Attempt): void {
  try {
    guard.audit.append(attemptRecord(attempt));
    if (!attempt.verdict.deliver) notify(guard, attempt);
  } catch (error) {
    guard.log.error(`openclaw-guard: could not record an attempt (${String(error)})`);
  }
}

function notify(guard: Guard, attempt: Attempt): void {
  const alert = guard.alert;
  if (!alert) return;
  const state = bookState(guard);
  const entry = state.ok ? [...state.book.entries.values()].find((e) => e.alias === alert.to) : undefined;
  const record = (status: string, detail?: string) => guard.audit.append({ event: "gateway-alert", to: alert.to, status, ...(detail ? { detail } : {}) });
  if (!entry) return record("no-contact", `alert.to "${alert.to}" is not a usable contact in the address book`);
  if (!guard.alertAllowed(Date.now())) return record("rate-limited", `more than ${alert.maxPerHour} alerts this hour`);
  if (!guard.send) return record("unavailable", "this gateway offers plugins no send");
  const message = { to: destinationKey(entry.destination), channel: entry.destination.channel, text: alertText(attempt, new Date()) };
  // Deferred: the hook answers first.
  setImmediate(() => {
    guard.send!(message).then(
      () => record("sent"),
      (error: unknown) => record("failed", error instanceof Error ? error.message : String(error)),
    );
  });
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * Runs a decision; any exception, in the decision or in reading the event, becomes a cancel (the
 * gateway's own handling of a throwing hook would deliver the message).
 */
function decided(guard: Guard, path: HookPath, decide: () => { verdict: Verdict; attempt: Omit<Attempt, "path" | "verdict"> }, { recordDelivered = true } = {}): Verdict {
  try {
    const { verdict, attempt } = decide();
    // Other tools, and reading actions of the message tool, send nothing: not an outbound attempt.
    if (verdict.code !== "not-a-send" && verdict.code !== "read-only-action" && (recordDelivered || !verdict.deliver)) report(guard, { path, ...attempt, verdict });
    return verdict;
  } catch (error) {
    const verdict: Verdict = { deliver: false, code: "internal-error", reason: "openclaw-guard blocked this message at the gateway: the guard hit an internal error, and fails closed.", to: "?" };
    guard.log.error(`openclaw-guard: internal error in ${path}, cancelled: ${error instanceof Error ? error.message : String(error)}`);
    report(guard, { path, channel: "?", verdict });
    return verdict;
  }
}

const PASSED_UNCHECKED = new Set(["internal-channel", "not-a-send", "read-only-action"]);

/**
 * decided() plus the content policy on what the recipient check let through: a secret or a deny
 * pattern cancels even to a vetted chat. A `confirm` finding is delivered here (message_sending
 * cannot ask the human; the tool gate asks through a plugin approval, send_message asked already).
 */
function decidedWithContent(guard: Guard, path: HookPath, decide: () => { verdict: Verdict; attempt: Omit<Attempt, "path" | "verdict"> }): Verdict | Promise<Verdict> {
  let decision: { verdict: Verdict; attempt: Omit<Attempt, "path" | "verdict"> } | undefined;
  const verdict = decided(guard, path, () => {
    decision = decide();
    return decision;
  }, { recordDelivered: false });
  const state = bookState(guard);
  const text = decision?.attempt.text;
  // Refusals, internal channels and empty texts answer synchronously; only a delivery is scanned.
  if (!decision || !verdict.deliver || PASSED_UNCHECKED.has(verdict.code) || !state.ok || typeof text !== "string" || text.trim() === "") {
    if (decision && verdict.deliver && !PASSED_UNCHECKED.has(verdict.code)) report(guard, { path, ...decision.attempt, verdict });
    return verdict;
  }
  const attempt = decision.attempt;
  return checkContent(state.book, verdict.alias, text).then(
    (content) => {
      const final: Verdict = content.action === "block" ? { deliver: false, code: "content", reason: `openclaw-guard blocked this message at the gateway: ${content.reason}`, to: verdict.to } : verdict;
      report(guard, { path, ...attempt, verdict: final });
      return final;
    },
    (error: unknown) => {
      guard.log.error(`openclaw-guard: the content checks failed in ${path}, cancelled: ${String(error)}`);
      const final: Verdict = { deliver: false, code: "content-check-failed", reason: "openclaw-guard blocked this message at the gateway: the content checks could not run, and the guard fails closed.", to: verdict.to };
      report(guard, { path, ...attempt, verdict: final });
      return final;
    },
  );
}

/**
 * A plugin whose register() throws leaves the gateway unguarded, so a failure here still registers
 * hooks, ones that cancel every external message.
 */
function register(api: PluginApi): void {
  if (registeredApis.has(api)) return;
  registeredApis.add(api);
  let guard: Guard;
  try {
    guard = guardFor(api);
  } catch (error) {
    guard = guardFor({ on: api.on, logger: api.logger, pluginConfig: { invalid: `the plugin could not start: ${String(error)}` } });
  }

  warmContentChecks();

  api.on(
    "message_sending",
    (event, ctx) => {
      const answer = (verdict: Verdict) => (verdict.deliver ? undefined : { cancel: true, cancelReason: verdict.reason });
      const result = decidedWithContent(guard, "message_sending", () => {
        const channel = ctx?.channelId;
        const claimed = event?.metadata?.channel;
        // The channel the context and the event name must agree, or it is unclear who would receive it.
        const agreed = claimed === undefined || claimed === channel ? channel : undefined;
        const verdict = decideSend(bookState(guard), guard.policy, guard.admissions, { channel: agreed, to: event.to, threadId: event.threadId, content: event.content }, Date.now());
        return { verdict, attempt: { channel: str(channel) ?? "?", account: str(ctx?.accountId), text: event.content, sessionKey: str(ctx?.sessionKey) } };
      });
      return result instanceof Promise ? result.then(answer) : answer(result);
    },
    { priority: PRIORITY },
  );

  api.on(
    "reply_payload_sending",
    (event, ctx) => {
      const answer = (verdict: Verdict) => (verdict.deliver ? undefined : { cancel: true, reason: verdict.reason });
      const result = decidedWithContent(guard, "reply_payload_sending", () => {
        const attempt = { channel: ctx?.channelId, accountId: ctx?.accountId, conversationId: ctx?.conversationId, senderId: ctx?.senderId, text: event?.payload?.text };
        const verdict = decideReply(bookState(guard), guard.policy, guard.admissions, attempt, Date.now());
        return { verdict, attempt: { channel: str(attempt.channel) ?? "?", account: str(ctx?.accountId), text: event?.payload?.text, sessionKey: str(ctx?.sessionKey) } };
      });
      return result instanceof Promise ? result.then(answer) : answer(result);
    },
    { priority: PRIORITY },
  );

  const toolVerdict = (event: any, ctx: any) =>
    decided(guard, "before_tool_call", () => {
      const params = event?.params;
      const verdict = decideToolCall(bookState(guard), guard.policy, { toolName: event?.toolName, params, channelId: ctx?.channelId });
      return { verdict, attempt: { channel: str(params?.channel) ?? str(ctx?.channelId) ?? "?", action: str(params?.action), sessionKey: str(ctx?.sessionKey) } };
    });

  // First: the host-trusted tier runs before every ordinary before_tool_call hook (OpenClaw
  // 2026.9.6; needs the manifest contract and an explicitly enabled plugin). It only refuses; the
  // ordinary hook below records the decision, so an allowed call is audited once.
  try {
    api.registerTrustedToolPolicy?.({
      id: TRUSTED_POLICY_ID,
      description: "openclaw-guard: refuses tool calls that reach unvetted recipients or could switch the guard off",
      evaluate: (event, ctx) => {
        try {
          if (decideToolCall(bookState(guard), guard.policy, { toolName: event?.toolName, params: event?.params, channelId: ctx?.channelId }).deliver) return undefined;
          const verdict = toolVerdict(event, ctx); // records the refusal
          return verdict.deliver ? undefined : { block: true, blockReason: verdict.reason };
        } catch {
          return { block: true, blockReason: "openclaw-guard blocked this tool call: the guard hit an internal error, and fails closed." };
        }
      },
    });
  } catch (error) {
    guard.log.warn(`openclaw-guard: the trusted tool policy could not be registered (${String(error)}); the ordinary tool hook still gates.`);
  }

  // Last: the ordinary hook re-checks the params after every other plugin's handler and pins them.
  api.on(
    "before_tool_call",
    (event, ctx) => {
      const verdict = toolVerdict(event, ctx);
      if (!verdict.deliver) return { block: true, blockReason: verdict.reason };
      if (verdict.code === "read-only-action" || (verdict.code === "not-a-send" && event?.toolName !== "message" && !guard.policy.allowTools.has(event?.toolName))) return undefined;
      const params = event?.params && typeof event.params === "object" ? (event.params as Record<string, unknown>) : {};
      const state = bookState(guard);
      const text = toolCallText(params);
      if (event?.toolName !== "message" || !state.ok || verdict.code === "internal-channel" || text === undefined) return { params };
      return checkContent(state.book, verdict.alias, text).then(
        (content) => {
          if (content.action === "block") return { block: true, blockReason: `openclaw-guard blocked this tool call: ${content.reason}` };
          if (content.action === "allow") return { params };
          // A plugin approval to the human: allow-once or deny; OpenClaw denies when it times out.
          const requireApproval = { title: "message-send", description: `openclaw-guard: ${content.reason} Allow this one message?`, severity: "warning", timeoutMs: 120_000, allowedDecisions: ["allow-once", "deny"] };
          return { params, requireApproval };
        },
        (error: unknown) => {
          guard.log.error(`openclaw-guard: the content checks failed in before_tool_call, refused: ${String(error)}`);
          return { block: true, blockReason: "openclaw-guard blocked this tool call: the content checks could not run." };
        },
      );
    },
    { priority: LAST },
  );

  // Inbound messages the channel admitted: the conversations replies may go back to.
  api.on("message_received", (event, ctx) => {
    try {
      const channel = ctx?.channelId;
      const conversation = ctx?.conversationId ?? event?.from;
      if (!isChannel(channel) || typeof conversation !== "string") return;
      const destination = canonicalDestination(channel, conversation);
      if (destination) guard.admissions.admit({ channel, accountId: ctx?.accountId, destination, senderId: event?.senderId ?? ctx?.senderId }, Date.now());
    } catch (error) {
      guard.log.error(`openclaw-guard: could not note an inbound message (${String(error)})`);
    }
  });

  api.registerGatewayMethod?.(STATUS_METHOD, ({ respond }) => respond(true, statusOf(guard)), { scope: "operator.read" });
}

export default {
  id: PLUGIN_ID,
  name: "openclaw-guard",
  description: "Cancels outbound messages to anyone not in the openclaw-guard address book.",
  register,
};
