// Claude Code: the MCP server in ~/.claude.json (user scope, the shape `claude mcp add -s user`
// writes) or .mcp.json (project scope), and the guard in ~/.claude/settings.json: PreToolUse
// hooks that fail closed (onFailure "block") plus deny rules for the raw CLI and the files the
// agent must not read or edit. The hook never goes into a repository's .claude/settings.json.
// With $CLAUDE_CONFIG_DIR set, Claude Code (2.1.330, checked) keeps both files in that directory:
// $CLAUDE_CONFIG_DIR/settings.json and $CLAUDE_CONFIG_DIR/.claude.json.
import path from "node:path";
import { remoteNotes } from "./remote.js";
import { compareVersions } from "../../version.js";
import { HOOK_PATH } from "../../guard/hook-forms.js";
import { claudeHookHandler, hookUrl, mergeHookGroupsFor, MIN_SERVED_HOOK_VERSION } from "./claude-hooks.js";
import { gatewayUrlOf, mergeSandbox, permissionPath, removeSandboxScalars, sandboxLayer, type SandboxLayer } from "./claude-sandbox.js";
import { AGENT_VARIABLE, agentPath, isOurAgentPath, shimDir, shimPlans } from "./agent-path.js";
import { arrayAt, ensureStrings, jsonServerEntry, mergeEntry, objectAt, planJsonFile, SERVER_NAME, tildePath, type ClientSetup, type FilePlan, type InitContext, type JsonObject, type ReadText } from "../init-plan.js";

/** First release that honours `onFailure: "block"`; older ones let the command run when the hook crashes. */
export const MIN_CLAUDE_CODE_VERSION = "2.1.295";

/** $CLAUDE_CONFIG_DIR, when set; undefined means the defaults under home. */
function claudeConfigDir(context: InitContext): string | undefined {
  const dir = context.env.CLAUDE_CONFIG_DIR;
  return dir ? path.resolve(context.cwd, dir) : undefined;
}

export function claudeUserSettingsPath(context: InitContext): string {
  return path.join(claudeConfigDir(context) ?? path.join(context.home, ".claude"), "settings.json");
}

/** Where `claude mcp add -s user` registers servers. */
export function claudeUserMcpPath(context: InitContext): string {
  return path.join(claudeConfigDir(context) ?? context.home, ".claude.json");
}

/** Deny rules: the raw send CLI, OpenClaw's state (token, allowlists) and the guard's address book. */
export function denyRules(context: InitContext): string[] {
  const config = permissionPath(context.config, context.home);
  return [
    "Bash(openclaw message *)",
    "Bash(openclaw message:*)",
    "Read(~/.openclaw/**)",
    "Edit(~/.openclaw/**)",
    `Read(${config})`,
    `Edit(${config})`,
  ];
}

/**
 * The guard's two tools, allowed up front: in `-p` (headless) mode Claude Code refuses an MCP tool
 * nobody approved, so without these the model's send_message never runs.
 */
export const ALLOWED_TOOLS = [`mcp__${SERVER_NAME}__send_message`, `mcp__${SERVER_NAME}__list_contacts`];

/**
 * Settings `env`: the PATH of every Bash tool shell, the shim directory first. Claude Code 2.1.330
 * (checked) does not expand `$PATH` in it, and its shell snapshot sources ~/.bashrc for functions
 * and aliases but keeps this PATH; so the value is absolute, taken from init's own PATH.
 */
function setAgentEnv(file: string, settings: JsonObject, context: InitContext): string[] {
  const env = objectAt(file, settings, ["env"]);
  const dir = shimDir(context.env, context.home);
  const old = env.PATH;
  const path = agentPath(dir, context.env.PATH, typeof old === "string" ? old : undefined);
  env.PATH = path;
  const summary = [old === path ? "= env.PATH: the shim directory first (unchanged)" : `${old === undefined ? "+" : "~"} env.PATH: ${dir} first, then ${isOurAgentPath(old, dir) ? "the PATH it held plus the directories your PATH gained" : old === undefined ? "the PATH init ran with" : "the PATH you had set there"}`];
  const had = env[AGENT_VARIABLE];
  env[AGENT_VARIABLE] = "claude-code";
  summary.push(had === "claude-code" ? `= env.${AGENT_VARIABLE} unchanged` : `${had === undefined ? "+" : "~"} env.${AGENT_VARIABLE}: claude-code`);
  return summary;
}

/** What `init --remove` takes out of `env`: a PATH init wrote (the shim directory first) and the agent marker. */
function removeAgentEnv(settings: JsonObject, context: InitContext): string[] {
  const env = settings.env;
  if (typeof env !== "object" || env === null || Array.isArray(env)) return [];
  const vars = env as JsonObject;
  const summary: string[] = [];
  if (isOurAgentPath(vars.PATH, shimDir(context.env, context.home))) {
    delete vars.PATH;
    summary.push("- env.PATH (the shim directory first)");
  }
  if (vars[AGENT_VARIABLE] === "claude-code") {
    delete vars[AGENT_VARIABLE];
    summary.push(`- env.${AGENT_VARIABLE}`);
  }
  if (summary.length > 0 && Object.keys(vars).length === 0) delete settings.env;
  return summary;
}

