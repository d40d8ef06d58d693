// The one send pipeline, shared by the MCP tool and the `send` command:
// recipient -> content -> duplicate window -> rate limits -> confirmation -> deliver, each a pure
// decision with a reason; the intent is audited (fsynced) before delivery and the outcome after it.
import { randomUUID } from "node:crypto";
import type { CountryCode } from "libphonenumber-js";
import { maskTarget, redactInput, redactText } from "../audit/redact.js";
import { sha256, type AuditRecord, type Store } from "../audit/store.js";
import type { Config, Contact } from "../contacts/config.js";
import type { ConfigSource } from "../contacts/config-source.js";
import { phoneNumbers } from "../contacts/phone-numbers.js";
import type { Channel } from "../contacts/targets.js";
import type { DeliveryOutcome, Transport } from "../gateway/transport.js";
import { decideContent, findContent } from "../policy/content.js";
import { decideConfirmation, decideDuplicate, decideRateLimit } from "../policy/limits.js";
import type { Window } from "../policy/settings.js";
import { checkMessage } from "../policy/message.js";
import { decideRecipient } from "../policy/recipient.js";

export type SendStatus = "sent" | "queued" | "refused" | "failed" | "unknown";

export type SendResult = { status: SendStatus; to: string; channel?: Channel; messageId?: string; reason?: string; dryRun?: true };

export type SendRequest = { to: unknown; message: unknown; origin: "mcp" | "cli" };

export type ConfirmationRequest = { alias: string; description: string; channel: Channel; text: string; why: string };
/** Only "accept" sends. */
export type ConfirmationAnswer = { answer: "accept" | "decline" | "cancel" | "unavailable"; detail?: string };

export type SendDeps = {
  config: ConfigSource;
  transportFor(config: Config): Transport;
  /** The audit log + ledger; falls back to the default location when the config cannot be read. */
  storeFor(config: Config | undefined): Store;
  /** Asks the human; absent means nobody can be asked, so anything needing confirmation is refused. */
  confirm?: (request: ConfirmationRequest) => Promise<ConfirmationAnswer>;
  now?: () => number;
  newId?: () => string;
  /** Diagnostics that must not be lost when the audit log itself fails; never stdout. */
  warn?: (message: string) => void;
  /** The agent token a request came with (HTTP): named in every record, its own limit read per send. */
  agent?: { name: string; rate(): Window | undefined };
};

/** National-format numbers in a message are looked for in these regions besides the address book's own. */
const COMMON_REGIONS: CountryCode[] = ["US", "GB", "DE", "FR", "IN", "BR", "ZA", "AU"];

