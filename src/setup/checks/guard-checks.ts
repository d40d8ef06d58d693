// Layer "guard": the PATH shim comes first for every shell the agent may start, the Claude Code hook
// is installed where the agent cannot edit it (with onFailure "block"), deny rules exist, and the
// hook command really denies a canary send.
import { dirname } from "node:path";
import { maskDigitRuns } from "../../audit/redact.js";
import { check, type Check } from "../doctor-report.js";
import { missingDirs } from "../clients/agent-path.js";
import type { RunResult } from "./transport-checks.js";
import { isOurHookHandler } from "../clients/hook-groups.js";

// ---- PATH shims ---------------------------------------------------------------------------------

/** Every executable `openclaw` in one shell's PATH, in lookup order. */
export type PathLookup = { shell: string; found: { file: string; isShim: boolean }[]; error?: string };

/** In double quotes the shell expands $HOME; a `~` there would stay a literal `~` in PATH. */
export const SHIM_DIR_SUGGESTION = "$HOME/.local/share/openclaw-guard/bin";

/** One agent client's PATH setting, as doctor read it (Claude Code settings env.PATH, Codex's shell_environment_policy.set). */
export type AgentPathFacts = {
  client: "claude-code" | "codex";
  /** The file the client takes the value from (the highest-precedence one that sets it), or where init writes it. */
  file: string;
  /** The PATH the client gives its shells; undefined: the setting is absent (the shells inherit the client's own PATH). */
  value?: string;
  /** Its first directory holds our `openclaw` shim. */
  firstIsShim: boolean;
  /** Codex: a login shell is allowed, which resets PATH from /etc/profile. */
  loginShell?: boolean;
  /** The directory init writes the shims to. */
  shimDir: string;
  /** The PATH doctor runs with (the user's, now). */
  currentPath?: string;
};

const CLIENT_TITLES = { "claude-code": "Claude Code", codex: "Codex" } as const;

/** Whether the agent's shells find the shim first, by the client's own env setting (no rc file involved). */
export function checkAgentPath(facts: AgentPathFacts): Check {
  const id = `guard.agent-path-${facts.client}`;
  const title = CLIENT_TITLES[facts.client];
  const init = `openclaw-guard init ${facts.client}`;
  const setting = facts.client === "claude-code" ? "settings env.PATH" : "[shell_environment_policy.set] PATH";
  if (facts.value === undefined) {
    return check(id, "guard", "warn", `${title}'s shells get the PATH ${title} was started with: no ${setting} in ${facts.file}, so \`openclaw\` there is the real CLI by name (the hook still checks every command).`, `${init} (writes the shims to ${facts.shimDir} and puts that directory first in ${setting}; your own shells stay as they are).`);
  }
  const first = facts.value.split(":")[0] ?? "";
  if (!facts.firstIsShim) {
    return check(id, "guard", "fail", `${setting} in ${facts.file} starts with ${JSON.stringify(first)}, which holds no openclaw-guard shim: ${title}'s shells run the real CLI by name.`, `${init} (rewrites the shims and ${setting}).`);
  }
  if (facts.loginShell) {
    return check(id, "guard", "fail", `${facts.file} allows login shells (allow_login_shell is not false): Codex's default login shell resets PATH from /etc/profile, dropping the shim directory.`, `${init} (sets allow_login_shell = false).`);
  }
  const missing = missingDirs(facts.value, facts.currentPath, first);
  if (missing.length > 0) {
    return check(id, "guard", "warn", `${setting} in ${facts.file} is stale: it was written from an earlier PATH and lacks ${missing.join(", ")}, so ${title}'s shells do not find the programs there (${title} does not expand $PATH, so init wrote an absolute value).`, `${init} (adds them after the shim directory).`);
  }
  return check(id, "guard", "ok", `${title}'s shells start PATH with the shim directory ${first} (${setting} in ${facts.file}).`);
}

