// Delivery over the gateway's WebSocket RPC: one lazily opened connection per process, shared by
// concurrent sends and reopened after a drop. Each message keeps one idempotency key across its
// bounded retries, so a retry after a drop cannot deliver twice (the gateway deduplicates).
import { GATEWAY_BLOCKED } from "./cli-transport.js";
import { DEVICE_CLIENT, DEVICE_ROLE, DEVICE_SCOPES, deviceSigning } from "./device-credential.js";
import { displayUrl, type GatewaySettings, type PairedDevice } from "./gateway-settings.js";
import type { DeliveryOutcome, DeliveryRequest, Transport } from "./transport.js";

/** The part of @openclaw/gateway-client's GatewayClient this transport uses. */
export interface GatewayConnection {
  request<T>(method: string, params: unknown, options?: { timeoutMs?: number }): Promise<T>;
  stop(): void;
}

export type ConnectOptions = GatewaySettings & { onClose: () => void; connectTimeoutMs: number };
export type Connect = (options: ConnectOptions) => Promise<GatewayConnection>;

export type GatewayTransportOptions = {
  settings: GatewaySettings;
  timeoutMs: number;
  connectTimeoutMs?: number;
  /** Attempts per message, the first included; only dropped connections are retried. */
  maxAttempts?: number;
  retryDelayMs?: number;
  connect?: Connect;
};

type SendResult = { messageId?: unknown; runId?: unknown };

/** The error shapes the client library produces, by duck type so tests can fake them. */
type GatewayError = Error & { gatewayCode?: string; code?: string; details?: { code?: string } & Record<string, unknown>; requestSent?: boolean };

export function createGatewayTransport({ settings, timeoutMs, connectTimeoutMs = 10_000, maxAttempts = 3, retryDelayMs = 300, connect = connectWithGatewayClient }: GatewayTransportOptions): Transport {
  let connection: Promise<GatewayConnection> | undefined;

  const open = (): Promise<GatewayConnection> => {
    if (!connection) {
      const opening = connect({ ...settings, connectTimeoutMs, onClose: () => forget(opening) });
      connection = opening;
      opening.catch(() => forget(opening));
    }
    return connection;
  };
  const forget = (which: Promise<GatewayConnection>) => {
    if (connection === which) connection = undefined;
  };
  const redact = (text: string): string => {
    let out = text;
    for (const secret of [settings.token, settings.password, settings.device?.token]) if (secret) out = out.split(secret).join("***");
    return out;
  };

  return {
    name: "gateway",
    async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
      const params = { to: request.target, message: request.text, channel: request.channel, ...(request.account ? { accountId: request.account } : {}), idempotencyKey: request.idempotencyKey };
      let maybeSent = false;
      let lastProblem = "";
      let reloadRetried = false;
      let fix = GATEWAY_FIX;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        if (attempt > 1) await delay(retryDelayMs * (attempt - 1));
        const current = open();
        let client: GatewayConnection;
        try {
          client = await current;
        } catch (error) {
          lastProblem = describeConnectError(error as GatewayError, settings);
          fix = isAuthFailure(error as GatewayError) ? AUTH_FIX : UNREACHABLE_FIX;
          if (isAuthFailure(error as GatewayError)) break; // retrying a wrong token changes nothing
          continue;
        }
        try {
          const result = await client.request<SendResult>("send", params, { timeoutMs });
          return { status: "sent", ...(result?.messageId !== undefined ? { messageId: String(result.messageId) } : {}) };
        } catch (error) {
          const e = error as GatewayError;
          if (e.name === "GatewayClientRequestTimeoutError" || e.gatewayCode === "CLIENT_TIMEOUT" || e.code === "CLIENT_TIMEOUT") {
            if (e.requestSent !== false) return { status: "unknown", reason: redact(`the gateway did not answer within ${Math.round(timeoutMs / 1000)} s after the message was handed to it; it may or may not have been sent. Do not resend blindly.`) };
            lastProblem = "the request could not be handed to the gateway in time";
            continue;
          }
          // A plugin reload (ours, the backstop) refuses calls for a moment: retried once, same idempotency key.
          if (isGatewayAnswer(e) && isPluginReload(e) && !reloadRetried) {
            reloadRetried = true;
            attempt--;
            lastProblem = `the gateway was reloading a plugin (${e.message})`;
            await delay(retryDelayMs);
            continue;
          }
          if (isGatewayAnswer(e)) return outcomeOfGatewayError(e, redact);
          // A dropped connection: the request may have reached the gateway. Retry with the same key.
          maybeSent = true;
          lastProblem = `the connection to the gateway dropped (${e.message})`;
          forget(current);
          client.stop();
        }
      }
      const problem = redact(lastProblem);
      return maybeSent
        ? { status: "unknown", reason: `${problem}; after ${maxAttempts} attempts with the same idempotency key it is unclear whether the message was delivered. Do not resend blindly.` }
        : { status: "failed", reason: `${problem}; nothing was sent.\n${fix}` };
    },
    async close() {
      const current = connection;
      connection = undefined;
      if (current) (await current.catch(() => undefined))?.stop();
    },
  };
}

const GATEWAY_FIX = "Fix: run `openclaw-guard doctor`, which checks the gateway and the plugin.";
const UNREACHABLE_FIX = "Fix: start the gateway (`openclaw gateway run`, or check `openclaw gateway status`) or correct gateway.url; `openclaw-guard doctor` checks it.";
const AUTH_FIX = "Fix: correct the gateway token (or pair the guard's device: `openclaw-guard init openclaw --pair`); `openclaw-guard doctor` checks it.";