/** What `init --remove` takes out of disabledMcpjsonServers (written with the mcp_tool hook, whichever form is installed now). */
function removeDisabledServer(settings: JsonObject): string[] {
  const list = settings.disabledMcpjsonServers;
  if (!Array.isArray(list) || !list.includes(SERVER_NAME)) return [];
  const rest = list.filter((name) => name !== SERVER_NAME);
  if (rest.length === 0) delete settings.disabledMcpjsonServers;
  else settings.disabledMcpjsonServers = rest;
  return [`- disabledMcpjsonServers: ${SERVER_NAME}`];
}

/** The hooks + deny rules plan for ~/.claude/settings.json (shared with `init vscode`, which reads the same file). */
export function planClaudeUserSettings(context: InitContext, read: ReadText, options: { denyRules: boolean; agentPath?: boolean; sandbox?: SandboxLayer }): FilePlan {
  const file = claudeUserSettingsPath(context);
  const { sandbox } = options;
  const removeScalars = (settings: JsonObject, before: JsonObject) => [
    ...(options.agentPath ? removeAgentEnv(settings, context) : []),
    ...(sandbox ? removeSandboxScalars(settings, before, sandbox, context.home) : []),
    ...removeDisabledServer(settings),
  ];
  return planJsonFile(file, read(file), { allowsComments: false, removeScalars }, (settings) => {
    const summary = mergeHookGroupsFor(file, settings, claudeHookHandler(context));
    // A repository's .mcp.json could bring its own "openclaw-guard" server for the mcp_tool hook to ask.
    if (context.claudeHook === "mcp-tool") summary.push(...ensureStrings(arrayAt(file, settings, ["disabledMcpjsonServers"]), [SERVER_NAME], "disabledMcpjsonServers"));
    if (options.denyRules) {
      summary.push(...ensureStrings(arrayAt(file, settings, ["permissions", "deny"]), denyRules(context), "permissions.deny"));
      summary.push(...ensureStrings(arrayAt(file, settings, ["permissions", "allow"]), ALLOWED_TOOLS, "permissions.allow"));
    }
    if (options.agentPath) summary.push(...setAgentEnv(file, settings, context));
    if (sandbox) summary.push(...mergeSandbox(file, settings, sandbox, context.home));
    return summary;
  });
}

export const claudeCode: ClientSetup = {
  name: "claude-code",
  title: "Claude Code",
  plan(context, read) {
    const server = jsonServerEntry(context, "mcpServers", true);
    const serverFile = context.scope === "user" ? claudeUserMcpPath(context) : path.join(context.cwd, ".mcp.json");
    const serverPlan = planJsonFile(serverFile, read(serverFile), { allowsComments: false, newFileMode: context.scope === "user" ? 0o600 : 0o644 }, (json) => [
      mergeEntry(objectAt(serverFile, json, ["mcpServers"]), SERVER_NAME, server.owned, context.remote ? {} : { env: {} }, server.label, server.drop),
    ]);
    const notes = [
      "The model sees the tools as mcp__openclaw-guard__send_message and mcp__openclaw-guard__list_contacts; both are in permissions.allow, so Claude Code runs them without asking (headless `claude -p` refuses a tool nobody approved). Every send still passes the guard's own policy.",
      ...remoteNotes(context, serverFile),
      "The hook and deny rules are in your user settings: restart running Claude Code sessions to load them.",
      ...hookFormNotes(context),
      `The PATH shim is in ${tildePath(shimDir(context.env, context.home), context.home)} and on Claude Code's PATH only (settings env.PATH, which Claude Code does not expand: it holds your PATH as it is now, the shim directory first). Your own shells are unchanged. After your PATH changes, re-run init; \`openclaw-guard doctor\` says when it is stale.`,
    ];
    if (context.scope === "project") {
      notes.push(
        `The server is in ${serverFile}; Claude Code keeps project servers "pending approval" until you trust the workspace. It holds absolute paths of this machine.`,
        `The guard hook and deny rules were NOT put into ${path.join(context.cwd, ".claude", "settings.json")}: the agent can edit files in its repository, and a hook it can edit guards nothing. They went to ${claudeUserSettingsPath(context)}, which applies to every project.`,
      );
    }
    const sandbox = context.sandbox ? sandboxLayer(context.env, context.home, context.config, gatewayUrlOf(context.env, context.config, read)) : undefined;
    if (sandbox) notes.push(...sandboxNotes(sandbox, context.home));
    return {
      // The guard first (shims, then the settings that point PATH at them): a failed write never leaves the server unguarded.
      files: [...shimPlans(context, read), planClaudeUserSettings(context, read, { denyRules: true, agentPath: true, ...(sandbox ? { sandbox } : {}) }), serverPlan],
      notes,
      limits: [
        ...(sandbox ? SANDBOX_LIMITS : []),
        "The hook parses each Bash command (bash -c, eval, pipes, scripts it can read) but is a guard rail, not a boundary: a program the agent writes can read the gateway token and talk to OpenClaw directly.",
        "Deny rules miss sh -c, eval, xargs, $(...), python -c/node -e and script files; the hook covers most of these, the rules are a second net.",
        "`claude --bare` and `--safe-mode` skip all hooks.",
        "The PATH shim only sees lookups by name: the real binary by its absolute path, npx or node .../openclaw.mjs bypass it (the hook, and the gateway plugin where installed, back it).",
        `Claude Code older than ${MIN_CLAUDE_CODE_VERSION} ignores onFailure: a crashed or timed-out hook lets the command run.`,
        ...(context.claudeHook === "http" || context.claudeHook === "mcp-tool"
          ? [`The ${context.claudeHook} hook needs Claude Code >= ${MIN_SERVED_HOOK_VERSION} (the version checked); the answer is only as trustworthy as whatever answers on that ${context.claudeHook === "http" ? "port: while the guard's service is down, another local program could listen there and allow everything (a service user and a port below 1024 keep the agent from doing so)" : "server name"}.`]
          : []),
      ],
    };
  },
};

