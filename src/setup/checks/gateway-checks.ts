// Layer "gateway": the backstop inside OpenClaw. Is the openclaw-guard plugin configured, loaded and
// active (plugins.list), does it enforce the same address book as the MCP server (a fingerprint, never
// a number), which outbound paths still get past it in this config, and which credential the agent's
// side holds: a shared token can ask for operator.admin and switch the plugin off, a paired device
// token cannot.
import { resolveConfigPath } from "../../contacts/config-path.js";
import { pick } from "../../gateway/openclaw-config.js";
import { PLUGIN_ID, STATUS_METHOD } from "../../plugin/index.js";
import { allowToDestinations, allowToSchema, maskedAllowTo } from "../../plugin/live-book.js";
import { GUARD_TOOLS, OPEN_WHATSAPP_PATHS, UNHOOKED_TELEGRAM_ACTIONS, UNHOOKED_WHATSAPP_ACTIONS } from "../clients/openclaw.js";
import { check, plural, type Check } from "../doctor-report.js";

const INIT = "run `openclaw-guard init openclaw`, then restart the gateway (its hot reload was seen not to apply a channel's action switches within a minute).";

export type PluginRuntime = { enabled?: unknown; state?: unknown; runtime?: { state?: unknown; error?: unknown } };

export type GatewayPluginFacts =
  | { skipped: string }
  | {
      /** The plugins.list entry for our id, or undefined when the gateway has none; `listError` when the RPC failed. */
      plugin?: PluginRuntime;
      listError?: string;
      /** The openclaw-guard.status answer, or why it could not be had. */
      status?: { ok?: unknown; fingerprint?: unknown; contacts?: unknown; error?: unknown };
      statusError?: string;
    };

export type BookFacts = {
  /** Fingerprint of the address book the MCP server loads (undefined while its config is invalid). */
  ours?: string;
  /** When the gateway could not say: the fingerprint of the file named by the plugin's configPath, computed here. */
  fromFile?: { path: string; fingerprint?: string; error?: string };
};

export type CredentialFacts = {
  kind: "device" | "token" | "password" | "none";
  /** Where it comes from (gateway settings' source.auth). */
  source: string;
  scopes?: readonly string[];
  deviceProblem?: string;
  /** Places the agent's user can read the shared gateway token from (openclaw.json, our config, the environment). */
  sharedReachable: readonly string[];
};

type Json = Record<string, unknown>;

function pluginEntry(config: Json | undefined): Json | undefined {
  const entry = pick(config, "plugins", "entries", PLUGIN_ID);
  return entry && typeof entry === "object" && !Array.isArray(entry) ? (entry as Json) : undefined;
}

/** The configPath the plugin is given in openclaw.json, when one is. */
export function pluginConfigPath(config: Json | undefined): string | undefined {
  const value = pick(pluginEntry(config), "config", "configPath");
  return typeof value === "string" ? value : undefined;
}

/**
 * The plugin's own allowTo (plugins.entries.openclaw-guard.config.allowTo): shown per channel, masked,
 * as the recipients the plugin allows beside the book's contacts. Invalid entries fail: the plugin
 * then cancels every message. None set: no line.
 */
export function checkAllowTo(config: Json | undefined, bookContacts?: readonly { channel: string }[]): Check | undefined {
  const id = "gateway.allow-to";
  const raw = pick(pluginEntry(config), "config", "allowTo");
  if (raw === undefined) return undefined;
  const parsed = allowToSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `allowTo.${i.path.join(".")}: ${i.message}`).join("; ");
    return check(id, "gateway", "fail", `the plugin config's allowTo is invalid (${why}): the plugin cancels every outbound message.`, `fix plugins.entries.${PLUGIN_ID}.config.allowTo in openclaw.json (WhatsApp: +E.164; Telegram: a numeric chat id or @username).`);
  }
  const lists = maskedAllowTo(allowToDestinations(parsed.data));
  const channels = Object.keys(lists).sort();
  if (channels.length === 0) return check(id, "gateway", "ok", "allowTo is set but empty: only the address book's contacts are allowed.");
  const book = (channel: string) => (bookContacts ? ` + ${plural(bookContacts.filter((c) => c.channel === channel).length, "book contact")}` : "");
  return check(id, "gateway", "ok", `the plugin also allows (allowTo): ${channels.map((c) => `${c}: ${lists[c]!.join(", ")}${book(c)}`).join("; ")}.`);
}