/** OpenClaw's PluginInstanceUnavailableError: "Plugin <id> was reloaded or disabled; use its current tools." */
export function isPluginReload(e: { name?: string; message?: string }): boolean {
  return e.name === "PluginInstanceUnavailableError" || /\bPluginInstanceUnavailableError\b|\bPlugin \S+ was reloaded or disabled\b/.test(e.message ?? "");
}

function isGatewayAnswer(e: GatewayError): boolean {
  return e.name === "GatewayClientRequestError" || typeof e.gatewayCode === "string";
}

/** The gateway refused the credentials (by error code, or by message for older gateways). */
export function isAuthFailure(e: { message?: string; code?: unknown; gatewayCode?: unknown; details?: { code?: unknown } }): boolean {
  const codes = [e.details?.code, e.gatewayCode, e.code].filter((c): c is string => typeof c === "string");
  return codes.some((c) => /AUTH_|TOKEN|PASSWORD|UNAUTHORI[SZ]ED|PAIRING/i.test(c)) || /unauthori[sz]ed|token mismatch|invalid token|auth(entication)? failed/i.test(e.message ?? "");
}

export function outcomeOfGatewayError(e: GatewayError, redact: (text: string) => string): DeliveryOutcome {
  const detail = e.details?.code;
  const message = redact(e.message);
  // Shapes recorded from the real gateway: test/fixtures/openclaw-outcomes.json. A refusal by the
  // channel (a Telegram 403) comes back queued as well as a channel that is down (a 502).
  if (detail === "OUTBOUND_DELIVERY_QUEUED") {
    return { status: "queued", reason: `The gateway did not deliver it and keeps the message in its delivery queue (${message}). Do not resend: a retry would be a second copy if the gateway delivers it later.` };
  }
  // The gateway lists what already went out (details.partialDelivery); the rest failed.
  if (e.details?.partialDelivery !== undefined) {
    return { status: "unknown", reason: `The gateway reported an error after part of the message was delivered (${message}). Do not resend blindly.` };
  }
  // `send` answers this when the delivery was suppressed: a message_sending hook cancelled it.
  if (e.gatewayCode === "UNAVAILABLE" && /\bNo delivery result\b/.test(e.message)) return { status: "refused", reason: GATEWAY_BLOCKED };
  return { status: "failed", reason: `The gateway refused the message (${[e.gatewayCode, detail].filter(Boolean).join(", ")}): ${message}\n${GATEWAY_FIX}` };
}

function describeConnectError(e: GatewayError, settings: GatewaySettings): string {
  if (isAuthFailure(e)) return `the gateway at ${displayUrl(settings.url)} rejected the credentials from ${settings.source.auth} (${e.details?.code ?? e.gatewayCode}); check the gateway token`;
  const code = e.code ?? e.gatewayCode;
  return `the gateway at ${displayUrl(settings.url)} (from ${settings.source.url}) is not reachable${code ? ` (${code})` : ""}: ${e.message}`;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How the client authenticates: the paired device (signed challenge + device token), else the shared credential without a device identity. */
function authOptions(options: GatewaySettings): ClientAuth {
  const { device } = options;
  if (device) return { device, deviceToken: device.token };
  return { ...(options.token ? { token: options.token } : {}), ...(options.password ? { password: options.password } : {}) };
}

/** A shared credential and/or a device identity (with its token once paired). */
export type ClientAuth = { token?: string; password?: string; deviceToken?: string; device?: Pick<PairedDevice, "deviceId" | "publicKeyPem" | "privateKeyPem"> };

/** What hello-ok tells about the credential the gateway granted. */
export type HelloAuth = { method?: string; scopes?: string[]; deviceToken?: string };

/**
 * Opens one @openclaw/gateway-client connection and resolves at hello-ok. The library's own
 * reconnect loop is stopped on failure and after a close: callers decide when to retry.
 */
export async function openGatewayClient(options: { url: string; auth: ClientAuth; connectTimeoutMs: number; onClose: () => void }): Promise<{ connection: GatewayConnection; hello: HelloAuth }> {
  const { GatewayClient } = await import("@openclaw/gateway-client");
  const { VERSION } = await import("../version.js");
  const { device, ...secrets } = options.auth;
  return new Promise((resolve, reject) => {
    let settled = false;
    const client = new GatewayClient({
      url: options.url,
      ...secrets,
      // A device identity signs the challenge; without one the shared credential goes alone.
      ...(device ? { deviceIdentity: device, hostDeps: deviceSigning, clientName: DEVICE_CLIENT.name, mode: DEVICE_CLIENT.mode } : { deviceIdentity: null }),
      minProtocol: 4,
      maxProtocol: 4,
      role: DEVICE_ROLE,
      scopes: [...DEVICE_SCOPES],
      clientDisplayName: "openclaw-guard",
      clientVersion: VERSION,
      onHelloOk: (hello) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ connection: client, hello: (hello as { auth?: HelloAuth }).auth ?? {} });
      },
      onConnectError: (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.stop();
        reject(error);
      },
      onClose: () => {
        if (!settled) return;
        // A fresh client is opened on the next send; stop this one's own reconnect loop.
        client.stop();
        options.onClose();
      },
    });
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      client.stop();
      reject(Object.assign(new Error(`no handshake within ${options.connectTimeoutMs} ms`), { code: "CONNECT_TIMEOUT" }));
    }, options.connectTimeoutMs);
    client.start();
  });
}

/** The real connection: operator.write only, loaded on first use. */
export const connectWithGatewayClient: Connect = async (options) => (await openGatewayClient({ url: options.url, auth: authOptions(options), connectTimeoutMs: options.connectTimeoutMs, onClose: options.onClose })).connection;
