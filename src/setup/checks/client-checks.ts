// Layer "guard", per client, where a hook that is written is still not a hook that runs:
// - Codex skips a hook it has not been told to trust, silently; any change to the entry makes it
//   "modified", and skipped again (trust state as `codex app-server` reports it, hooks/list).
// - Gemini CLI runs user-level hooks only in trusted folders, and a workspace `.gemini/settings.json`
//   can switch the guard hook off (`hooksConfig.disabled: ["openclaw-guard"]`, or `hooksConfig.enabled: false`).
import JSON5 from "json5";
import type { CodexHooksRead } from "../codex-app-server.js";
import { isOurHookHandler } from "../clients/hook-groups.js";
import { check, type Check } from "../doctor-report.js";

// ---- Codex ----------------------------------------------------------------------------------------

export type CodexFacts = {
  hooksFile: string;
  /** The guard's handler is in hooks.json. */
  hookWritten: boolean;
  /** [mcp_servers.openclaw-guard] is in config.toml. */
  serverRegistered: boolean;
  /** What Codex itself says, when the hook is written. */
  listed?: CodexHooksRead;
};

const CODEX_FIX = "openclaw-guard init codex --trust-hook (or trust it in Codex's /hooks), then restart Codex.";

export function checkCodexHook(facts: CodexFacts | undefined): Check | undefined {
  const id = "guard.codex-hook";
  if (facts === undefined || (!facts.hookWritten && !facts.serverRegistered)) return undefined;
  if (!facts.hookWritten) return check(id, "guard", "fail", `Codex has the openclaw-guard server but no guard hook in ${facts.hooksFile}: Codex's shell runs raw openclaw sends unchecked.`, CODEX_FIX);
  const listed = facts.listed;
  if (listed === undefined || "error" in listed) {
    return check(id, "guard", "warn", `could not ask Codex whether it trusts the guard hook in ${facts.hooksFile}${listed ? ` (${listed.error})` : ""}; Codex skips an untrusted hook silently.`, "run doctor where `codex` is on PATH, or check Codex's /hooks by hand.");
  }
  const ours = listed.hooks.filter((hook) => hook.sourcePath === facts.hooksFile); // not a look-alike in a project's .codex/
  if (ours.length === 0) return check(id, "guard", "fail", `Codex does not load the guard hook from ${facts.hooksFile} (are hooks turned off with [features] hooks = false?).`, "remove `hooks = false` from [features] in ~/.codex/config.toml, then run openclaw-guard init codex --trust-hook.");
  const untrusted = ours.filter((hook) => hook.trustStatus !== "trusted");
  if (untrusted.length > 0) {
    const why = untrusted.map((hook) => (hook.trustStatus === "modified" ? `${hook.key} changed since it was trusted` : `${hook.key} is ${hook.trustStatus}`)).join("; ");
    return check(id, "guard", "fail", `Codex skips the guard hook, silently: ${why}.`, CODEX_FIX);
  }
  return check(id, "guard", "ok", `Codex trusts the guard hook (${ours.map((hook) => hook.key).join(", ")}).`);
}

// ---- Gemini CLI ------------------------------------------------------------------------------------

/** A settings file; `text` undefined means it does not exist. */
export type GeminiSettings = { path: string; text?: string };

export type GeminiFacts = {
  user: GeminiSettings;
  /** `<project>/.gemini/settings.json`, which the agent working there can edit. */
  workspace: GeminiSettings;
  cwd: string;
  /** ~/.gemini/trustedFolders.json. */
  trustedFolders: GeminiSettings;
  /** GEMINI_CLI_TRUST_WORKSPACE, which overrides the folder rules. */
  trustEnv?: string;
};

type GeminiHook = { name: string; command: string };

