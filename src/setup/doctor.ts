// `openclaw-guard doctor`: gathers facts (all I/O through DoctorIO), hands them to the pure checks in
// ./checks/, and scrubs every secret it saw from the texts before anything is printed.
import { dirname, join } from "node:path";
import JSON5 from "json5";
import { defaultAuditFile, resolveConfigPath, type Config } from "../contacts/config.js";
import { phoneNumbers } from "../contacts/phone-numbers.js";
import { cliEnvironment } from "../gateway/cli-transport.js";
import { resolveGatewaySettings, type GatewaySettings } from "../gateway/gateway-settings.js";
import type { GatewayConnection } from "../gateway/gateway-transport.js";
import { openclawConfigPath, pick, readOpenclawConfig, type OpenclawConfigRead } from "../gateway/openclaw-config.js";
import { CLI_NAMES } from "../guard/openclaw-policy.js";
import { SHIM_MARKER } from "../guard/shim.js";
import { checkAuditChain, checkBookToken, checkConfig, checkStateDir, type AuditFacts, type ConfigFacts, type FileStat } from "./checks/config-checks.js";
import { checkClaudeTools, checkCodexHook, checkGeminiHook, checkMcpLogs, checkRegistration, type CodexFacts, type GeminiFacts, type GeminiSettings, type McpLogFacts, type RegistrationFacts, type ServerEntry } from "./checks/client-checks.js";
import { ALLOWED_TOOLS, claudeUserMcpPath } from "./clients/claude-code.js";
import { checkExposure, type ExposureFacts } from "./checks/exposure-checks.js";
import { checkClaudeSandbox, type SandboxFacts } from "./checks/sandbox-checks.js";
import { LINUX_SANDBOX_PROGRAMS, sandboxLayer } from "./clients/claude-sandbox.js";
import { checkSeparation, type SeparationFacts } from "./checks/separation-checks.js";
import { SEPARATE_DEFAULTS } from "./separate-recipe.js";
import { gatherSeparation } from "./separation-facts.js";
import { checkAllowTo, checkApprovalRoute, checkBook, checkCredential, checkGaps, checkGuardTools, checkPluginActive, checkPluginConfig, pluginConfigPath, type BookFacts, type CredentialFacts, type GatewayPluginFacts, type PluginRuntime } from "./checks/gateway-checks.js";
import { bookFingerprint, PLUGIN_ID, STATUS_METHOD } from "../plugin/index.js";
import { isOurHookHandler } from "./clients/hook-groups.js";
import { canaryInput, checkAgentPath, checkCanary, checkDenyRules, checkHook, checkHookServer, checkShimOrder, checkTextLimits, findGuardHooks, hookForCanary, type AgentPathFacts, type CanaryFacts, type ClaudeFacts, type GuardHook, type HookServerFacts, type PathLookup, type SettingsFile } from "./checks/guard-checks.js";
import { shimDir } from "./clients/agent-path.js";
import { codexAgentPath } from "./clients/codex.js";
import { checkOpenclawConfig, checkOpenclawVersion, checkOutboundAllowlist, checkUngatedChannels, checkWhatsapp, normaliseWhatsappEntry, parseOpenclawVersion, type OurContacts, type VersionFacts } from "./checks/openclaw-checks.js";
import { checkCli, checkGateway, classifyGatewayError, cliProblem, describeArgv, type CliFacts, type GatewayFacts } from "./checks/transport-checks.js";
import { makeReport, scrubChecks, type Check, type DoctorReport } from "./doctor-report.js";
import type { DoctorIO, ServedHookTarget } from "./doctor-io.js";
import { readAuditTail, verifyAuditLog } from "../audit/store.js";

export type DoctorOptions = {
  configFlag?: string;
  serviceUser?: string;
  versionTimeoutMs?: number;
  shellTimeoutMs?: number;
  gatewayTimeoutMs?: number;
  hookTimeoutMs?: number;
};

export type DoctorFacts = {
  /** Where each client logs its MCP servers (printed, never a finding). */
  mcpLogs?: McpLogFacts;
  config: ConfigFacts;
  audit: AuditFacts;
  openclaw: OpenclawConfigRead;
  contacts: OurContacts;
  cli: CliFacts;
  version: VersionFacts;
  gateway: GatewayFacts;
  plugin: GatewayPluginFacts;
  book: BookFacts;
  /** undefined when the transport does not use the gateway. */
  credential?: CredentialFacts;
  lookups: PathLookup[];
  /** The PATH each set-up agent client gives its shells (Claude Code, Codex). */
  agentPaths?: AgentPathFacts[];
  claude: ClaudeFacts;
  /** Claude Code's sandbox as a layer (init claude-code --sandbox). */
  sandbox: SandboxFacts;
  canary?: CanaryFacts;
  /** What a served hook form (http, mcp_tool) depends on. */
  hookServer?: HookServerFacts;
  codex?: CodexFacts;
  gemini?: GeminiFacts;
  exposure: ExposureFacts;
  separation: SeparationFacts;
  /** Each client's openclaw-guard server entry. */
  registrations: RegistrationFacts[];
  /** Claude Code's user permissions, when its entry is there. */
  claudeTools?: { allow: string[]; deny: string[]; file: string };
  /** Everything that must never be printed: tokens, passwords, full numbers and ids. */
  secrets: string[];
};