/** openclaw.json: the entry exists, is enabled, and points at the config the MCP server uses. */
export function checkPluginConfig(config: Json | undefined, ourConfigPath: string, defaultPath: string = resolveConfigPath()): Check | undefined {
  const id = "gateway.plugin-config";
  if (config === undefined) return undefined; // unreadable or missing: the openclaw layer says so, the runtime check still runs
  const entry = pluginEntry(config);
  if (entry === undefined) return check(id, "gateway", "fail", `plugins.entries.${PLUGIN_ID} is not in openclaw.json: the gateway has no backstop; any client with the gateway token sends anywhere.`, INIT);
  if (entry.enabled !== true || pick(config, "plugins", "enabled") === false) return check(id, "gateway", "fail", `the ${PLUGIN_ID} plugin is disabled in openclaw.json.`, INIT);
  const deny = pick(config, "plugins", "deny");
  if (Array.isArray(deny) && deny.includes(PLUGIN_ID)) return check(id, "gateway", "fail", `plugins.deny lists ${PLUGIN_ID}: it is not loaded.`, `remove it from plugins.deny, then ${INIT}`);
  // No configPath: the plugin reads the guard's default path (as the gateway's environment resolves it).
  const configPath = pluginConfigPath(config) ?? defaultPath;
  if (configPath !== ourConfigPath) {
    return check(id, "gateway", "fail", `the plugin enforces ${configPath}${pluginConfigPath(config) === undefined ? " (the default: config.configPath is not set)" : ""}, but the MCP server uses ${ourConfigPath}.`, INIT);
  }
  return check(id, "gateway", "ok", `openclaw.json enables the ${PLUGIN_ID} plugin for ${ourConfigPath}.`);
}

/** plugins.list: loaded, enabled, runtime.state "active". A plugin that failed to register leaves the gateway unguarded. */
export function checkPluginActive(facts: GatewayPluginFacts): Check {
  const id = "gateway.plugin-active";
  if ("skipped" in facts) return check(id, "gateway", "warn", facts.skipped, "fix the transport line first; doctor asks the gateway for its plugins over the same connection.");
  if (facts.listError !== undefined) return check(id, "gateway", "fail", `plugins.list failed: ${facts.listError}; whether the backstop runs is unknown.`, "check the gateway's log; the guard's credential needs operator.read (operator.write includes it).");
  const plugin = facts.plugin;
  if (plugin === undefined) return check(id, "gateway", "fail", `the gateway has not loaded the ${PLUGIN_ID} plugin: nothing stops a client with the gateway token from sending anywhere.`, INIT);
  const state = plugin.runtime?.state ?? plugin.state;
  if (plugin.enabled === false) return check(id, "gateway", "fail", `the gateway lists the ${PLUGIN_ID} plugin as disabled (state ${String(state)}).`, INIT);
  if (state !== "active") {
    const error = typeof plugin.runtime?.error === "string" ? `: ${plugin.runtime.error}` : "";
    return check(id, "gateway", "fail", `the ${PLUGIN_ID} plugin is loaded but its runtime state is ${String(state)}, not active${error}: OpenClaw delivers when a plugin fails.`, `see \`openclaw plugins inspect ${PLUGIN_ID} --runtime --json\`; after fixing, \`openclaw plugins reload ${PLUGIN_ID}\`.`);
  }
  return check(id, "gateway", "ok", `the gateway runs the ${PLUGIN_ID} plugin (runtime.state active).`);
}