function parseSettings(file: GeminiSettings): Record<string, unknown> | undefined {
  if (file.text === undefined) return undefined;
  try {
    const json = JSON5.parse(file.text) as unknown; // Gemini CLI allows comments in settings.json
    return typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** The guard's BeforeTool handlers in the user settings; Gemini names a hook by `name`, else by its command. */
function guardHooks(settings: Record<string, unknown> | undefined): GeminiHook[] {
  const groups = record(settings?.hooks).BeforeTool;
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((group) =>
    (Array.isArray(record(group).hooks) ? (record(group).hooks as unknown[]) : []).flatMap((handler) => {
      const { name, command } = record(handler);
      if (typeof command !== "string" || !isOurHookHandler(handler)) return [];
      return [{ name: typeof name === "string" && name !== "" ? name : command, command }];
    }),
  );
}

/** Why this settings file turns the guard hook off, if it does. */
function disablesHook(settings: Record<string, unknown> | undefined, hooks: readonly GeminiHook[]): string | undefined {
  const config = record(settings?.hooksConfig);
  if (config.enabled === false) return "hooksConfig.enabled is false (no hook runs)";
  const disabled = Array.isArray(config.disabled) ? config.disabled : [];
  const hit = hooks.find((hook) => disabled.includes(hook.name));
  return hit ? `hooksConfig.disabled lists ${JSON.stringify(hit.name)}` : undefined;
}

/** Gemini CLI 0.61's folder trust: the longest matching rule wins; TRUST_PARENT trusts the rule path's parent. */
export function geminiFolderTrusted(facts: GeminiFacts, userSettings: Record<string, unknown> | undefined): boolean | undefined {
  if (facts.trustEnv === "false") return false;
  if (facts.trustEnv === "true") return true;
  if (record(record(record(userSettings).security).folderTrust).enabled === false) return true;
  const rules = record(parseSettings(facts.trustedFolders));
  let best: { length: number; trust: unknown } | undefined;
  for (const [rule, trust] of Object.entries(rules)) {
    const base = trust === "TRUST_PARENT" ? rule.replace(/\/+[^/]*\/*$/, "") || "/" : rule.replace(/\/+$/, "") || "/";
    const inside = facts.cwd === base || facts.cwd.startsWith(base === "/" ? "/" : `${base}/`);
    if (inside && (best === undefined || rule.length > best.length)) best = { length: rule.length, trust };
  }
  if (best?.trust === "DO_NOT_TRUST") return false;
  return best?.trust === "TRUST_FOLDER" || best?.trust === "TRUST_PARENT" ? true : undefined;
}

const GEMINI_FIX = "openclaw-guard init gemini";

export function checkGeminiHook(facts: GeminiFacts | undefined): Check[] {
  if (facts === undefined) return [];
  const user = parseSettings(facts.user);
  const hooks = guardHooks(user);
  const ourServer = record(user?.mcpServers)["openclaw-guard"] !== undefined || record(parseSettings(facts.workspace)?.mcpServers)["openclaw-guard"] !== undefined;
  if (hooks.length === 0) {
    return ourServer ? [check("guard.gemini-hook", "guard", "fail", `Gemini CLI has the openclaw-guard server but no guard hook in ${facts.user.path}.`, GEMINI_FIX)] : [];
  }
  const checks: Check[] = [];
  const offWorkspace = disablesHook(parseSettings(facts.workspace), hooks);
  const offUser = disablesHook(user, hooks);
  if (offWorkspace !== undefined) {
    checks.push(
      check("guard.gemini-hook", "guard", "fail", `${facts.workspace.path} switches the guard hook off for this project: ${offWorkspace}. An agent that can write its repository can do this.`, `remove it from ${facts.workspace.path} (and review who changed it).`),
    );
  } else if (offUser !== undefined) {
    checks.push(check("guard.gemini-hook", "guard", "fail", `${facts.user.path} switches the guard hook off: ${offUser}.`, `remove it from ${facts.user.path}.`));
  } else {
    checks.push(check("guard.gemini-hook", "guard", "ok", `Gemini CLI BeforeTool hook ${JSON.stringify(hooks[0]!.name)} in ${facts.user.path}, not switched off in ${facts.workspace.path}.`));
  }
  const trusted = geminiFolderTrusted(facts, user);
  if (trusted !== true) {
    checks.push(
      check(
        "guard.gemini-trust",
        "guard",
        "warn",
        `${facts.cwd} is ${trusted === false ? "distrusted" : "not trusted"} in Gemini CLI: there it loads neither the openclaw-guard server nor your user-level hooks (the guard hook); only the policy file applies, and Gemini asks to trust the folder, which turns them on.`,
        "trust the folder in Gemini CLI (/permissions) if you work there with Gemini, so the guard hook runs.",
      ),
    );
  }
  return checks;
}

// ---- Where each client logs its MCP servers ------------------------------------------------------

export type McpLogFacts = { home: string; cwd: string; env: NodeJS.ProcessEnv; platform: NodeJS.Platform };

/**
 * Where to read why a client could not start or use the server (read from the pinned programs):
 * Claude Code writes `mcp-logs-<server>` under its env-paths cache, keyed by the working directory
 * with every non-alphanumeric character turned into `-`; Codex logs to $CODEX_HOME/log/codex-tui.log;
 * Gemini CLI shows MCP server output only with `--debug`.
 */
export function checkMcpLogs(facts: McpLogFacts): Check {
  const cache = facts.platform === "darwin" ? `${facts.home}/Library/Caches` : (facts.env.XDG_CACHE_HOME ?? `${facts.home}/.cache`);
  const claude = `${cache}/claude-cli-nodejs/${facts.cwd.replace(/[^a-zA-Z0-9]/g, "-")}/mcp-logs-openclaw-guard/`;
  const codex = `${facts.env.CODEX_HOME ?? `${facts.home}/.codex`}/log/codex-tui.log`;
  return check(
    "clients.mcp-logs",
    "guard",
    "ok",
    `MCP logs (why a client shows no openclaw-guard tools): Claude Code ${claude} (for this directory; \`claude --debug\` prints them too); Codex ${codex}; Gemini CLI: run \`gemini --debug\`.`,
  );
}

// ---- Every client: the server registration itself ---------------------------------------------------

/** The openclaw-guard entry as a client's config file holds it. */
export type ServerEntry = { command?: unknown; args?: unknown; url?: unknown; httpUrl?: unknown };

export type RegistrationFacts = {
  client: "claude-code" | "codex" | "gemini";
  file: string;
  /** The entry; undefined: the file has none (or does not exist). */
  entry?: ServerEntry;
  /** The file (or the entry) does not parse. */
  parseError?: string;
  /** Whether entry.command and the dist/cli.js in entry.args exist and are executable / readable. */
  commandExists?: boolean;
  cliExists?: boolean;
  /** The address book doctor checks, which the hook and the plugin use too. */
  book: string;
  /** The plugin's config.configPath in openclaw.json, when set. */
  pluginBook?: string;
  /** The --config of Claude Code's guard hook, when it names one. */
  hookBook?: string;
};

const INIT_FIX = (client: string) => `openclaw-guard init ${client} (it rewrites the entry for this install), then restart the client.`;

/** Entry present, node binary and dist present, the same book as the hook and the plugin, and it parses. Nothing when the client has no entry of ours. */
export function checkRegistration(facts: RegistrationFacts): Check | undefined {
  const id = `client.${facts.client}-server`;
  const where = `${facts.client}'s server entry in ${facts.file}`;
  if (facts.parseError !== undefined) return check(id, "guard", "fail", `${where} cannot be read: ${facts.parseError}. The client cannot start the server, so the model has no send_message.`, `fix the file, then ${INIT_FIX(facts.client)}`);
  const entry = facts.entry;
  if (entry === undefined) return undefined;
  const url = typeof entry.url === "string" ? entry.url : typeof entry.httpUrl === "string" ? entry.httpUrl : undefined;
  if (url !== undefined) return check(id, "guard", "ok", `${where}: the guard's HTTP service at ${url} (checked where it runs).`);
  const args = Array.isArray(entry.args) && entry.args.every((a) => typeof a === "string") ? (entry.args as string[]) : undefined;
  if (typeof entry.command !== "string" || args === undefined) return check(id, "guard", "fail", `${where} has no command and args list the client can run.`, INIT_FIX(facts.client));
  if (facts.commandExists === false) return check(id, "guard", "fail", `${where} runs ${entry.command}, which does not exist or is not executable (Node moved or was upgraded?): the server cannot start.`, INIT_FIX(facts.client));
  if (facts.cliExists === false) return check(id, "guard", "fail", `${where} runs ${args[0] ?? "(no script)"}, which does not exist (the package moved, or dist/ was not built): the server cannot start.`, `npm run build in the package, or ${INIT_FIX(facts.client)}`);
  const at = args.indexOf("--config");
  const book = at >= 0 ? args[at + 1] : undefined;
  if (book === undefined) return check(id, "guard", "fail", `${where} passes no --config: the server would read the default book, not necessarily ${facts.book}, which the hook and doctor use.`, INIT_FIX(facts.client));
  if (book !== facts.book) return check(id, "guard", "fail", `${where} serves the address book ${book}, but the hook and doctor use ${facts.book}: the model and the guard disagree on who may be reached.`, INIT_FIX(facts.client));
  if (facts.hookBook !== undefined && facts.hookBook !== book) return check(id, "guard", "fail", `${where} serves ${book}, but Claude Code's guard hook reads ${facts.hookBook}: the hook protects another book than the one the model sends through.`, INIT_FIX(facts.client));
  if (facts.pluginBook !== undefined && facts.pluginBook !== book) return check(id, "guard", "fail", `${where} serves ${book}, but the gateway plugin enforces ${facts.pluginBook}.`, "openclaw-guard init openclaw, then let the gateway reload.");
  return check(id, "guard", "ok", `${where}: ${entry.command} ${args[0]}, the same address book as the hook${facts.pluginBook !== undefined ? " and the plugin" : ""}.`);
}

/** The guard's tools in Claude Code's permissions: `claude -p` refuses an MCP tool nobody approved. */
export function checkClaudeTools(registered: boolean, permissions: { allow: readonly string[]; deny: readonly string[]; file: string }, tools: readonly string[]): Check | undefined {
  if (!registered) return undefined;
  const id = "client.claude-code-tools";
  const server = tools[0]!.replace(/__[^_]+(?:_[^_]+)*$/, "");
  const covers = (rules: readonly string[], tool: string) => rules.some((r) => r === tool || r === server || r === `${server}__*`);
  const denied = tools.filter((t) => covers(permissions.deny, t));
  if (denied.length > 0) return check(id, "guard", "fail", `Claude Code's permissions deny ${denied.join(", ")}: the model cannot send even to a vetted alias.`, `remove them from permissions.deny in ${permissions.file}.`);
  const missing = tools.filter((t) => !covers(permissions.allow, t));
  if (missing.length > 0) {
    return check(id, "guard", "warn", `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in Claude Code's permissions.allow: a headless \`claude -p\` session refuses the tool, an interactive one asks every time.`, "openclaw-guard init claude-code (adds both to permissions.allow in your user settings).");
  }
  return check(id, "guard", "ok", `Claude Code allows ${tools.join(" and ")} (${permissions.file}); every send still passes the guard's policy.`);
}
