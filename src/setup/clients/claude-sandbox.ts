// Claude Code's own sandbox as a layer (`init claude-code --sandbox`): Bash commands run under
// bubblewrap (Linux) or Seatbelt (macOS), and the settings here keep them off the gateway's state,
// the address book, the agent tokens and the guard's device credential, and off the gateway's port.
// Checked on Claude Code 2.1.330 (docs/setup.md, "Claude Code's sandbox", has what it does and does not cover):
// - `sandbox.filesystem.denyRead` governs sandboxed Bash only. The Read tool reads those files all
//   the same, so every path also gets a `Read(...)` deny rule.
// - The sandbox's proxy relays to the host's loopback, every spelling of it (127.1, [::ffff:127.0.0.1],
//   0.0.0.0, localhost): `*:<port>` in `network.deniedDomains` denies every host on that port, and
//   wins over any allowedDomains.
// - `allowUnsandboxedCommands: false`: else the model's `dangerouslyDisableSandbox` runs a command
//   outside the sandbox. `failIfUnavailable: true`: else a missing bubblewrap silently means no sandbox.
// Pure: the paths come from the environment, the files through the caller's `read`.
import path from "node:path";
import JSON5 from "json5";
import { defaultDeviceCredentialFile } from "../../gateway/device-credential.js";
import { resolveGatewaySettings } from "../../gateway/gateway-settings.js";
import { isLoopbackUrl } from "../../gateway/loopback.js";
import { pick, readOpenclawConfig } from "../../gateway/openclaw-config.js";
import { arrayAt, ensureStrings, objectAt, tildePath, type JsonObject, type ReadText } from "../init-plan.js";

/** Claude Code permission paths: `~/...` under home, `//abs` for other absolute paths (`/x` would be relative to the settings file). */
export function permissionPath(file: string, home: string): string {
  const tilde = tildePath(file, home);
  return tilde.startsWith("~/") ? tilde : `/${file}`;
}

/** One place sandboxed commands must not read. */
export type GuardedPath = { readonly what: string; readonly path: string; readonly dir: boolean };

export interface SandboxLayer {
  readonly paths: readonly GuardedPath[];
  /** `sandbox.network.deniedDomains` entries that keep sandboxed commands off the gateway. */
  readonly deniedDomains: readonly string[];
  /** The gateway's URL the network rule is for. */
  readonly gateway: string;
}

/** The scalars the layer sets, as init writes them. */
export const SANDBOX_SCALARS = { enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false } as const;

/** The programs Claude Code's sandbox needs on Linux (it finds them on PATH). */
export const LINUX_SANDBOX_PROGRAMS = ["bwrap", "socat"] as const;

/** Why the sandbox cannot run on this platform, or undefined. `found` says whether a program is on PATH. */
export function sandboxUnavailable(platform: NodeJS.Platform, found: (program: string) => boolean): string | undefined {
  if (platform === "darwin") return undefined;
  if (platform !== "linux") return `Claude Code's sandbox runs on Linux and macOS only, not ${platform}`;
  const missing = LINUX_SANDBOX_PROGRAMS.filter((p) => !found(p));
  return missing.length === 0 ? undefined : `Claude Code's sandbox needs ${missing.join(" and ")} on PATH (Debian/Ubuntu: apt-get install bubblewrap socat)`;
}

/** What the layer guards, for this environment and the guard config at `config`. */
export function sandboxLayer(env: NodeJS.ProcessEnv, home: string, config: string, gatewayUrl: string): SandboxLayer {
  const configDir = path.dirname(config);
  // The config's own folder when it is openclaw-guard's (it holds the book and tokens.json); else the two files.
  const guardFiles: GuardedPath[] =
    path.basename(configDir) === "openclaw-guard"
      ? [{ what: "the address book and agent tokens", path: configDir, dir: true }]
      : [
          { what: "the address book", path: config, dir: false },
          { what: "the agent tokens", path: path.join(configDir, "tokens.json"), dir: false },
        ];
  const paths: GuardedPath[] = [
    { what: "the gateway's state and token", path: env.OPENCLAW_STATE_DIR || path.join(env.OPENCLAW_HOME || home, ".openclaw"), dir: true },
    ...(env.OPENCLAW_CONFIG_PATH ? [{ what: "the gateway's config", path: path.resolve(env.OPENCLAW_CONFIG_PATH), dir: false }] : []),
    ...guardFiles,
    // In the guard's state folder, beside the audit log: only the credential is secret there.
    { what: "the guard's gateway device credential", path: defaultDeviceCredentialFile({ ...env, HOME: home }), dir: false },
  ];
  return { paths, deniedDomains: [gatewayRule(gatewayUrl)], gateway: gatewayUrl };
}