export function checkShimOrder(lookups: readonly PathLookup[], agentsCovered: readonly string[] = []): Check {
  const id = "guard.shim";
  if (agentsCovered.length > 0) {
    const inYours = lookups.some((l) => l.found.some((f) => f.isShim));
    return check(id, "guard", "ok", `the PATH shim is on the agents' PATH (${agentsCovered.join(", ")}), set in their own settings${inYours ? "; it is on your PATH too, where a person at a terminal gets the real CLI for everything but sending" : ", not in your shells': your own \`openclaw\` is the real CLI, as intended"}.`);
  }
  const read = lookups.filter((l) => l.error === undefined);
  const unread = lookups.filter((l) => l.error !== undefined);
  const unreadNote = unread.length > 0 ? ` Could not read PATH from ${unread.map((l) => `${l.shell} (${l.error})`).join(", ")}.` : "";
  const shimFiles = read.flatMap((l) => l.found.filter((f) => f.isShim).map((f) => f.file));
  const shimDir = shimFiles.length > 0 ? dirname(shimFiles[0]!) : undefined;
  const shells = (list: readonly PathLookup[]) => list.map((l) => l.shell).join(", ");
  if (shimDir === undefined) {
    const real = read.filter((l) => l.found.length > 0);
    if (real.length === 0) return check(id, "guard", unread.length > 0 ? "warn" : "ok", `no openclaw on PATH in ${shells(read) || "any shell checked"}: the raw CLI is not reachable by name (absolute paths are the hook's job).${unreadNote}`);
    return check(
      id,
      "guard",
      "warn",
      `no openclaw-guard shim on PATH (neither an agent's settings nor your shells): \`openclaw\` runs the real CLI (${real[0]!.found[0]!.file}) in ${shells(real)}; outside the hooks nothing stops a raw send by name.${unreadNote}`,
      `openclaw-guard init claude-code or init codex puts the shim on that agent's PATH (in its own settings, no rc-file edit). For another agent: openclaw-guard shim install --dir "${SHIM_DIR_SUGGESTION}", then export PATH="${SHIM_DIR_SUGGESTION}:$PATH" in the shell that starts it.`,
    );
  }
  const bad = read.filter((l) => l.found.length > 0 && !l.found[0]!.isShim);
  if (bad.length > 0) {
    const where = bad.map((l) => `${l.shell} (${l.found[0]!.file}${l.found.some((f) => f.isShim) ? " before the shim" : "; the shim is not on its PATH"})`).join(", ");
    return check(
      id,
      "guard",
      "fail",
      `the real openclaw comes first in ${where}: the shim in ${shimDir} is bypassed there.${unreadNote}`,
      `add export PATH="${shimDir}:$PATH" at the END of ~/.profile and ~/.bashrc (after whatever adds the real CLI's directory), then open a new shell.`,
    );
  }
  const covered = read.filter((l) => l.found.length > 0);
  return check(id, "guard", unread.length > 0 ? "warn" : "ok", `the shim in ${shimDir} comes first in ${shells(covered)}.${unreadNote}`, unread.length > 0 ? "check those shells' PATH by hand." : undefined);
}

// ---- Claude Code settings -----------------------------------------------------------------------

export type SettingsScope = "managed" | "user" | "project" | "project-local";
/** A settings file; `text` and `error` both undefined means it does not exist. */
export type SettingsFile = { scope: SettingsScope; path: string; text?: string; error?: string };
export type ClaudeFacts = { files: readonly SettingsFile[]; claudeDirExists: boolean; claudeDir: string };

/** How the hook asks the guard: a command per call, or a running server (`http`: serve --http, `mcp_tool`: the stdio server). */
export type HookForm = "command" | "http" | "mcp_tool";

export type GuardHook = {
  scope: SettingsScope;
  path: string;
  matcher: string;
  form: HookForm;
  /** The command; for the served forms what Claude Code asks: the URL (never its headers), `openclaw-guard/check_command`. */
  command: string;
  /** An http hook's headers (the agent's token: a secret). */
  headers?: Record<string, string>;
  onFailure?: unknown;
  timeout?: number;
  /** Why Claude Code would not wait for this handler's verdict on every command, if so. */
  nonBlocking?: string;
};

/** Claude Code only stops a command on a handler it waits for, on every run, for every command. */
function nonBlockingReason(handler: Record<string, unknown>): string | undefined {
  if (handler.async === true || handler.asyncRewake === true) return "runs in the background (async), so its exit code cannot stop the command";
  if (handler.once === true) return "has once: true, so it is removed after its first run";
  if (handler.if !== undefined) return "has an if condition, so it may not run for every command";
  return undefined;
}