export async function runDoctor(io: DoctorIO, options: DoctorOptions = {}): Promise<DoctorReport> {
  return makeReport(evaluate(await gatherFacts(io, options)));
}

/** The pure half: facts in, checks out, secrets scrubbed. */
export function evaluate(facts: DoctorFacts): Check[] {
  const sandbox = checkClaudeSandbox(facts.sandbox);
  const separation = checkSeparation(facts.separation);
  const checks: (Check | undefined)[] = [
    checkConfig(facts.config),
    checkBookToken(facts.config),
    checkStateDir(facts.audit),
    checkAuditChain(facts.audit),
    checkOpenclawConfig(facts.openclaw),
    checkOpenclawVersion(facts.version),
    checkOutboundAllowlist(facts.openclaw.config, facts.version.version),
    ...checkWhatsapp(facts.openclaw.config, facts.contacts),
    checkUngatedChannels(facts.openclaw.config, facts.contacts, facts.version.version),
    checkCli(facts.cli),
    checkGateway(facts.gateway),
    checkPluginConfig(facts.openclaw.config, facts.config.path),
    checkAllowTo(facts.openclaw.config, facts.contacts.known ? facts.contacts.list : undefined),
    checkPluginActive(facts.plugin),
    checkBook(facts.plugin, facts.book),
    ...checkGaps(facts.openclaw.config),
    checkApprovalRoute(facts.openclaw.config),
    facts.openclaw.config !== undefined ? checkGuardTools(facts.openclaw.config) : undefined,
    facts.credential && checkCredential(facts.credential),
    ...(facts.agentPaths ?? []).map(checkAgentPath),
    checkShimOrder(facts.lookups, (facts.agentPaths ?? []).filter((a) => checkAgentPath(a).status === "ok").map((a) => a.client)),
    checkHook(facts.claude),
    checkDenyRules(facts.claude),
    sandbox,
    checkTextLimits(sandbox, separation),
    checkCanary(facts.canary),
    checkHookServer(facts.hookServer),
    ...facts.registrations.map(checkRegistration),
    facts.claudeTools && checkClaudeTools(facts.registrations.some((r) => r.client === "claude-code" && r.entry !== undefined), facts.claudeTools, ALLOWED_TOOLS),
    checkCodexHook(facts.codex),
    ...checkGeminiHook(facts.gemini),
    facts.mcpLogs && checkMcpLogs(facts.mcpLogs),
    checkExposure(facts.exposure),
    ...separation,
  ];
  return scrubChecks(
    checks.filter((c): c is Check => c !== undefined),
    facts.secrets,
  );
}

