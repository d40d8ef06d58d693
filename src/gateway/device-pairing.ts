// Pairing the guard's server with the gateway as its own device. The human runs it once, with the
// shared gateway token at hand; afterwards the server authenticates with the device token alone.
// A local gateway approves a loopback pairing silently by default; otherwise the request waits for
// `openclaw devices approve <requestId>` and pairing is run again.
import { createDeviceCredential, readDeviceCredential, sameGateway, writeDeviceCredential, type DeviceCredential } from "./device-credential.js";
import { displayUrl, type GatewaySettings } from "./gateway-settings.js";
import { isAuthFailure, openGatewayClient, type ClientAuth, type GatewayConnection, type HelloAuth } from "./gateway-transport.js";

export type PairingResult =
  | { status: "paired"; deviceId: string; scopes: string[]; reused: boolean }
  | { status: "pending"; deviceId: string; requestId?: string }
  | { status: "failed"; reason: string };

export type OpenClient = (options: { url: string; auth: ClientAuth; connectTimeoutMs: number; onClose: () => void }) => Promise<{ connection: GatewayConnection; hello: HelloAuth }>;

export type PairingOptions = {
  /** The gateway and the shared credential (token or password) that admits the pairing request. */
  shared: GatewaySettings;
  file: string;
  connectTimeoutMs?: number;
  open?: OpenClient;
  read?: typeof readDeviceCredential;
  write?: typeof writeDeviceCredential;
};

type ErrorLike = { message?: string; details?: { code?: unknown; requestId?: unknown } };

/**
 * Makes sure `file` holds an approved device for `shared.url`: an existing one is checked by
 * connecting with it alone; otherwise the identity is kept (or created) and presented together with
 * the shared credential, and the device token the gateway issues is stored.
 */
export async function pairDevice({ shared, file, connectTimeoutMs = 15_000, open = openGatewayClient, read = readDeviceCredential, write = writeDeviceCredential }: PairingOptions): Promise<PairingResult> {
  const existing = read(file);
  if (existing.error !== undefined) return { status: "failed", reason: existing.error };
  let credential: DeviceCredential | undefined = existing.credential && sameGateway(existing.credential.gatewayUrl, shared.url) ? existing.credential : undefined;
  const secrets = [shared.token, shared.password, credential?.token].filter((s): s is string => Boolean(s));
  const redact = (text: string) => secrets.reduce((out, s) => out.split(s).join("***"), text);

  if (credential?.token !== undefined) {
    try {
      const { connection } = await open({ url: shared.url, auth: { device: credential, deviceToken: credential.token }, connectTimeoutMs, onClose: () => {} });
      connection.stop();
      return { status: "paired", deviceId: credential.deviceId, scopes: credential.scopes, reused: true };
    } catch (error) {
      if (!isAuthFailure(error as ErrorLike)) return { status: "failed", reason: `the paired device could not connect to ${displayUrl(shared.url)}: ${redact((error as Error).message)}` };
      // The gateway no longer knows this token (device removed or revoked): pair the same identity again.
      credential = { ...credential, scopes: [] };
      delete credential.token;
    }
  }
  if (!shared.token && !shared.password) {
    return { status: "failed", reason: `no gateway token for ${displayUrl(shared.url)}: pairing needs it once. Set OPENCLAW_GATEWAY_TOKEN (or run this as the user whose openclaw.json holds gateway.auth.token).` };
  }
  credential ??= createDeviceCredential(shared.url);
  write(file, credential); // the identity survives a pending approval, so re-running finds the same request
  try {
    const auth: ClientAuth = { ...(shared.token ? { token: shared.token } : { password: shared.password! }), device: credential };
    const { connection, hello } = await open({ url: shared.url, auth, connectTimeoutMs, onClose: () => {} });
    connection.stop();
    if (!hello.deviceToken) return { status: "failed", reason: `the gateway accepted the connection but issued no device token (auth method ${hello.method ?? "unknown"}); this OpenClaw version may not support paired operator devices.` };
    const scopes = hello.scopes ?? [];
    write(file, { ...credential, token: hello.deviceToken, scopes, pairedAt: new Date().toISOString() });
    return { status: "paired", deviceId: credential.deviceId, scopes, reused: false };
  } catch (error) {
    const e = error as ErrorLike;
    if (e.details?.code === "PAIRING_REQUIRED") {
      return { status: "pending", deviceId: credential.deviceId, ...(typeof e.details.requestId === "string" ? { requestId: e.details.requestId } : {}) };
    }
    return { status: "failed", reason: `pairing with ${displayUrl(shared.url)} failed: ${redact(e.message ?? String(error))}` };
  }
}