const PROTECTED: readonly SettingsScope[] = ["managed", "user"];
export const DENY_RULES: readonly string[] = ["Bash(openclaw message *)", "Bash(openclaw message:*)"];
export const CANARY_COMMAND = "openclaw message send --target +15550000000 --message doctor-canary";

export type Parsed = { file: SettingsFile; json?: Record<string, unknown>; error?: string };

export function parse(file: SettingsFile): Parsed {
  if (file.error !== undefined) return { file, error: `cannot read it (${file.error})` };
  if (file.text === undefined) return { file };
  try {
    const json: unknown = JSON.parse(file.text);
    if (!json || typeof json !== "object" || Array.isArray(json)) return { file, error: "is not a JSON object" };
    return { file, json: json as Record<string, unknown> };
  } catch (error) {
    return { file, error: `is not valid JSON (${(error as Error).message})` };
  }
}

/** Claude Code matchers: empty or "*" match every tool; otherwise a regex (or `|` list) over the tool name. */
export function matcherCovers(matcher: unknown, tool: string): boolean {
  if (matcher === undefined || matcher === null || matcher === "" || matcher === "*") return true;
  if (typeof matcher !== "string") return false;
  try {
    return new RegExp(`^(?:${matcher})$`).test(tool);
  } catch {
    return matcher.split("|").map((m) => m.trim()).includes(tool);
  }
}

const HOOK_COMMAND = /\bhook\s+claude-code\b/;

/** Every PreToolUse handler, in any of the files, that runs `... hook claude-code` for Bash. */
export function findGuardHooks(files: readonly SettingsFile[]): GuardHook[] {
  const hooks: GuardHook[] = [];
  for (const { file, json } of files.map(parse)) {
    const entries = (json?.hooks as { PreToolUse?: unknown } | undefined)?.PreToolUse;
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as { matcher?: unknown; hooks?: unknown }[]) {
      if (!entry || typeof entry !== "object" || !matcherCovers(entry.matcher, "Bash") || !Array.isArray(entry.hooks)) continue;
      for (const handler of entry.hooks as ({ type?: unknown; command?: unknown; onFailure?: unknown; timeout?: unknown } & Record<string, unknown>)[]) {
        const served = handler?.type === "http" || handler?.type === "mcp_tool";
        if (served ? !isOurHookHandler(handler) : handler?.type !== "command" || typeof handler.command !== "string" || !HOOK_COMMAND.test(handler.command)) continue;
        const nonBlocking = nonBlockingReason(handler);
        const headers = handler.type === "http" && typeof handler.headers === "object" && handler.headers !== null ? Object.fromEntries(Object.entries(handler.headers).filter((e): e is [string, string] => typeof e[1] === "string")) : undefined;
        hooks.push({
          scope: file.scope,
          path: file.path,
          matcher: typeof entry.matcher === "string" ? entry.matcher : "*",
          form: handler.type as HookForm,
          command: handler.type === "http" ? String(handler.url) : handler.type === "mcp_tool" ? `${String(handler.server)}/${String(handler.tool)}` : String(handler.command),
          ...(headers ? { headers } : {}),
          onFailure: handler.onFailure,
          ...(typeof handler.timeout === "number" ? { timeout: handler.timeout } : {}),
          ...(nonBlocking ? { nonBlocking } : {}),
        });
      }
    }
  }
  return hooks;
}

function flag(parsed: readonly Parsed[], key: string, scopes: readonly SettingsScope[]): Parsed | undefined {
  return parsed.find((p) => scopes.includes(p.file.scope) && p.json?.[key] === true);
}

/** The hook Claude Code would really run, preferring one it cannot skip. */
export function effectiveHooks(facts: ClaudeFacts): { protectedHooks: GuardHook[]; managedOnly: boolean } {
  const parsed = facts.files.map(parse);
  const managedOnly = flag(parsed, "allowManagedHooksOnly", ["managed"]) !== undefined;
  const all = findGuardHooks(facts.files);
  return { protectedHooks: all.filter((h) => (managedOnly ? h.scope === "managed" : PROTECTED.includes(h.scope))), managedOnly };
}

const blocks = (h: GuardHook) => h.onFailure === "block" && h.nonBlocking === undefined;