export async function gatherFacts(io: DoctorIO, options: DoctorOptions = {}): Promise<DoctorFacts> {
  const { env } = io;
  const secrets: string[] = [];

  // config
  const configPath = resolveConfigPath({ flag: options.configFlag, env });
  let config: Config | undefined;
  let configError: string | undefined;
  try {
    config = io.loadConfig(configPath, env);
  } catch (error) {
    configError = error instanceof Error ? error.message : String(error);
    secrets.push(...rawTargets(io, configPath)); // error texts never echo a target; scrub them anyway
  }
  const contacts: OurContacts = { known: config !== undefined, list: config ? [...config.contacts.values()] : [] };
  for (const c of contacts.list) secrets.push(c.target, ...nationalNumber(c.target));
  if (config?.openclaw.gateway.token) secrets.push(config.openclaw.gateway.token);

  // OpenClaw's config, read once and shared with the gateway settings
  const openclaw = readOpenclawConfig(env, io.readFile);
  collectSecrets(openclaw.config, secrets);

  const cli = probeCliLocation(io, config);
  const gatewaySettings = config?.openclaw.transport === "dry-run" ? undefined : resolveGatewaySettings(config?.openclaw.gateway ?? {}, env, () => openclaw);
  for (const s of [gatewaySettings?.token, gatewaySettings?.password, gatewaySettings?.device?.token, env.OPENCLAW_GATEWAY_TOKEN, env.OPENCLAW_GATEWAY_PASSWORD]) if (s) secrets.push(s);

  const claude = readClaudeSettings(io);
  const hook = hookForCanary(claude);
  // An http hook's Authorization header holds the agent's token.
  const bearer = Object.entries(hook?.headers ?? {}).find(([name]) => name.toLowerCase() === "authorization")?.[1];
  if (bearer) secrets.push(bearer, bearer.replace(/^Bearer\s+/i, ""));
  const hookServer = gatherHookServer(io, hook);

  const skipped = "transport is dry-run: nothing is delivered, and the gateway is not checked.";
  const codexFiles = readCodexFiles(io);
  const [cliResult, probe, lookups, canary, codexListed] = await Promise.all([
    cli.runnable && cli.facts.argv ? io.run(cli.facts.argv[0]!, [...cli.facts.argv.slice(1), "--version"], { env: cliEnvironment(env), timeoutMs: options.versionTimeoutMs ?? 15_000, cwd: io.home }) : Promise.resolve(undefined),
    gatewaySettings ? probeGateway(io, gatewaySettings, options.gatewayTimeoutMs ?? 10_000) : Promise.resolve({ gateway: { skipped }, plugin: { skipped } }),
    lookupPaths(io, options.shellTimeoutMs ?? 5_000),
    hook ? runCanary(io, hook, options.hookTimeoutMs) : Promise.resolve(undefined),
    codexFiles?.hookWritten ? io.codexHooks(io.cwd) : Promise.resolve(undefined),
  ]);
  const cliFacts: CliFacts = { ...cli.facts, ...(cliResult ? { result: cliResult } : {}) };
  const exposure = gatherExposure(io, config);
  const credential = credentialFacts(gatewaySettings, openclaw, exposure);

  return {
    mcpLogs: { home: io.home, cwd: io.cwd, env, platform: process.platform },
    config: { path: configPath, ...(config ? { config } : {}), ...(configError !== undefined ? { error: configError } : {}), ...statOf(io, configPath) },
    audit: gatherAudit(io, config),
    openclaw,
    contacts,
    cli: cliFacts,
    version: versionFacts(cliFacts),
    gateway: probe.gateway,
    plugin: probe.plugin,
    book: gatherBook(io, config, openclaw, probe.plugin),
    ...(credential ? { credential } : {}),
    lookups,
    agentPaths: gatherAgentPaths(io, claude, codexFiles !== undefined),
    claude,
    sandbox: {
      claude,
      layer: sandboxLayer(env, io.home, configPath, gatewaySettings?.url ?? resolveGatewaySettings(config?.openclaw.gateway ?? {}, env, () => openclaw).url),
      home: io.home,
      platform: process.platform,
      onPath: LINUX_SANDBOX_PROGRAMS.filter((program) => findOnPath(io, env.PATH, program).length > 0),
    },
    ...(canary ? { canary } : {}),
    ...(hookServer ? { hookServer } : {}),
    ...(codexFiles ? { codex: { ...codexFiles, ...(codexListed ? { listed: codexListed } : {}) } } : {}),
    ...readGeminiFiles(io),
    exposure,
    separation: gatherSeparation(io, options.serviceUser, [SEPARATE_DEFAULTS.codeDir]),
    registrations: gatherRegistrations(io, configPath, pluginConfigPath(openclaw.config), hookBook(hook?.command)),
    ...claudeTools(claude),
    secrets,
  };
}

/** A phone number's national significant number ("821234567" of "+27821234567"): a gateway may echo it in national form. */
function nationalNumber(target: string): string[] {
  const national = target.startsWith("+") ? phoneNumbers().parsePhoneNumberFromString(target)?.nationalNumber : undefined;
  return national !== undefined && national.length >= 6 ? [national] : [];
}

/** Every contacts.*.target string in a config that did not validate, parsed as leniently as JSON5 allows. */
function rawTargets(io: DoctorIO, path: string): string[] {
  try {
    const contacts = (JSON5.parse(io.readFile(path)) as { contacts?: Record<string, { target?: unknown }> } | null)?.contacts;
    return Object.values(contacts ?? {}).flatMap((c) => (typeof c?.target === "string" ? [c.target, c.target.replace(/\D/g, "")] : []));
  } catch {
    return [];
  }
}

const SECRET_KEY = /token|password|secret|api[-_]?key|credential|cookie|^key$/i;

/** String values under secret-looking keys, and every allowFrom-style entry (numbers), anywhere in openclaw.json. */
function collectSecrets(node: unknown, out: string[], key = "", depth = 0): void {
  if (depth > 12 || node === null || node === undefined) return;
  if (typeof node === "string" || typeof node === "number") {
    const text = String(node);
    if (SECRET_KEY.test(key)) out.push(text);
    if (/allow|from|to$|owner|admin|number|phone|target/i.test(key) && /\d{5,}/.test(text.replace(/\D/g, ""))) {
      out.push(text);
      const normalised = normaliseWhatsappEntry(text);
      if (normalised) out.push(normalised, normalised.slice(1));
    }
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) collectSecrets(item, out, key, depth + 1);
    return;
  }
  if (typeof node === "object") for (const [k, v] of Object.entries(node)) collectSecrets(v, out, k, depth + 1);
}