/** The book the plugin enforces is the one the MCP server vets against: compared by fingerprint, never by number. */
export function checkBook(plugin: GatewayPluginFacts, book: BookFacts): Check | undefined {
  const id = "gateway.book";
  if ("skipped" in plugin || plugin.plugin === undefined) return undefined; // nothing running to compare
  if (book.ours === undefined) return check(id, "gateway", "warn", "the MCP server's address book is invalid, so it cannot be compared with the plugin's.", "fix the config line first.");
  const status = plugin.status;
  if (status !== undefined) {
    if (status.ok !== true) {
      return check(id, "gateway", "fail", `the plugin has no usable address book (${String(status.error ?? "unknown error")}): it cancels every outbound message except internal channels.`, "fix the config file it names; it reloads within 2 s.");
    }
    const contacts = typeof status.contacts === "number" ? ` (${plural(status.contacts, "contact")})` : "";
    if (status.fingerprint === book.ours) return check(id, "gateway", "ok", `the plugin enforces the same address book as the MCP server${contacts} (fingerprints match, reported by the gateway).`);
    return check(id, "gateway", "fail", `the plugin enforces a different address book${contacts} from the MCP server's (fingerprints differ, reported by the gateway): one of them vets recipients the other refuses.`, "point both at the same file (init openclaw sets the plugin's configPath); an edit reaches the plugin within 2 s.");
  }
  const file = book.fromFile;
  const why = plugin.statusError ? ` (the gateway did not answer ${STATUS_METHOD}: ${plugin.statusError})` : "";
  if (file === undefined) return check(id, "gateway", "warn", `which address book the plugin enforces is unknown${why}.`, "update the plugin, or check that openclaw.json names config.configPath.");
  if (file.fingerprint === undefined) return check(id, "gateway", "fail", `the file the plugin is given (${file.path}) is not a valid address book (${file.error ?? "unreadable"}): the plugin cancels every outbound message.`, "fix that file.");
  return file.fingerprint === book.ours
    ? check(id, "gateway", "ok", `the plugin's configPath (${file.path}) holds the same address book as the MCP server's (fingerprints match, computed here from the file${why}).`)
    : check(id, "gateway", "fail", `the plugin's configPath (${file.path}) holds a different address book from the MCP server's (fingerprints differ, computed here from the file${why}).`, "point both at the same file.");
}

type Scope = { label: string; node: unknown };

/** The channel and each of its accounts. */
function scopesOf(config: Json | undefined, channel: string): Scope[] {
  const node = pick(config, "channels", channel);
  if (node === undefined) return [];
  const accounts = pick(node, "accounts");
  const list: Scope[] = [{ label: `channels.${channel}`, node }];
  if (accounts && typeof accounts === "object" && !Array.isArray(accounts)) {
    for (const [name, account] of Object.entries(accounts)) list.push({ label: `channels.${channel}.accounts.${name}`, node: account });
  }
  return list;
}

/** The assistant's tools that can switch the plugin off (issue 22.1). */

/**
 * The plugin's tool gate refuses their changing actions, but a refusal in a hook is the only thing
 * in the way while they are offered: doctor fails until `tools.deny` takes them from the agent.
 */
export function checkGuardTools(config: Json): Check {
  const deny = pick(config, "tools", "deny");
  const denied = new Set(Array.isArray(deny) ? deny.filter((t): t is string => typeof t === "string") : []);
  const open = GUARD_TOOLS.filter((t) => !denied.has(t) && !denied.has("*"));
  return open.length > 0
    ? check("gateway.guard-tools", "gateway", "fail", `the assistant can call the ${open.join(", ")} tool${open.length === 1 ? "" : "s"}, which can disable, uninstall or reload openclaw-guard or rewrite the gateway config (the plugin refuses those calls, but only its own hook stands in the way).`, `add ${JSON.stringify(open)} to tools.deny in openclaw.json`)
    : check("gateway.guard-tools", "gateway", "ok", `the ${GUARD_TOOLS.join(", ")} tools are denied to the assistant (tools.deny).`);
}

/** What still gets past the plugin in this config, each with its fix. */
export function checkGaps(config: Json | undefined): Check[] {
  if (config === undefined) return [];
  const checks: Check[] = [];
  const telegram = scopesOf(config, "telegram");
  if (telegram.length > 0) {
    // An account without its own setting inherits the channel's.
    const channelLevel = telegram[0]!.node;
    const open = telegram.flatMap((s) => UNHOOKED_TELEGRAM_ACTIONS.filter((a) => (pick(s.node, "actions", a) ?? pick(channelLevel, "actions", a)) !== false).map((a) => `${s.label}.actions.${a}`));
    checks.push(
      open.length > 0
        ? check("gateway.telegram-actions", "gateway", "fail", `${open.join(", ")} ${open.length === 1 ? "is" : "are"} on: these message actions reach Telegram directly, no plugin hook sees them.`, INIT)
        : check("gateway.telegram-actions", "gateway", "ok", `the Telegram actions no hook sees (${UNHOOKED_TELEGRAM_ACTIONS.join(", ")}) are off.`),
    );
    checks.push(
      check(
        "gateway.poll-rpc",
        "gateway",
        "note",
        "the gateway's `poll` RPC posts a Telegram poll to any chat without any hook (no setting turns it off in OpenClaw 2026.9.6); it needs operator.write, which the guard's device token has too.",
        "keep every gateway credential (shared or device token) out of the agent's reach: run OpenClaw and the guard's server as another OS user, or accept that a program the agent writes can post polls.",
      ),
    );
  }
  checks.push(...checkWhatsAppGaps(scopesOf(config, "whatsapp")));
  const channels = pick(config, "channels");
  const pairing: string[] = [];
  for (const channel of channels && typeof channels === "object" ? Object.keys(channels) : []) {
    for (const scope of scopesOf(config, channel)) {
      const policy = pick(scope.node, "dmPolicy");
      const inherited = scope.label === `channels.${channel}` ? undefined : pick(config, "channels", channel, "dmPolicy");
      if ((policy ?? inherited ?? "pairing") === "pairing" && pick(scope.node, "enabled") !== false) pairing.push(scope.label);
    }
  }
  if (pairing.length > 0) {
    checks.push(
      check(
        "gateway.pairing-replies",
        "gateway",
        "note",
        `dmPolicy "pairing" (the default) on ${pairing.join(", ")}: anyone who writes to the bot gets a pairing-code reply, which no plugin hook sees.`,
        'set dmPolicy "allowlist" with allowFrom listing the people who may write to the assistant (or "disabled").',
      ),
    );
  }
  return checks;
}