/**
 * The gateway's URL the way the guard's server finds it (the book's openclaw.gateway.url, then
 * OPENCLAW_GATEWAY_*, then OpenClaw's config), read through `read`.
 */
export function gatewayUrlOf(env: NodeJS.ProcessEnv, config: string, read: ReadText): string {
  let url: unknown;
  try {
    url = pick(JSON5.parse(read(config) ?? "{}"), "openclaw", "gateway", "url");
  } catch {
    // a book that does not parse: init reports it elsewhere; the gateway is found as the CLI finds it
  }
  const readFile = (file: string) => {
    const text = read(file);
    if (text === undefined) throw Object.assign(new Error(`${file}: not found`), { code: "ENOENT" });
    return text;
  };
  const ours = typeof url === "string" && url !== "" ? { url } : {};
  return resolveGatewaySettings(ours, env, () => readOpenclawConfig(env, readFile), (file) => ({ file })).url;
}

/**
 * A loopback gateway: every host on its port (the proxy reaches the host's loopback under many
 * names); another host: that host and port only (`*:443` would cut off all of HTTPS).
 */
function gatewayRule(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "wss:" || parsed.protocol === "https:" ? "443" : "80");
  return isLoopbackUrl(url) ? `*:${port}` : `${parsed.hostname}:${port}`;
}

/** The `sandbox.filesystem.denyRead` strings: `~/...` under home, absolute otherwise. */
export function denyReadPaths(layer: SandboxLayer, home: string): string[] {
  return layer.paths.map((p) => tildePath(p.path, home));
}

/** The `Read(...)` deny rules for the same paths: the Read tool is not governed by denyRead. */
export function readRules(layer: SandboxLayer, home: string): string[] {
  return layer.paths.map((p) => `Read(${permissionPath(p.path, home)}${p.dir ? "/**" : ""})`);
}

/** Writes the layer into Claude Code settings; `+`/`~`/`=` lines. */
export function mergeSandbox(file: string, settings: JsonObject, layer: SandboxLayer, home: string): string[] {
  const sandbox = objectAt(file, settings, ["sandbox"]);
  const summary = Object.entries(SANDBOX_SCALARS).map(([key, value]) => {
    const old = sandbox[key];
    sandbox[key] = value;
    return old === value ? `= sandbox.${key}: ${value} (present)` : `${old === undefined ? "+" : "~"} sandbox.${key}: ${value}`;
  });
  summary.push(...ensureStrings(arrayAt(file, settings, ["sandbox", "filesystem", "denyRead"]), denyReadPaths(layer, home), "sandbox.filesystem.denyRead"));
  summary.push(...ensureStrings(arrayAt(file, settings, ["sandbox", "network", "deniedDomains"]), layer.deniedDomains, "sandbox.network.deniedDomains"));
  summary.push(...ensureStrings(arrayAt(file, settings, ["permissions", "deny"]), readRules(layer, home), "permissions.deny"));
  return summary;
}

/**
 * What `init --remove` does to the scalars: takes out the ones holding init's value when `before`
 * (the file on disk) held the layer's denyRead entries, i.e. init put the sandbox there; else gives
 * them back the value they have on disk (a sandbox the user turned on themselves stays as it is).
 */
export function removeSandboxScalars(settings: JsonObject, before: JsonObject, layer: SandboxLayer, home: string): string[] {
  const was = before.sandbox as { filesystem?: { denyRead?: unknown } } & JsonObject | undefined;
  const denyRead = was?.filesystem?.denyRead;
  const installed = Array.isArray(denyRead) && denyReadPaths(layer, home).every((p) => denyRead.includes(p));
  const sandbox = settings.sandbox;
  if (typeof sandbox !== "object" || sandbox === null || Array.isArray(sandbox)) return [];
  const fields = sandbox as JsonObject;
  const summary = Object.entries(SANDBOX_SCALARS).flatMap(([key, value]) => {
    const old = was?.[key];
    if (!installed && old !== undefined) fields[key] = old;
    if ((!installed && old === undefined) || (installed && fields[key] === value)) {
      delete fields[key];
      return installed ? [`- sandbox.${key}`] : [];
    }
    return [];
  });
  if (Object.keys(fields).length === 0) delete settings.sandbox;
  return summary;
}
