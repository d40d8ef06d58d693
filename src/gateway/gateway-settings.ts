// Where the gateway is and how to authenticate, resolved in the order the openclaw CLI uses:
// our config, then OPENCLAW_GATEWAY_* variables, then gateway.* in OpenClaw's own config. A paired
// device credential for that gateway replaces every shared credential: it is the narrower one.
import { defaultDeviceCredentialFile, readDeviceCredential, sameGateway, type DeviceCredential, type DeviceCredentialRead } from "./device-credential.js";
import { pick, readOpenclawConfig, substituteEnv } from "./openclaw-config.js";
import { isLoopbackUrl } from "./loopback.js";

export const DEFAULT_GATEWAY_PORT = 18789;

export type PairedDevice = Required<Pick<DeviceCredential, "deviceId" | "publicKeyPem" | "privateKeyPem" | "token" | "scopes">>;

export type GatewaySettings = {
  url: string;
  token?: string;
  password?: string;
  /** The guard's paired device: when set, no shared token or password is sent. */
  device?: PairedDevice;
  /** Why a device credential that exists is not used (unpaired, another gateway, unreadable). */
  deviceProblem?: string;
  source: { url: string; auth: string };
};

export function resolveGatewaySettings(
  ours: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
  readConfig = readOpenclawConfig,
  readDevice: (file: string) => DeviceCredentialRead = readDeviceCredential,
): GatewaySettings {
  const file = readConfig(env);
  const gateway = pick(file.config, "gateway");
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? substituteEnv(value, env) : undefined);
  const remote = pick(gateway, "mode") === "remote";

  const fileUrl = remote ? text(pick(gateway, "remote", "url")) : undefined;
  const filePort = pick(gateway, "port");
  const port = env.OPENCLAW_GATEWAY_PORT ?? (typeof filePort === "number" ? String(filePort) : undefined);
  const url =
    (ours.url && { value: ours.url, from: "openclaw.gateway.url" }) ||
    (env.OPENCLAW_GATEWAY_URL && { value: env.OPENCLAW_GATEWAY_URL, from: "OPENCLAW_GATEWAY_URL" }) ||
    (fileUrl && { value: fileUrl, from: `${file.path} gateway.remote.url` }) ||
    (port && { value: `ws://127.0.0.1:${port}`, from: env.OPENCLAW_GATEWAY_PORT ? "OPENCLAW_GATEWAY_PORT" : `${file.path} gateway.port` }) || { value: `ws://127.0.0.1:${DEFAULT_GATEWAY_PORT}`, from: "the default port" };

  const paired = readDevice(defaultDeviceCredentialFile(env));
  const credential = paired.credential;
  if (credential?.token !== undefined && sameGateway(credential.gatewayUrl, url.value)) {
    const { deviceId, publicKeyPem, privateKeyPem, token, scopes } = credential;
    return { url: url.value, device: { deviceId, publicKeyPem, privateKeyPem, token, scopes }, source: { url: url.from, auth: `the paired device in ${paired.file} (scopes ${scopes.join(", ") || "none"})` } };
  }
  const deviceProblem =
    paired.error ??
    (credential === undefined
      ? undefined
      : credential.token === undefined
        ? `the device in ${paired.file} is not approved yet`
        : `the device in ${paired.file} was paired with ${displayUrl(credential.gatewayUrl)}, not ${displayUrl(url.value)}`);

  // The local gateway's own credentials go only to it: not to a URL given elsewhere for another host.
  const elsewhere = Boolean(ours.url || env.OPENCLAW_GATEWAY_URL) && !remote && !isLoopbackUrl(url.value);
  const fileToken = elsewhere ? undefined : text(pick(gateway, remote ? "remote" : "auth", "token"));
  const filePassword = elsewhere ? undefined : text(pick(gateway, remote ? "remote" : "auth", "password"));
  // An empty variable counts as unset, as in a shell.
  const token = ours.token || env.OPENCLAW_GATEWAY_TOKEN || fileToken;
  const password = token ? undefined : env.OPENCLAW_GATEWAY_PASSWORD || filePassword;
  const auth = ours.token ? "openclaw.gateway.token" : env.OPENCLAW_GATEWAY_TOKEN ? "OPENCLAW_GATEWAY_TOKEN" : fileToken ? `${file.path} gateway.auth.token` : password ? "a gateway password" : "none";
  return { url: url.value, ...(token ? { token } : {}), ...(password ? { password } : {}), ...(deviceProblem ? { deviceProblem } : {}), source: { url: url.from, auth } };
}

/** The URL as it may be shown: credentials written into it (`user:pass@`) are masked. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/i, "$1***@");
}