function gatherAudit(io: DoctorIO, config: Config | undefined): AuditFacts {
  const file = config?.audit.file ?? defaultAuditFile(io.env);
  const dir = dirname(file);
  const facts: AuditFacts = { file, dir, ...(io.uid !== undefined ? { uid: io.uid } : {}) };
  try {
    const dirStat = io.stat(dir);
    if (dirStat) facts.dirStat = dirStat;
    const fileStat = io.stat(file);
    if (fileStat) facts.fileStat = fileStat;
    // A missing log is fine only when the ledger never saw one either.
    const tail = readAuditTail(file, (p) => io.readFile(p));
    if (fileStat || tail !== undefined) facts.chain = verifyAuditLog(file, tail, io);
  } catch (error) {
    facts.readError = (error as NodeJS.ErrnoException).code ?? String(error);
  }
  return facts;
}

function isShim(io: DoctorIO, file: string): boolean {
  return io.readHead(file, 4096)?.split("\n", 2)[1]?.includes(SHIM_MARKER) === true;
}

function pathEntries(pathValue: string | undefined): string[] {
  return (pathValue ?? "").split(":").map((d) => d || ".");
}

/** Every executable `openclaw` along a PATH, in order. */
function findOnPath(io: DoctorIO, pathValue: string | undefined, name = CLI_NAMES[0]!): { file: string; isShim: boolean }[] {
  const found: { file: string; isShim: boolean }[] = [];
  const seen = new Set<string>();
  for (const dir of pathEntries(pathValue)) {
    const file = join(dir, name);
    if (seen.has(file)) continue;
    seen.add(file);
    let stat;
    try {
      stat = io.stat(file);
    } catch {
      continue;
    }
    if (!stat || stat.isDirectory || !io.isExecutable(file)) continue;
    found.push({ file, isShim: isShim(io, file) });
  }
  return found;
}

/** Where the CLI is, and whether running `--version` on it is safe (never a shim or a missing file). */
function probeCliLocation(io: DoctorIO, config: Config | undefined): { facts: Omit<CliFacts, "result">; runnable: boolean } {
  const transport = config?.openclaw.transport;
  const base = transport !== undefined ? { transport } : {};
  const bin = config?.openclaw.bin;
  if (bin && bin.length > 0) {
    const file = bin[0]!;
    let exists = false;
    try {
      exists = io.stat(file) !== undefined;
    } catch {
      exists = false;
    }
    const shim = exists && isShim(io, file);
    const executable = exists && io.isExecutable(file);
    return { facts: { ...base, source: "config", argv: bin, exists, executable, isShim: shim }, runnable: exists && executable && !shim };
  }
  const real = findOnPath(io, io.env.PATH).find((f) => !f.isShim);
  if (real) return { facts: { ...base, source: "path", argv: [real.file], exists: true, executable: true, isShim: false }, runnable: true };
  return { facts: { ...base, source: "none" }, runnable: false };
}

function versionFacts(cli: CliFacts): VersionFacts {
  if (cli.source === "none" || !cli.argv) return {};
  const label = cli.source === "config" ? `openclaw.bin ${describeArgv(cli.argv)}` : `${cli.argv[0]} on PATH`;
  if (!cli.result) return { label, problem: cli.isShim ? "it is a shim" : cli.exists === false ? "it does not exist" : "it is not executable" };
  const problem = cliProblem(cli.result);
  if (problem) return { label, problem: problem.summary };
  const version = parseOpenclawVersion(cli.result.stdout);
  return version ? { label, version } : { label, problem: `no version in its output (${cli.result.stdout.trim().slice(0, 80)})` };
}