/**
 * The hook the canary runs: from user or managed settings only. A command taken from the
 * repository's settings is never run, since anyone who can commit to it could put anything there.
 */
export function hookForCanary(facts: ClaudeFacts): GuardHook | undefined {
  const { protectedHooks } = effectiveHooks(facts);
  return protectedHooks.find(blocks) ?? protectedHooks[0];
}

const FORM_LABELS: Record<Exclude<HookForm, "command">, string> = { http: "type http: asks serve --http", mcp_tool: "type mcp_tool: asks the stdio server" };

const INIT_FIX = "openclaw-guard init claude-code (writes the hook and deny rules into ~/.claude/settings.json).";

export function checkHook(facts: ClaudeFacts): Check {
  const id = "guard.hook";
  const parsed = facts.files.map(parse);
  const broken = parsed.find((p) => p.error !== undefined && PROTECTED.includes(p.file.scope));
  if (broken) return check(id, "guard", "fail", `${broken.file.path} ${broken.error}.`, "fix the file; Claude Code cannot apply the settings in it.");
  const disabled = flag(parsed, "disableAllHooks", ["managed", "user", "project", "project-local"]);
  if (disabled) return check(id, "guard", "fail", `${disabled.file.path} sets disableAllHooks: true: no hook runs, the guard hook included.`, "remove disableAllHooks from it.");
  const { protectedHooks, managedOnly } = effectiveHooks(facts);
  const all = findGuardHooks(facts.files);
  const good = protectedHooks.find(blocks);
  if (good) return check(id, "guard", "ok", `PreToolUse hook in ${good.path} (${good.scope} settings, ${good.form === "command" ? "" : `${FORM_LABELS[good.form]}, `}matcher "${good.matcher}", onFailure "block").`);
  const background = protectedHooks.find((h) => h.nonBlocking !== undefined);
  if (background) {
    return check(id, "guard", "fail", `the hook in ${background.path} ${background.nonBlocking}.`, `remove async, asyncRewake, once and if from that handler, or re-run ${INIT_FIX}`);
  }
  const weak = protectedHooks[0];
  if (weak) {
    return check(
      id,
      "guard",
      "fail",
      `the hook in ${weak.path} has no onFailure: "block": if it crashes, times out or its script goes missing, Claude Code runs the command.`,
      `add "onFailure": "block" to that handler (Claude Code >= 2.1.295), or re-run ${INIT_FIX}`,
    );
  }
  const ignored = all.find((h) => h.scope === "user");
  if (managedOnly && ignored) {
    return check(id, "guard", "fail", `managed settings set allowManagedHooksOnly, so the hook in ${ignored.path} is ignored.`, "add the hook to the managed settings.");
  }
  const project = all[0];
  if (project) {
    return check(id, "guard", "warn", `the hook is only in ${project.path} (${project.scope} settings), which the agent can edit or a checkout can lack.`, INIT_FIX);
  }
  if (!facts.claudeDirExists && parsed.every((p) => p.file.text === undefined || p.file.scope !== "managed")) {
    return check(id, "guard", "warn", `Claude Code is not set up for this user (no ${facts.claudeDir}): the hook is not checked.`, `if an agent runs Claude Code here, ${INIT_FIX}`);
  }
  return check(id, "guard", "fail", "no openclaw-guard PreToolUse hook in user or managed Claude Code settings: Claude Code runs raw openclaw commands unchecked.", INIT_FIX);
}

const normaliseRule = (rule: string) => rule.replace(/\s+/g, " ").trim();

