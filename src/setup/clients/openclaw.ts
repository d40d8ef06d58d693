// `init openclaw`: the gateway side. Loads this package's plugin from its own directory, enables it,
// points it at the guard's address book, and turns off the Telegram and WhatsApp message actions that
// go to the platform without any hook seeing them (poll, forum topic, sticker; reactions). Everything else in
// openclaw.json stays as it was; the gateway hot-reloads the file.
import path from "node:path";
import { openclawConfigPath } from "../../gateway/openclaw-config.js";
import { PLUGIN_ID } from "../../plugin/index.js";
import { arrayAt, changeSummary, ensureStrings, InitError, objectAt, planJsonFile, replaceOurs, type ClientSetup, type InitContext, type JsonObject, type ValueChange } from "../init-plan.js";

/**
 * The assistant tools that can disable, uninstall or reconfigure this plugin: init denies them (tools.deny).
 * `openclaw` is 2026.9.6's owner-only delegate: it hands a free-text request to OpenClaw's system agent,
 * which writes config and installs, enables and uninstalls plugins.
 */
export const GUARD_TOOLS = ["plugins", "gateway", "openclaw"] as const;

/**
 * Telegram actions that reach the Bot API directly (RPC/CLI `message.action` poll, topic creation,
 * sticker, topic rename): no message_sending hook runs for them (seen on 2026.9.6).
 */
export const UNHOOKED_TELEGRAM_ACTIONS = ["poll", "createForumTopic", "editForumTopic", "sticker"] as const;

/**
 * The WhatsApp action switch that stops a path no hook sees: with `reactions` false the CLI's
 * `message react` is refused ("WhatsApp reactions are disabled"); left on, it reached a stranger's chat.
 * `polls` false stopped nothing (the `poll` RPC, message.action poll and the message tool's poll still
 * went out), and upload-file has no switch (seen on 2026.9.6 with @openclaw/whatsapp 2026.9.6).
 */
export const UNHOOKED_WHATSAPP_ACTIONS = ["reactions"] as const;
/** WhatsApp paths no hook sees and no setting turns off (same measurement): what doctor lists as open. */
export const OPEN_WHATSAPP_PATHS = ["the `poll` RPC", "message.action poll (CLI `message poll`)", "message.action upload-file (a file to any chat)"] as const;

/** The package root: the directory with openclaw.plugin.json (dist/cli.js lives one level below). */
export function packageRoot(context: InitContext): string {
  return path.resolve(path.dirname(context.cli), "..");
}

function manifestId(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as { id?: unknown } | null)?.id;
  } catch {
    return undefined;
  }
}

/** Enables our plugin entry and sets the keys we own in its config; the user's other keys (internalChannels, alert, ...) stay. */
function mergePluginEntry(file: string, json: JsonObject, configPath: string): string[] {
  const entries = objectAt(file, json, ["plugins", "entries"]);
  const label = `plugins.entries.${PLUGIN_ID}: enabled, config.configPath ${configPath}`;
  const existed = entries[PLUGIN_ID] !== undefined;
  const entry = objectAt(file, json, ["plugins", "entries", PLUGIN_ID]);
  const changed: string[] = [];
  if (entry.enabled !== true) {
    entry.enabled = true;
    changed.push("enabled");
  }
  const config = objectAt(file, json, ["plugins", "entries", PLUGIN_ID, "config"]);
  if (config.configPath !== configPath) {
    config.configPath = configPath;
    changed.push("config.configPath");
  }
  if (!existed) return [`+ ${label}`];
  const kept = [...Object.keys(entry).filter((k) => k !== "enabled" && k !== "config"), ...Object.keys(config).filter((k) => k !== "configPath").map((k) => `config.${k}`)];
  return [changeSummary(label, changed, kept)];
}

/** `false` for each unhooked action, on the channel and on every account that sets its own actions. */
function disableUnhookedActions(file: string, json: JsonObject, channel: "telegram" | "whatsapp", unhooked: readonly string[]): string[] {
  const node = (json.channels as JsonObject | undefined)?.[channel];
  if (node === undefined) return channel === "telegram" ? ["= channels.telegram not configured: no Telegram actions to turn off"] : [];
  const places: string[][] = [["channels", channel]];
  const accounts = (node as JsonObject).accounts;
  if (accounts !== undefined && (typeof accounts !== "object" || accounts === null || Array.isArray(accounts))) {
    throw new InitError(`${file}: "channels.${channel}.accounts" is not an object; refusing to rewrite it. Fix it, then re-run.`);
  }
  for (const id of Object.keys((accounts as JsonObject | undefined) ?? {})) places.push(["channels", channel, "accounts", id]);
  return places.map((at) => {
    const actions = objectAt(file, json, [...at, "actions"]);
    const turnedOff = unhooked.filter((action) => actions[action] !== false);
    for (const action of turnedOff) actions[action] = false;
    const label = `${at.join(".")}.actions: ${unhooked.map((a) => `${a} false`).join(", ")}`;
    return turnedOff.length === 0 ? `= ${label} unchanged` : `~ ${label} (turned off: ${turnedOff.join(", ")})`;
  });
}