/** One connection: `health` (transport), then `plugins.list` and the plugin's status RPC (gateway). Nothing is sent. */
async function probeGateway(io: DoctorIO, settings: GatewaySettings, timeoutMs: number): Promise<{ gateway: GatewayFacts; plugin: GatewayPluginFacts }> {
  const base = { url: settings.url, urlSource: settings.source.url, authSource: settings.source.auth };
  const unanswered = { skipped: "the gateway did not answer (see the transport line)." };
  const started = io.now();
  let connection: GatewayConnection;
  try {
    connection = await io.connect({ ...settings, connectTimeoutMs: timeoutMs, onClose: () => {} });
  } catch (error) {
    return { gateway: { ...base, outcome: classifyGatewayError(error, "connect") }, plugin: unanswered };
  }
  try {
    try {
      await connection.request("health", {}, { timeoutMs });
    } catch (error) {
      return { gateway: { ...base, outcome: classifyGatewayError(error, "health") }, plugin: unanswered };
    }
    const gateway: GatewayFacts = { ...base, outcome: { ok: true, ms: Math.round(io.now() - started) } };
    const plugin: Exclude<GatewayPluginFacts, { skipped: string }> = {};
    try {
      const list = await connection.request<{ plugins?: ({ id?: unknown } & PluginRuntime)[] }>("plugins.list", {}, { timeoutMs });
      const ours = list?.plugins?.find((p) => p.id === PLUGIN_ID);
      if (ours) plugin.plugin = ours;
    } catch (error) {
      plugin.listError = errorText(error);
    }
    if (plugin.plugin) {
      try {
        plugin.status = (await connection.request(STATUS_METHOD, {}, { timeoutMs })) ?? {};
      } catch (error) {
        plugin.statusError = errorText(error);
      }
    }
    return { gateway, plugin };
  } finally {
    connection.stop();
  }
}

function errorText(error: unknown): string {
  const e = error as { message?: unknown; gatewayCode?: unknown };
  return [typeof e?.gatewayCode === "string" ? e.gatewayCode : "", typeof e?.message === "string" ? e.message : String(error)].filter(Boolean).join(" ");
}

/** Our book's fingerprint; and, when the gateway could not report the plugin's, that of the file its configPath names. */
function gatherBook(io: DoctorIO, config: Config | undefined, openclaw: OpenclawConfigRead, plugin: GatewayPluginFacts): BookFacts {
  const fingerprint = (contacts: Config["contacts"]) => bookFingerprint(contacts.values());
  const book: BookFacts = config ? { ours: fingerprint(config.contacts) } : {};
  const path = pluginConfigPath(openclaw.config);
  if ("skipped" in plugin || plugin.status !== undefined || path === undefined) return book;
  try {
    return { ...book, fromFile: { path, fingerprint: fingerprint(io.loadConfig(path, io.env).contacts) } };
  } catch (error) {
    return { ...book, fromFile: { path, error: error instanceof Error ? error.message.split("\n")[0]! : String(error) } };
  }
}

/** The credential the guard's server (the agent's side) uses, and where else the shared token lies within the agent's reach. */
function credentialFacts(settings: GatewaySettings | undefined, openclaw: OpenclawConfigRead, exposure: ExposureFacts): CredentialFacts | undefined {
  if (settings === undefined) return undefined;
  const reachable: string[] = [];
  const auth = pick(openclaw.config, "gateway", "auth");
  // The state directory holds openclaw.json and the gateway's state database, not only the token.
  if (exposure.dirExists && exposure.dirReadable) reachable.push(`${exposure.dir} (OpenClaw's config and state)`);
  else if (exposure.configReadable && (pick(auth, "token") !== undefined || pick(auth, "password") !== undefined)) reachable.push(openclaw.path);
  if (exposure.tokenInOurConfig) reachable.push("the openclaw-guard config (openclaw.gateway.token)");
  if (exposure.tokenInEnv) reachable.push("the environment (OPENCLAW_GATEWAY_TOKEN/PASSWORD)");
  const base = { source: settings.source.auth, sharedReachable: reachable, ...(settings.deviceProblem ? { deviceProblem: settings.deviceProblem } : {}) };
  if (settings.device) return { ...base, kind: "device", scopes: settings.device.scopes };
  return { ...base, kind: settings.token ? "token" : settings.password ? "password" : "none" };
}

const PATH_START = "__OCG_PATH__";
const PATH_END = "__OCG_END__";

async function lookupPaths(io: DoctorIO, timeoutMs: number): Promise<PathLookup[]> {
  const script = `printf '\\n${PATH_START}%s${PATH_END}\\n' "$PATH"`;
  const own: PathLookup = { shell: "this environment", found: findOnPath(io, io.env.PATH) };
  const shells = await Promise.all(
    io.shells.map(async (shell): Promise<PathLookup | undefined> => {
      const result = await io.run(shell.file, [...shell.args, script], { env: { ...io.env, HOME: io.home }, timeoutMs, cwd: io.home });
      if (result.spawnError === "ENOENT") return undefined; // that shell is not installed
      const match = new RegExp(`${PATH_START}(.*)${PATH_END}`).exec(result.stdout);
      if (!match) {
        const why = result.timedOut ? "timed out" : result.spawnError ?? `exit ${result.exitCode ?? "?"}`;
        return { shell: shell.label, found: [], error: why };
      }
      return { shell: shell.label, found: findOnPath(io, match[1]) };
    }),
  );
  return [own, ...shells.filter((s): s is PathLookup => s !== undefined)];
}