export function checkDenyRules(facts: ClaudeFacts): Check | undefined {
  const id = "guard.deny-rules";
  const parsed = facts.files.map(parse);
  const managedOnly = flag(parsed, "allowManagedPermissionRulesOnly", ["managed"]) !== undefined;
  const holders = parsed.flatMap((p) => {
    const deny = (p.json?.permissions as { deny?: unknown } | undefined)?.deny;
    const rules = Array.isArray(deny) ? deny.filter((r): r is string => typeof r === "string").map(normaliseRule) : [];
    const hit = DENY_RULES.find((r) => rules.includes(r));
    return hit ? [{ scope: p.file.scope, path: p.file.path, rule: hit }] : [];
  });
  const usable = holders.filter((h) => (managedOnly ? h.scope === "managed" : PROTECTED.includes(h.scope)));
  if (usable[0]) return check(id, "guard", "ok", `deny rule ${usable[0].rule} in ${usable[0].path}.`);
  if (!facts.claudeDirExists && holders.length === 0 && !parsed.some((p) => p.file.scope === "managed" && p.file.text !== undefined)) return undefined;
  const fix = `add "${DENY_RULES[0]}" to permissions.deny in ~/.claude/settings.json, or run openclaw-guard init claude-code.`;
  if (holders[0]) return check(id, "guard", "warn", `the deny rule is only in ${holders[0].path} (${holders[0].scope} settings${managedOnly ? "; managed settings allow only managed rules" : ""}).`, fix);
  return check(id, "guard", "warn", `no permissions.deny rule for ${DENY_RULES.join(" / ")} in user or managed settings (a convenience: the hook is the guard).`, fix);
}

// ---- the canary ---------------------------------------------------------------------------------

/** The command form's exit code and output; a served form's hook JSON answer, or why there was none. */
export type CanaryFacts = { hook: GuardHook; ms: number } & ({ result: RunResult } | { answer?: unknown; error?: string });

export function canaryInput(cwd: string): string {
  return JSON.stringify({ session_id: "openclaw-guard-doctor", cwd, hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command: CANARY_COMMAND, description: "openclaw-guard doctor canary" } });
}

export function checkCanary(facts: CanaryFacts | undefined): Check | undefined {
  if (facts === undefined) return undefined;
  const id = "guard.hook-canary";
  const { hook, ms } = facts;
  if (!("result" in facts)) return checkServedCanary(hook, facts, ms);
  const { result } = facts;
  const command = `\`${hook.command}\``;
  if (result.exitCode === 2) return check(id, "guard", "ok", `the hook command denied a canary \`openclaw message send\` (exit 2, ${ms} ms).`);
  const said = maskDigitRuns(result.stderr.trim().split("\n").filter(Boolean).pop() ?? "");
  if (result.exitCode === 0) return check(id, "guard", "fail", `the hook command ${command} ALLOWED a canary \`openclaw message send\` (exit 0).`, "reinstall openclaw-guard and re-run openclaw-guard init claude-code; check guard.allowOpenclawCommands in the config.");
  const why = result.spawnError ? `could not start (${result.spawnError})` : result.timedOut ? "timed out" : `exited ${result.exitCode ?? "abnormally"}${said ? `: ${said}` : ""}`;
  const effect = hook.onFailure === "block" ? "Claude Code blocks every Bash command while this is so" : "without onFailure block Claude Code then runs the command";
  return check(id, "guard", "fail", `the hook command ${command} ${why} on a canary send (${effect}).`, "run the command by hand; check the node and openclaw-guard paths in it.");
}

/** The http or mcp_tool hook, asked the canary the way Claude Code asks it. */
function checkServedCanary(hook: GuardHook, facts: { answer?: unknown; error?: string }, ms: number): Check {
  const id = "guard.hook-canary";
  const what = hook.form === "http" ? `the http hook (${hook.command})` : `the mcp_tool hook (${hook.command})`;
  if (facts.error !== undefined) {
    const effect = hook.onFailure === "block" ? "Claude Code blocks every Bash command while this is so" : "without onFailure block Claude Code then runs the command";
    return check(id, "guard", "fail", `${what} gave no answer to a canary send: ${maskDigitRuns(facts.error)} (${effect}).`, hook.form === "http" ? "start `openclaw-guard serve --http` (or its service) and check the hook's URL and token." : "check that the openclaw-guard server starts (`claude mcp list`), or re-run openclaw-guard init claude-code.");
  }
  const decision = (facts.answer as { hookSpecificOutput?: { permissionDecision?: unknown } } | null | undefined)?.hookSpecificOutput?.permissionDecision;
  if (decision === "deny") return check(id, "guard", "ok", `${what} denied a canary \`openclaw message send\` (${ms} ms).`);
  return check(id, "guard", "fail", `${what} ALLOWED a canary \`openclaw message send\`.`, "check what answers there (another program on that port or server name?), then re-run openclaw-guard init claude-code; check guard.allowOpenclawCommands in the config.");
}

// ---- the server a served hook asks ----------------------------------------------------------------