export async function sendMessage(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const id = (deps.newId ?? randomUUID)();
  const now = deps.now ?? Date.now;
  const text = typeof request.message === "string" ? request.message : "";
  const agent = deps.agent?.name;
  const base = { id, origin: request.origin, ...(agent !== undefined ? { agent } : {}), textSha256: sha256(text), textLength: text.length };
  const state = deps.config.current();

  if (!state.ok) {
    const reason = `The openclaw-guard config is invalid, so every send is refused until a human fixes it: ${state.error}`;
    return refuse(deps, deps.storeFor(undefined), { ...base, to: redactInput(request.to) }, "config-invalid", reason);
  }
  const config = state.config;
  const store = deps.storeFor(config);
  const recipient = decideRecipient(request.to, config.contacts);
  if (!recipient.allow) return refuse(deps, store, { ...base, to: redactInput(request.to) }, recipient.code, recipient.reason);

  const contact = recipient.contact;
  const who = { ...base, to: contact.alias, channel: contact.channel, target: maskTarget(contact.target), ...(config.audit.includeText ? { text } : {}) };
  const message = checkMessage(request.message);
  if (!message.ok) return refuse(deps, store, who, "invalid-message", message.reason, contact);

  let findings: Awaited<ReturnType<typeof findContent>>;
  try {
    findings = await findContent(message.text, contact.policy.content, regionsOf(config));
  } catch (error) {
    return refuse(deps, store, who, "content-check-failed", `The content checks could not run (${errorText(error)}), so nothing was sent.`, contact);
  }
  const content = decideContent(findings, contact.policy.content);
  if (content.action === "block") return refuse(deps, store, { ...who, findings: findings.map(({ kind, start, end }) => ({ kind, start, end })) }, "content", content.reason, contact);

  let transport: Transport;
  try {
    transport = deps.transportFor(config);
  } catch (error) {
    return refuse(deps, store, who, "transport-unavailable", `The configured transport cannot be used, so nothing was sent: ${errorText(error)}`, contact);
  }

  const idempotencyKey = `ocg-${id}`;
  const at = now();
  type Reservation = { ok: true; confirmWhy?: string } | { ok: false; code: string; reason: string };
  let reservation: Reservation;
  try {
    reservation = await store.transact<Reservation>((ledger) => {
      const limit = decideDuplicate(ledger.entries, contact.alias, base.textSha256, at, contact.policy.duplicateWindowSeconds);
      const agentWindow = deps.agent?.rate();
      const agentLimit = agent !== undefined && agentWindow ? { name: agent, window: agentWindow } : undefined;
      const rate = limit.ok ? decideRateLimit(ledger.entries, contact.alias, at, contact.policy.perContact, config.globalRateLimit, agentLimit) : limit;
      if (!rate.ok) return { result: rate, records: [refusalRecord(who, rate.code, rate.reason)] };
      const need = decideConfirmation(contact.policy.confirm, ledger.delivered[deliveryKey(contact)] !== undefined, contact.alias, content.action === "confirm" ? content.reason : undefined);
      const confirmWhy = need.required ? need.why : undefined;
      return {
        result: { ok: true, confirmWhy },
        reserve: { id, alias: contact.alias, textSha256: base.textSha256, at, ...(agent !== undefined ? { agent } : {}) },
        records: [{ event: "attempt", ...who, decision: "allow", confirmation: confirmWhy ? "required" : "not-required", transport: transport.name, idempotencyKey }],
      };
    });
  } catch (error) {
    // No record, no delivery: an unaudited send is exactly what this tool exists to prevent.
    return { status: "failed", to: contact.alias, channel: contact.channel, reason: `The audit log or ledger could not be written (${errorText(error)}); nothing was sent.` };
  }
  if (!reservation.ok) return { status: "refused", to: contact.alias, channel: contact.channel, reason: reservation.reason };

  if (reservation.confirmWhy) {
    const answer = deps.confirm ? await deps.confirm({ alias: contact.alias, description: contact.description, channel: contact.channel, text: message.text, why: reservation.confirmWhy }) : { answer: "unavailable" as const };
    // The prompt can stay open for minutes: an address book edited meanwhile wins over the answer.
    const changed = answer.answer === "accept" ? contactChangedSince(deps.config.current(), contact) : undefined;
    if (answer.answer !== "accept" || changed) {
      // The client's cancel detail is caller input.
      const reason = redactText(changed
        ? `The address book changed while the human was asked (${changed}). Nothing was sent; send again if it is still wanted.`
        : `${reservation.confirmWhy} ${notConfirmed(answer)} Nothing was sent. To proceed, the human can send it themselves or change the policy in the openclaw-guard config.`);
      await settle(deps, store, id, contact, { status: "refused", to: contact.alias, channel: contact.channel, reason }, true);
      return { status: "refused", to: contact.alias, channel: contact.channel, reason };
    }
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
  // A failed or gateway-refused delivery sent nothing, so it gives its quota back; unknown keeps it (it may have gone out).
  await settle(deps, store, id, contact, result, outcome.status === "failed" || outcome.status === "refused");
  return result;
}

/** What `confirm: "first"` remembers: a new target or channel for an alias is a new first message. */
function deliveryKey(contact: Contact): string {
  return `${contact.alias}|${contact.channel}|${contact.account ?? ""}|${contact.target}`;
}

function contactChangedSince(state: ReturnType<ConfigSource["current"]>, contact: Contact): string | undefined {
  if (!state.ok) return "it is now invalid";
  const now = state.config.contacts.get(contact.alias);
  if (!now) return `"${contact.alias}" was removed`;
  return deliveryKey(now) === deliveryKey(contact) ? undefined : `"${contact.alias}" now points elsewhere`;
}

function notConfirmed(answer: ConfirmationAnswer): string {
  switch (answer.answer) {
    case "unavailable":
      return `No human could be asked (${answer.detail ?? "this client does not support confirmation prompts"}).`;
    case "decline":
      return "The human declined.";
    case "cancel":
      return `The confirmation was cancelled${answer.detail ? ` (${answer.detail})` : ""}.`;
    case "accept":
      return "";
  }
}

/** `result.reason` is already redacted: a transport's by scrub, ours where it is built. */
async function settle(deps: SendDeps, store: Store, id: string, contact: Contact, result: SendResult, release: boolean): Promise<void> {
  const record: AuditRecord = { event: "outcome", id, ...(deps.agent ? { agent: deps.agent.name } : {}), to: contact.alias, status: result.status, messageId: result.messageId, reason: result.reason, dryRun: result.dryRun };
  // A dry run counts against the limits it simulates, but is not a first message to anyone.
  const reachedContact = !release && !result.dryRun;
  try {
    await store.transact(() => ({ result: undefined, records: [record], release: release ? id : undefined, markDelivered: reachedContact ? deliveryKey(contact) : undefined }));
  } catch (error) {
    deps.warn?.(`openclaw-guard: could not write the outcome record (${errorText(error)}): ${JSON.stringify(record)}`);
  }
}

async function deliverSafely(transport: Transport, contact: Contact, text: string, idempotencyKey: string): Promise<DeliveryOutcome> {
  try {
    return await transport.deliver({ channel: contact.channel, target: contact.target, account: contact.account, text, idempotencyKey });
  } catch (error) {
    // A transport that threw may have sent already; "unknown" stops a blind retry.
    return { status: "unknown", reason: `the ${transport.name} transport failed unexpectedly (${errorText(error)}); the message may or may not have been sent.` };
  }
}

/** Reasons can quote caller input (an alias, a config or transport error): masked like it. */
function refusalRecord(who: Record<string, unknown>, code: string, reason: string): AuditRecord {
  return { event: "attempt", ...who, decision: "refuse", code, reason: redactText(reason), status: "refused" };
}

async function refuse(deps: SendDeps, store: Store, who: Record<string, unknown> & { to: string }, code: string, reason: string, contact?: Contact): Promise<SendResult> {
  const record = refusalRecord(who, code, reason);
  try {
    await store.record(record);
  } catch (error) {
    deps.warn?.(`openclaw-guard: could not write the audit record (${errorText(error)}): ${JSON.stringify(record)}`);
  }
  return { status: "refused", to: who.to, ...(contact ? { channel: contact.channel } : {}), reason };
}

/** Derived once per loaded config (a reload is a new object), not on every send. */
const regionsByConfig = new WeakMap<Config, CountryCode[]>();

function regionsOf(config: Config): CountryCode[] {
  const cached = regionsByConfig.get(config);
  if (cached) return cached;
  const regions = new Set<CountryCode>(COMMON_REGIONS);
  for (const contact of config.contacts.values()) {
    const country = contact.target.startsWith("+") ? phoneNumbers().parsePhoneNumberFromString(contact.target)?.country : undefined;
    if (country) regions.add(country);
  }
  const list = [...regions];
  regionsByConfig.set(config, list);
  return list;
}

/** Gateway and CLI error texts may quote the target; nothing downstream may see it. */
function scrub(reason: string, contact: Contact): string {
  // The pieces between, not the masked target: its bullets would join its two ends into one run.
  return reason.split(contact.target).map(redactText).join(maskTarget(contact.target));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