/**
 * A `confirm` finding (a phone number in the text, by default) in the assistant's message tool becomes
 * a plugin approval; OpenClaw refuses the call when no surface can ask the human (measured on 2026.9.6:
 * "Plugin approval unavailable"). Routes read here: approvals.plugin, and a channel's execApprovals
 * approvers (Telegram DMs the prompt to them; they answer `/approve <id> allow-once|deny`).
 */
export function checkApprovalRoute(config: Json | undefined): Check | undefined {
  if (pluginEntry(config) === undefined) return undefined;
  const routes: string[] = [];
  if (pick(config, "approvals", "plugin", "enabled") === true) routes.push("approvals.plugin");
  const channels = pick(config, "channels");
  for (const channel of channels && typeof channels === "object" ? Object.keys(channels) : []) {
    for (const scope of scopesOf(config, channel)) {
      const approvers = pick(scope.node, "execApprovals", "approvers");
      if (pick(scope.node, "execApprovals", "enabled") !== false && Array.isArray(approvers) && approvers.length > 0) routes.push(`${scope.label}.execApprovals`);
    }
  }
  return routes.length > 0
    ? check("gateway.approvals", "gateway", "ok", `a message-tool call the content checks want confirmed is asked of the human through ${routes.join(", ")} (allow once or deny; refused on timeout).`)
    : check(
        "gateway.approvals",
        "gateway",
        "note",
        "no approval route is configured: a message-tool call the content checks want confirmed (a phone number in the text, by default) is refused, not asked. A send by RPC or the CLI with such text is delivered and audited (that hook cannot ask).",
        'to be asked instead, name yourself as approver: channels.telegram.execApprovals: { enabled: true, approvers: ["<your numeric Telegram id>"] } (or configure approvals.plugin).',
      );
}

/**
 * WhatsApp: the reactions switch (init turns it off), and the paths no hook sees and no setting turns
 * off, each listed, with how far they reach: allowFrom without "*" limits direct chats to the numbers it
 * lists (OpenClaw's own outbound check); groups and newsletters are reachable whatever it says.
 */