export type HookServerFacts = {
  hook: GuardHook;
  /** Where the mcp_tool hook's server name points: the user-scope entry's type (stdio or http), if any. */
  userServerType?: string;
  /** A local-scope (`claude mcp add -s local`) openclaw-guard server for the working directory, in this file. */
  localServerIn?: string;
  /** A project .mcp.json defining an openclaw-guard server, and whether disabledMcpjsonServers names it. */
  projectServer?: { path: string; disabled: boolean };
};

/** guard.hook-server: what a served hook depends on. Undefined for the command form. */
export function checkHookServer(facts: HookServerFacts | undefined): Check | undefined {
  if (facts === undefined || facts.hook.form === "command") return undefined;
  const id = "guard.hook-server";
  const { hook } = facts;
  if (hook.form === "http") {
    const url = hook.command;
    return check(id, "guard", "ok", `the hook asks ${url} (serve --http) with the agent's token: no process per command; while that service is down or slow Claude Code blocks every Bash call. Whatever listens on that port answers: keep the service running (a service user, a port below 1024).`);
  }
  if (facts.localServerIn !== undefined) {
    return check(id, "guard", "fail", `a local-scope "openclaw-guard" server in ${facts.localServerIn} takes the place of the user one for this directory: the mcp_tool hook asks it.`, "claude mcp remove -s local openclaw-guard; or use the command or http hook (openclaw-guard init claude-code --hook command).");
  }
  if (facts.projectServer !== undefined && !facts.projectServer.disabled) {
    return check(id, "guard", "fail", `${facts.projectServer.path} defines an "openclaw-guard" server and disabledMcpjsonServers does not name it: once approved, the mcp_tool hook could ask it.`, 'add "openclaw-guard" to disabledMcpjsonServers in ~/.claude/settings.json (openclaw-guard init claude-code --hook mcp-tool does).');
  }
  if (facts.userServerType !== "stdio") {
    return check(id, "guard", "fail", `the mcp_tool hook calls check_command of the "openclaw-guard" server, but the user-scope entry is ${facts.userServerType === undefined ? "missing" : `of type ${facts.userServerType}`}: only the local stdio server has that tool, so Claude Code blocks every Bash call.`, "openclaw-guard init claude-code --hook mcp-tool (without --remote), or --hook http with --remote.");
  }
  return check(id, "guard", "ok", "the hook calls the stdio server's hidden check_command (type mcp_tool): no process per command; while that server is not connected Claude Code blocks every Bash call.");
}

// ---- what a text check cannot see ---------------------------------------------------------------

/**
 * The hook and the shim read command text. A send whose binary name or gateway port is computed
 * from files, `ls`, `ss`, octal or hex is invisible to any text check: the shim stops the first by
 * name (the real CLI is not on the agent's PATH) and the gateway plugin any send to a stranger; the
 * rest (a program that reads the token and talks to the port) only the sandbox or the separated
 * setup stop. Worded by which of those doctor found working (their own checks' status).
 */
export function checkTextLimits(sandbox: Check | undefined, separation: readonly Check[]): Check {
  const sandboxed = sandbox?.status === "ok";
  const separated = separation.some((c) => c.id === "exposure.separation" && c.status === "ok");
  const limit = "the hook reads command text, so it cannot see a name or port computed at run time (from files, `ls`, `ss`, octal or hex); the PATH shim still stops the CLI by name and the gateway plugin a send to anyone outside the book";
  const covered = [sandboxed ? "Claude Code's sandbox keeps its Bash commands from the gateway's token and port" : "", separated ? "OpenClaw runs as another user, so no program of this user holds the gateway token" : ""].filter((s) => s !== "");
  const missing = [sandboxed ? "" : "openclaw-guard init claude-code --sandbox (Claude Code's Bash)", separated ? "" : "openclaw-guard init openclaw --separate (every agent)"].filter((s) => s !== "");
  const summary = covered.length > 0 ? `${limit}; for the rest, ${covered.join(", and ")}${separated ? "." : " (other agents' shells are not covered)."}` : `${limit}; a program the agent writes can still read the gateway token and talk to its port: neither Claude Code's sandbox nor the separated setup is in place.`;
  return check("guard.text-limits", "guard", "note", summary, missing.length > 0 ? missing.join("; ") : undefined);
}
