// Where the gateway is and how to authenticate, resolved in the order the openclaw CLI uses:
// our config, then OPENCLAW_GATEWAY_* variables, then gateway.* in OpenClaw's own config.
import { pick, readOpenclawConfig, substituteEnv } from "./openclaw-config.js";
import { isLoopbackUrl } from "./loopback.js";

export const DEFAULT_GATEWAY_PORT = 18789;

export type GatewaySettings = { url: string; token?: string; password?: string; source: { url: string; auth: string } };

export function resolveGatewaySettings(ours: { url?: string; token?: string }, env: NodeJS.ProcessEnv, readConfig = readOpenclawConfig): GatewaySettings {
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

  // The local gateway's own credentials go only to it: not to a URL given elsewhere for another host.
  const elsewhere = Boolean(ours.url || env.OPENCLAW_GATEWAY_URL) && !remote && !isLoopbackUrl(url.value);
  const fileToken = elsewhere ? undefined : text(pick(gateway, remote ? "remote" : "auth", "token"));
  const filePassword = elsewhere ? undefined : text(pick(gateway, remote ? "remote" : "auth", "password"));
  // An empty variable counts as unset, as in a shell.
  const token = ours.token || env.OPENCLAW_GATEWAY_TOKEN || fileToken;
  const password = token ? undefined : env.OPENCLAW_GATEWAY_PASSWORD || filePassword;
  const auth = ours.token ? "openclaw.gateway.token" : env.OPENCLAW_GATEWAY_TOKEN ? "OPENCLAW_GATEWAY_TOKEN" : fileToken ? `${file.path} gateway.auth.token` : password ? "a gateway password" : "none";
  return { url: url.value, ...(token ? { token } : {}), ...(password ? { password } : {}), source: { url: url.from, auth } };
}

/** The URL as it may be shown: credentials written into it (`user:pass@`) are masked. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/i, "$1***@");
}