function checkWhatsAppGaps(whatsapp: Scope[]): Check[] {
  if (whatsapp.length === 0) return [];
  const channelLevel = whatsapp[0]!.node;
  const open = whatsapp.flatMap((s) => UNHOOKED_WHATSAPP_ACTIONS.filter((a) => (pick(s.node, "actions", a) ?? pick(channelLevel, "actions", a)) !== false).map((a) => `${s.label}.actions.${a}`));
  // Conservative: an account's own list is read over the channel's, and an empty list or "*" counts as no
  // limit (OpenClaw's account merge can inherit or filter in corner cases; doctor then says "open").
  const unlimited = whatsapp.filter((s) => {
    const list = pick(s.node, "allowFrom") ?? pick(channelLevel, "allowFrom");
    return !Array.isArray(list) || list.length === 0 || list.includes("*");
  });
  const paths = OPEN_WHATSAPP_PATHS.join(", ");
  return [
    check(
      "gateway.whatsapp-replies",
      "gateway",
      "note",
      "replies to WhatsApp senders are not admitted: the plugin lets a reply through without a contact only on Telegram (measured end to end), so the assistant's reply to a WhatsApp sender who is not in the address book is cancelled where a hook sees it. Not measured (no inbound without a linked phone): whether OpenClaw's WhatsApp reply path runs reply_payload_sending or message_sending at all (the channel's own reply delivery calls no plugin hook); if it runs none, those replies go out unchecked to whoever allowFrom lets write in. Pairing-code replies run no hook.",
      "put the people who may write to the assistant on WhatsApp in the address book, and keep allowFrom to those numbers.",
    ),
    open.length > 0
      ? check("gateway.whatsapp-actions", "gateway", "fail", `${open.join(", ")} ${open.length === 1 ? "is" : "are"} on: the CLI's \`message react\` then reaches any WhatsApp chat, and no plugin hook sees it.`, INIT)
      : check("gateway.whatsapp-actions", "gateway", "ok", `the WhatsApp action no hook sees and a setting can stop (${UNHOOKED_WHATSAPP_ACTIONS.join(", ")}) is off.`),
    unlimited.length > 0
      ? check(
          "gateway.whatsapp-open-paths",
          "gateway",
          "fail",
          `on WhatsApp ${paths} reach any number and any group without any plugin hook (no setting turns them off in OpenClaw 2026.9.6), and ${unlimited.map((s) => `${s.label}.allowFrom`).join(", ")} ${unlimited.length === 1 ? "does" : "do"} not limit direct chats; they need operator.write, which the guard's device token has too.`,
          'set allowFrom to the address book\'s WhatsApp numbers (it also decides who may write to the assistant), and keep every gateway credential out of the agent\'s reach: groups stay reachable.',
        )
      : check(
          "gateway.whatsapp-open-paths",
          "gateway",
          "note",
          `on WhatsApp ${paths} reach every group and newsletter, and the numbers in allowFrom, without any plugin hook (no setting turns them off in OpenClaw 2026.9.6); they need operator.write, which the guard's device token has too.`,
          "keep every gateway credential (shared or device token) out of the agent's reach: run OpenClaw and the guard's server as another OS user.",
        ),
  ];
}

/** Which credential the agent's side holds, and whether the shared token is within its reach anyway. */
export function checkCredential(facts: CredentialFacts): Check {
  const id = "gateway.credential";
  const reachable = facts.sharedReachable.length > 0 ? ` But the shared gateway token is still readable from ${facts.sharedReachable.join(", ")}.` : "";
  const sharedFix = "run `openclaw-guard init openclaw --pair` as the human, then take the shared token out of the agent's reach (OpenClaw as another OS user; no openclaw.gateway.token in the guard config; no OPENCLAW_GATEWAY_TOKEN in the agent's environment).";
  const problem = facts.deviceProblem ? ` (${facts.deviceProblem})` : "";
  switch (facts.kind) {
    case "device": {
      const scopes = facts.scopes?.join(", ") || "none";
      const admin = facts.scopes?.some((s) => s === "operator.admin") === true;
      if (admin) return check(id, "gateway", "fail", `the guard's server uses a paired device token with operator.admin (from ${facts.source}): it can switch the plugin off.`, "remove that device (openclaw devices remove <id>) and pair again with `openclaw-guard init openclaw --pair`.");
      const summary = `the agent's side holds a paired device token (scopes ${scopes}), from ${facts.source}: it can send, and every send passes the plugin, but it cannot switch the plugin off (config.patch, plugins.setEnabled need operator.admin).`;
      // Paired already: what is left is the single-user limit, not a step to redo.
      return reachable
        ? check(id, "gateway", "note", summary + reachable + " Whoever holds it can ask for operator.admin and switch the plugin off.", "take the shared token out of the agent's reach: OpenClaw as another OS user (`openclaw-guard init openclaw --separate`; docs/service.md).")
        : check(id, "gateway", "ok", summary);
    }
    case "token":
    case "password":
      return check(
        id,
        "gateway",
        "warn",
        `the agent's side holds the shared gateway ${facts.kind} (from ${facts.source})${problem}: a client holding it can ask for operator.admin and switch the plugin off (config.patch, plugins.setEnabled); the next send then goes out.`,
        sharedFix,
      );
    case "none":
      return check(id, "gateway", "warn", `the guard's server has no gateway credential${problem}.`, "run `openclaw-guard init openclaw --pair` (with the gateway running).");
  }
}