function readClaudeSettings(io: DoctorIO): ClaudeFacts {
  const claudeDir = io.env.CLAUDE_CONFIG_DIR || join(io.home, ".claude");
  const read = (scope: SettingsFile["scope"], path: string): SettingsFile => {
    try {
      return { scope, path, text: io.readFile(path) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === "ENOENT" || code === "ENOTDIR" ? { scope, path } : { scope, path, error: code ?? String(error) };
    }
  };
  const dropIns = io
    .readDir(join(io.managedSettingsDir, "managed-settings.d"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(io.managedSettingsDir, "managed-settings.d", f));
  const files = [
    read("managed", join(io.managedSettingsDir, "managed-settings.json")),
    ...dropIns.map((f) => read("managed", f)),
    read("user", join(claudeDir, "settings.json")),
    read("project", join(io.cwd, ".claude", "settings.json")),
    read("project-local", join(io.cwd, ".claude", "settings.local.json")),
  ];
  let claudeDirExists = false;
  try {
    claudeDirExists = io.stat(claudeDir)?.isDirectory === true;
  } catch {
    claudeDirExists = true;
  }
  return { files, claudeDirExists, claudeDir };
}

async function runCanary(io: DoctorIO, hook: NonNullable<ReturnType<typeof hookForCanary>>, timeoutMs?: number): Promise<CanaryFacts> {
  const started = io.now();
  const wait = timeoutMs ?? Math.min((hook.timeout ?? 10) * 1000, 30_000);
  if (hook.form !== "command") {
    const entry = hook.form === "mcp_tool" ? claudeUserServer(io) : undefined;
    const target: ServedHookTarget | undefined =
      hook.form === "http"
        ? { form: "http", url: hook.command, headers: hook.headers ?? {} }
        : typeof entry?.command === "string"
          ? { form: "mcp_tool", command: entry.command, args: Array.isArray(entry.args) ? entry.args.map(String) : [], env: stringRecord(entry.env) }
          : undefined;
    const asked = target ? await io.askServedHook(target, canaryInput(io.home), wait) : { error: "the openclaw-guard user-scope server is not a stdio server, so it has no check_command" };
    return { hook, ms: Math.round(io.now() - started), ...asked };
  }
  // Claude Code runs a hook's command through a shell, with the canary JSON on stdin.
  const result = await io.run("/bin/sh", ["-c", hook.command], { env: io.env, input: canaryInput(io.home), timeoutMs: wait, cwd: io.home });
  return { hook, result, ms: Math.round(io.now() - started) };
}

/** The PATH of Claude Code's and Codex's shells, for the clients set up here (init's hook or a PATH setting found). */
function gatherAgentPaths(io: DoctorIO, claude: ClaudeFacts, codexSetUp: boolean): AgentPathFacts[] {
  const dir = shimDir(io.env, io.home);
  const firstIsShim = (value: string | undefined) => value !== undefined && isShim(io, join(value.split(":")[0] ?? "", CLI_NAMES[0]!));
  const facts: AgentPathFacts[] = [];
  // Claude Code: managed settings win, then the project's local and shared settings, then the user's.
  const order = ["managed", "project-local", "project", "user"] as const;
  const envPath = (file: SettingsFile) => {
    try {
      const value = (JSON.parse(file.text ?? "{}") as { env?: { PATH?: unknown } }).env?.PATH;
      return typeof value === "string" ? value : undefined;
    } catch {
      return undefined; // the hook line reports an unreadable settings file
    }
  };
  const setter = order.flatMap((scope) => claude.files.filter((f) => f.scope === scope)).find((f) => envPath(f) !== undefined);
  if (setter !== undefined || findGuardHooks(claude.files).length > 0) {
    const file = setter?.path ?? claude.files.find((f) => f.scope === "user")!.path;
    const value = setter && envPath(setter);
    facts.push({ client: "claude-code", file, ...(value !== undefined ? { value } : {}), firstIsShim: firstIsShim(value), shimDir: dir, ...(io.env.PATH !== undefined ? { currentPath: io.env.PATH } : {}) });
  }
  if (codexSetUp) {
    const file = join(io.env.CODEX_HOME || join(io.home, ".codex"), "config.toml");
    const text = readIfExists(io, file) ?? "";
    const value = codexAgentPath(text);
    const root = text.split(/^\s*\[/m)[0] ?? "";
    const loginShell = !/^\s*allow_login_shell\s*=\s*false\b/m.test(root);
    facts.push({ client: "codex", file, ...(value !== undefined ? { value } : {}), firstIsShim: firstIsShim(value), loginShell, shimDir: dir, ...(io.env.PATH !== undefined ? { currentPath: io.env.PATH } : {}) });
  }
  return facts;
}

/** undefined when Codex has nothing of ours. */
function readCodexFiles(io: DoctorIO): Omit<CodexFacts, "listed"> | undefined {
  const home = io.env.CODEX_HOME || join(io.home, ".codex");
  const hooksFile = join(home, "hooks.json");
  const hooksText = readIfExists(io, hooksFile);
  let hookWritten = false;
  try {
    const groups = (JSON.parse(hooksText ?? "{}") as { hooks?: { PreToolUse?: { hooks?: unknown[] }[] } }).hooks?.PreToolUse ?? [];
    hookWritten = groups.some((group) => (group.hooks ?? []).some(isOurHookHandler));
  } catch {
    hookWritten = false;
  }
  const serverRegistered = /^\s*\[\s*mcp_servers\.(?:"openclaw-guard"|openclaw-guard)\s*\]/m.test(readIfExists(io, join(home, "config.toml")) ?? "");
  return hookWritten || serverRegistered ? { hooksFile, hookWritten, serverRegistered } : undefined;
}

/** Gemini CLI's user and workspace settings and trusted folders, when the user settings exist. */
function readGeminiFiles(io: DoctorIO): { gemini?: GeminiFacts } {
  const dir = join(io.home, ".gemini");
  const file = (path: string): GeminiSettings => {
    const text = readIfExists(io, path);
    return text === undefined ? { path } : { path, text };
  };
  const user = file(join(dir, "settings.json"));
  if (user.text === undefined) return {};
  const trustEnv = io.env.GEMINI_CLI_TRUST_WORKSPACE;
  return {
    gemini: {
      user,
      workspace: file(join(io.cwd, ".gemini", "settings.json")),
      cwd: io.cwd,
      trustedFolders: file(io.env.GEMINI_CLI_TRUSTED_FOLDERS_PATH || join(dir, "trustedFolders.json")),
      ...(trustEnv !== undefined ? { trustEnv } : {}),
    },
  };
}

function readIfExists(io: DoctorIO, path: string): string | undefined {
  try {
    return io.readFile(path);
  } catch {
    return undefined;
  }
}

function gatherExposure(io: DoctorIO, config: Config | undefined): ExposureFacts {
  const { env } = io;
  const dir = env.OPENCLAW_STATE_DIR || join(env.OPENCLAW_HOME || io.home, ".openclaw");
  const configPath = openclawConfigPath(env);
  let dirExists = false;
  try {
    dirExists = io.stat(dir) !== undefined;
  } catch {
    dirExists = true; // it exists, but stat was refused
  }
  let configExists = false;
  try {
    configExists = io.stat(configPath) !== undefined;
  } catch {
    configExists = true;
  }
  return {
    dir,
    dirExists,
    dirReadable: dirExists && io.canRead(dir),
    configPath,
    configReadable: configExists && io.canRead(configPath),
    tokenInOurConfig: config?.openclaw.gateway.token !== undefined,
    tokenInEnv: Boolean(env.OPENCLAW_GATEWAY_TOKEN || env.OPENCLAW_GATEWAY_PASSWORD),
    ...(io.uid !== undefined ? { uid: io.uid } : {}),
  };
}

function statOf(io: DoctorIO, path: string): { stat?: FileStat } {
  try {
    const stat = io.stat(path);
    return stat ? { stat } : {};
  } catch {
    return {};
  }
}

/** The openclaw-guard server entry of Claude Code (user scope), Codex and Gemini CLI, as each file holds it. */
/** The `--config` a hook command names (init writes it as one shell word, quoted when it must be). */
function hookBook(command: string | undefined): string | undefined {
  const match = command === undefined ? null : /\s--config(?:=|\s+)('(?:[^']|'\\'')*'|\S+)/.exec(command);
  if (!match) return undefined;
  const word = match[1]!;
  return word.startsWith("'") ? word.slice(1, -1).replaceAll("'\\''", "'") : word;
}

function gatherRegistrations(io: DoctorIO, book: string, pluginBook: string | undefined, hookConfig: string | undefined): RegistrationFacts[] {
  const context = { env: io.env, home: io.home, cwd: io.cwd } as Parameters<typeof claudeUserMcpPath>[0];
  const codexHome = io.env.CODEX_HOME || join(io.home, ".codex");
  const sources: { client: RegistrationFacts["client"]; file: string; parse: (text: string) => ServerEntry | undefined }[] = [
    { client: "claude-code", file: claudeUserMcpPath(context), parse: (text) => jsonEntry(JSON.parse(text)) },
    { client: "codex", file: join(codexHome, "config.toml"), parse: tomlEntry },
    { client: "gemini", file: join(io.home, ".gemini", "settings.json"), parse: (text) => jsonEntry(JSON5.parse(text)) },
  ];
  return sources.flatMap(({ client, file, parse }): RegistrationFacts[] => {
    const text = readIfExists(io, file);
    if (text === undefined) return [];
    const base = { client, file, book, ...(pluginBook !== undefined ? { pluginBook } : {}), ...(client === "claude-code" && hookConfig !== undefined ? { hookBook: hookConfig } : {}) };
    let entry: ServerEntry | undefined;
    try {
      entry = parse(text);
    } catch (error) {
      return [{ ...base, parseError: error instanceof Error ? error.message.split("\n")[0]! : String(error) }];
    }
    if (entry === undefined) return [];
    const args = Array.isArray(entry.args) ? entry.args : [];
    const exists = (p: unknown, exec: boolean) => typeof p === "string" && (exec ? io.isExecutable(p) : io.canRead(p));
    return [{ ...base, entry, commandExists: exists(entry.command, true), cliExists: exists(args[0], false) }];
  });
}

/** Claude Code's user-scope openclaw-guard entry (~/.claude.json), or undefined. */
function claudeUserServer(io: DoctorIO): (ServerEntry & { env?: unknown; type?: unknown }) | undefined {
  try {
    return jsonEntry(JSON.parse(readIfExists(io, claudeUserMcpPath({ env: io.env, home: io.home, cwd: io.cwd } as Parameters<typeof claudeUserMcpPath>[0])) ?? "{}"));
  } catch {
    return undefined; // the registration check reports an unreadable file
  }
}

const stringRecord = (value: unknown): Record<string, string> =>
  typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string")) : {};

/** What the served hook forms depend on: the server name the mcp_tool hook asks, and what could take its place. */
function gatherHookServer(io: DoctorIO, hook: GuardHook | undefined): HookServerFacts | undefined {
  if (hook === undefined || hook.form === "command") return undefined;
  if (hook.form === "http") return { hook };
  const file = claudeUserMcpPath({ env: io.env, home: io.home, cwd: io.cwd } as Parameters<typeof claudeUserMcpPath>[0]);
  let local = false;
  try {
    const projects = (JSON.parse(readIfExists(io, file) ?? "{}") as { projects?: Record<string, { mcpServers?: Record<string, unknown> }> }).projects ?? {};
    local = projects[io.cwd]?.mcpServers?.["openclaw-guard"] !== undefined;
  } catch {
    // the registration check reports an unreadable file
  }
  const mcpJson = join(io.cwd, ".mcp.json");
  let project: HookServerFacts["projectServer"];
  try {
    if ((JSON.parse(readIfExists(io, mcpJson) ?? "{}") as { mcpServers?: Record<string, unknown> }).mcpServers?.["openclaw-guard"] !== undefined) {
      const user = (JSON.parse(readIfExists(io, hook.path) ?? "{}") as { disabledMcpjsonServers?: unknown }).disabledMcpjsonServers;
      project = { path: mcpJson, disabled: Array.isArray(user) && user.includes("openclaw-guard") };
    }
  } catch {
    // a .mcp.json Claude Code cannot parse brings no server
  }
  const entry = claudeUserServer(io);
  // An entry without a type is a stdio server (what `claude mcp add` writes for a command).
  const userServerType = entry === undefined ? undefined : typeof entry.type === "string" ? entry.type : "stdio";
  return { hook, ...(userServerType ? { userServerType } : {}), ...(local ? { localServerIn: file } : {}), ...(project ? { projectServer: project } : {}) };
}

function jsonEntry(json: unknown): ServerEntry | undefined {
  const entry = (json as { mcpServers?: Record<string, unknown> } | null)?.mcpServers?.["openclaw-guard"];
  if (entry === undefined) return undefined;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new Error("mcpServers.openclaw-guard is not an object");
  return entry as ServerEntry;
}

/** [mcp_servers.openclaw-guard]'s command / args / url, as init writes them (TOML basic strings are JSON strings). */
function tomlEntry(text: string): ServerEntry | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^\s*\[\s*mcp_servers\.(?:"openclaw-guard"|openclaw-guard)\s*\]/.test(l));
  if (start < 0) return undefined;
  const entry: Record<string, unknown> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\s*\[/.test(line)) break;
    const match = /^\s*(command|args|url)\s*=\s*(.+?)\s*$/.exec(line);
    if (match) entry[match[1]!] = JSON.parse(match[2]!);
  }
  return entry;
}

function claudeTools(claude: ClaudeFacts): { claudeTools?: { allow: string[]; deny: string[]; file: string } } {
  const user = claude.files.find((f) => f.scope === "user");
  if (user === undefined) return {};
  let permissions: { allow?: unknown; deny?: unknown } | undefined;
  try {
    permissions = (JSON.parse(user.text ?? "{}") as { permissions?: { allow?: unknown; deny?: unknown } }).permissions;
  } catch {
    return {}; // the hook line reports an unreadable settings file
  }
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return { claudeTools: { allow: strings(permissions?.allow), deny: strings(permissions?.deny), file: user.path } };
}