function sandboxNotes(sandbox: SandboxLayer, home: string): string[] {
  return [
    `Claude Code's sandbox is on for Bash (sandbox.enabled, failIfUnavailable, allowUnsandboxedCommands: false): its commands cannot read ${sandbox.paths.map((p) => `${p.what} (${tildePath(p.path, home)})`).join(", ")}, and reach no host on the gateway's port (${sandbox.deniedDomains.join(", ")} in sandbox.network.deniedDomains, for ${sandbox.gateway}). The Read tool is not governed by the sandbox: Read(...) deny rules for the same paths stop it.`,
  ];
}

const SANDBOX_LIMITS = [
  "The sandbox covers Bash only: the Read, Edit and WebFetch tools and MCP servers run outside it (the Read deny rules keep the Read tool off the guarded paths; the hook and the Edit rules guard writes).",
  "A project's .claude/settings.json or settings.local.json with sandbox.enabled: false turns the sandbox off in that project, and a project sandbox.filesystem.allowRead re-opens a guarded path (Claude Code honours both from project settings when the layer is in user settings). The hook refuses the agent writing them, but a repository can ship them; `openclaw-guard doctor` run in the project reports them.",
];

/** What the chosen hook form means for the user (setup/clients/claude-hooks.ts). */
function hookFormNotes(context: InitContext): string[] {
  switch (context.claudeHook ?? "command") {
    case "http":
      return [
        `The hook asks the guard's HTTP service (type "http", POST ${context.remote ? hookUrl(context.remote.url) : HOOK_PATH}, this agent's token in its Authorization header, so the token is in ${tildePath(claudeUserSettingsPath(context), context.home)} too): no process per command. While the service is down or slow, Claude Code blocks every Bash, Write and Edit call (onFailure "block"). \`openclaw-guard init claude-code --remote URL --hook command\` goes back to a command per call.`,
      ];
    case "mcp-tool":
      return [
        `The hook calls the stdio server's hidden check_command tool (type "mcp_tool"): no process per command. While that server is not connected, Claude Code blocks every Bash, Write and Edit call (onFailure "block"). disabledMcpjsonServers keeps a repository's .mcp.json from bringing its own "${SERVER_NAME}" server; a local-scope one (\`claude mcp add -s local\`) would still take its place: \`openclaw-guard doctor\` looks for one.`,
      ];
    case "command":
      return [];
  }
}

/** The x.y.z in the output of `claude --version`. */
function claudeVersionOf(output: string | undefined): string | undefined {
  return (output === undefined ? null : /(\d+)\.(\d+)\.(\d+)/.exec(output))?.[0];
}

/** A warning (or undefined) for the output of `claude --version`; undefined output: not found. */
export function claudeVersionWarning(output: string | undefined): string | undefined {
  if (output === undefined) return "`claude` was not found on PATH: could not check its version. The hook needs Claude Code >= 2.1.295 to fail closed.";
  const version = claudeVersionOf(output);
  if (!version) return `could not read a version from \`claude --version\` (${JSON.stringify(output.trim().slice(0, 80))}). The hook needs Claude Code >= ${MIN_CLAUDE_CODE_VERSION} to fail closed.`;
  if (compareVersions(version, MIN_CLAUDE_CODE_VERSION) < 0) {
    return `Claude Code ${version} is older than ${MIN_CLAUDE_CODE_VERSION}: it ignores "onFailure": "block", so a crashed or timed-out hook would let the command through. Update Claude Code.`;
  }
  return undefined;
}

/** Whether `claude --version` names a release that runs http and mcp_tool hooks; undefined: unknown (not found, unreadable). */
export function runsServedHooks(output: string | undefined): boolean | undefined {
  const version = claudeVersionOf(output);
  return version === undefined ? undefined : compareVersions(version, MIN_SERVED_HOOK_VERSION) >= 0;
}