/** plugins.allow, when the user keeps one, must name the plugin or OpenClaw will not load it; plugins.deny must not. */
function checkPluginLists(file: string, json: JsonObject): string[] {
  const plugins = json.plugins as JsonObject | undefined;
  const deny = plugins?.deny;
  if (Array.isArray(deny) && deny.includes(PLUGIN_ID)) {
    throw new InitError(`${file}: plugins.deny lists "${PLUGIN_ID}", which wins over everything else; refusing to pretend the plugin is enabled. Remove it from plugins.deny, then re-run.`);
  }
  if (plugins?.enabled === false) throw new InitError(`${file}: plugins.enabled is false, so OpenClaw loads no plugin at all. Remove it (or set it to true), then re-run.`);
  if (plugins?.allow === undefined) return [];
  return ensureStrings(arrayAt(file, json, ["plugins", "allow"]), [PLUGIN_ID], "plugins.allow");
}

/** A config path as `openclaw config` reads it: dots between plain keys, `["key"]` for any other (OpenClaw's own rule). */
export function configPath(keys: readonly string[]): string {
  return keys.reduce((at, key) => (/^[A-Za-z_$][A-Za-z0-9_$:-]*$/.test(key) ? (at === "" ? key : `${at}.${key}`) : `${at}[${JSON.stringify(key)}]`), "");
}

/**
 * The `openclaw config` commands (arguments after `openclaw`) that make a change: one `config unset`
 * per removed key, then every value in one `config set --batch-json` (a single validated write).
 */
export function configCommands(changes: readonly ValueChange[]): string[][] {
  const unsets = changes.filter((c) => c.value === undefined).map((c) => ["config", "unset", configPath(c.path)]);
  const sets = changes.filter((c) => c.value !== undefined).map((c) => ({ path: configPath(c.path), value: c.value }));
  return [...unsets, ...(sets.length > 0 ? [["config", "set", "--batch-json", JSON.stringify(sets)]] : [])];
}

/** init --remove: the plugin's id in a plugins.allow list the user keeps (init adds it there only when the list exists). */
function removeFromAllow(json: JsonObject): string[] {
  const allow = (json.plugins as JsonObject | undefined)?.allow;
  if (!Array.isArray(allow) || !allow.includes(PLUGIN_ID)) return [];
  allow.splice(0, allow.length, ...allow.filter((id) => id !== PLUGIN_ID));
  return [`- plugins.allow: ${PLUGIN_ID}`];
}

export const openclaw: ClientSetup = {
  name: "openclaw",
  title: "OpenClaw gateway (the backstop plugin)",
  plan(context, read) {
    const file = openclawConfigPath({ ...context.env, HOME: context.home });
    const root = packageRoot(context);
    const before = read(file);
    // OpenClaw reads JSON5: a hand-edited file (comments, unquoted keys) is changed through OpenClaw's own writer.
    const plan = planJsonFile(file, before, { allowsComments: true, json5Writer: configCommands, removeScalars: removeFromAllow }, (json) => {
      const paths = arrayAt(file, json, ["plugins", "load", "paths"]);
      // Another copy of this plugin (a moved or older checkout) would load under the same id.
      const isOtherCopy = (entry: unknown) => typeof entry === "string" && path.resolve(entry) !== root && manifestId(read(path.join(entry, "openclaw.plugin.json"))) === PLUGIN_ID;
      return [
        ...replaceOurs(paths, isOtherCopy, [], () => ""),
        ...ensureStrings(paths, [root], "plugins.load.paths"),
        ...checkPluginLists(file, json),
        ...mergePluginEntry(file, json, context.config),
        ...disableUnhookedActions(file, json, "telegram", UNHOOKED_TELEGRAM_ACTIONS),
        ...disableUnhookedActions(file, json, "whatsapp", UNHOOKED_WHATSAPP_ACTIONS),
        // The assistant's plugins, gateway and openclaw tools can switch the guard off; only the guard's own hook would stand in the way.
        ...ensureStrings(arrayAt(file, json, ["tools", "deny"]), GUARD_TOOLS, "tools.deny"),
      ];
    });
    return {
      files: [plan],
      notes: [
        `The gateway hot-reloads ${file} (about 1 s); a running gateway that does not pick it up needs \`openclaw gateway restart\`. After upgrading openclaw-guard, run \`openclaw plugins reload ${PLUGIN_ID}\` (code changes are not hot-reloaded).`,
        "Check it took effect: `openclaw-guard doctor` (gateway section: plugin active, same address book).",
        "Pair the guard's server as its own device, so the agent's side no longer needs the shared gateway token (which can switch the plugin off): `openclaw-guard init openclaw --pair`. It needs the gateway running and its token (read from OPENCLAW_GATEWAY_TOKEN or this file); run it as the human, not from the agent.",
      ],
      limits: [
        "The `poll` RPC reaches Telegram without any hook, whatever the actions say (no config switch stops it in OpenClaw 2026.9.6).",
        "Telegram react, edit and delete (`message.action`, `openclaw message edit ...`) run no hook when an operator calls them: they change or mark messages already in a chat the bot is in (an edit can rewrite an earlier message's text, a react is visible to the chat); the assistant's message tool is still gated by recipient.",
        `On WhatsApp ${OPEN_WHATSAPP_PATHS.join(", ")} reach any chat without any hook, and no setting turns them off; channels.whatsapp.allowFrom without "*" limits them to the numbers it lists (groups and newsletters stay reachable).`,
        'Pairing-code replies to unknown senders (dmPolicy "pairing", the default) and typing indicators go out without a hook.',
        "Anything that can write openclaw.json, or holds the shared gateway token (operator.admin on request), can switch the plugin off.",
      ],
    };
  },
};

