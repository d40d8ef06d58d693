// The one send pipeline (resolve -> decide -> audit intent -> deliver -> audit outcome), shared by the
// MCP tool and the `send` command so both refuse, deliver and record in exactly the same way.
import { createHash, randomUUID } from "node:crypto";
import type { AuditLog } from "../audit/audit-log.js";
import { maskDigitRuns, maskTarget, redactInput } from "../audit/redact.js";
import type { Config, Contact } from "../contacts/config.js";
import type { ConfigSource } from "../contacts/config-source.js";
import type { Channel } from "../contacts/targets.js";
import type { DeliveryOutcome, Transport } from "../gateway/transport.js";
import { checkMessage } from "../policy/message.js";
import { decideRecipient } from "../policy/recipient.js";

export type SendStatus = "sent" | "queued" | "refused" | "failed" | "unknown";

export type SendResult = { status: SendStatus; to: string; channel?: Channel; messageId?: string; reason?: string; dryRun?: true };

export type SendRequest = { to: unknown; message: unknown; origin: "mcp" | "cli" };

export type SendDeps = {
  config: ConfigSource;
  transportFor(config: Config): Transport;
  /** Falls back to the default audit file when the config itself cannot be read. */
  auditFor(config: Config | undefined): AuditLog;
  newId?: () => string;
  /** Diagnostics that must not be lost when the audit log itself fails; never stdout. */
  warn?: (message: string) => void;
};

export async function sendMessage(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const id = (deps.newId ?? randomUUID)();
  const state = deps.config.current();
  const text = typeof request.message === "string" ? request.message : "";
  const base = { id, origin: request.origin, ...textFingerprint(text) };

  if (!state.ok) {
    const reason = `The openclaw-guard config is invalid, so every send is refused until a human fixes it: ${state.error}`;
    return refuse(deps.auditFor(undefined), base, redactInput(request.to), reason, "config-invalid", deps);
  }
  const config = state.config;
  const audit = deps.auditFor(config);
  const recipient = decideRecipient(request.to, config.contacts);
  if (!recipient.allow) return refuse(audit, base, redactInput(request.to), recipient.reason, recipient.code, deps);

  const contact = recipient.contact;
  const message = checkMessage(request.message);
  if (!message.ok) return refuse(audit, base, contact.alias, message.reason, "invalid-message", deps, contact);

  let transport: Transport;
  try {
    transport = deps.transportFor(config);
  } catch (error) {
    return refuse(audit, base, contact.alias, `The configured transport cannot be used, so nothing was sent: ${errorText(error)}`, "transport-unavailable", deps, contact);
  }
  const idempotencyKey = `ocg-${id}`;
  try {
    audit.append({
      event: "attempt",
      ...base,
      to: contact.alias,
      channel: contact.channel,
      target: maskTarget(contact.target),
      ...(config.audit.includeText ? { text } : {}),
      decision: "allow",
      transport: transport.name,
      idempotencyKey,
    });
  } catch (error) {
    // No record, no delivery: an unaudited send is exactly what this tool exists to prevent.
    return { status: "failed", to: contact.alias, channel: contact.channel, reason: `The audit log could not be written (${errorText(error)}); nothing was sent.` };
  }

  const outcome = await deliverSafely(transport, contact, message.text, idempotencyKey);
  const reason = outcome.reason === undefined ? undefined : scrub(outcome.reason, contact);
  const result: SendResult = {
    status: outcome.status,
    to: contact.alias,
    channel: contact.channel,
    ...(outcome.messageId !== undefined ? { messageId: outcome.messageId } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(outcome.dryRun ? { dryRun: true as const } : {}),
  };
  appendOrWarn(audit, { event: "outcome", id, to: contact.alias, status: result.status, messageId: result.messageId, reason, dryRun: result.dryRun }, deps);
  return result;
}

async function deliverSafely(transport: Transport, contact: Contact, text: string, idempotencyKey: string): Promise<DeliveryOutcome> {
  try {
    return await transport.deliver({ channel: contact.channel, target: contact.target, account: contact.account, text, idempotencyKey });
  } catch (error) {
    // A transport that threw may have sent already; "unknown" stops a blind retry.
    return { status: "unknown", reason: `the ${transport.name} transport failed unexpectedly (${errorText(error)}); the message may or may not have been sent.` };
  }
}

function refuse(audit: AuditLog, base: Record<string, unknown>, to: string, reason: string, code: string, deps: SendDeps, contact?: Contact): SendResult {
  appendOrWarn(audit, { event: "attempt", ...base, to, channel: contact?.channel, decision: "refuse", code, reason, status: "refused" }, deps);
  return { status: "refused", to, ...(contact ? { channel: contact.channel } : {}), reason };
}

function appendOrWarn(audit: AuditLog, record: Parameters<AuditLog["append"]>[0], deps: SendDeps): void {
  try {
    audit.append(record);
  } catch (error) {
    deps.warn?.(`openclaw-guard: could not write the audit record (${errorText(error)}): ${JSON.stringify(record)}`);
  }
}

function textFingerprint(text: string): { textSha256: string; textLength: number } {
  return { textSha256: createHash("sha256").update(text, "utf8").digest("hex"), textLength: text.length };
}

/** Gateway and CLI error texts may quote the target; nothing downstream may see it. */
function scrub(reason: string, contact: Contact): string {
  return maskDigitRuns(reason.split(contact.target).join(maskTarget(contact.target)));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
