// The assistant's tools that can reach a person or switch the guard off, as the pinned OpenClaw
// 2026.9.6 names them (dist/core-tool-factory-descriptors-*.mjs, dist/openclaw-tools-*.mjs and the
// bundled channels' action runtimes). Pure tables and readers; decide.ts turns them into verdicts.

/**
 * Every params field a channel's message actions read as the chat to act on. Telegram reads
 * `chatId`, then `channelId`, then `to` (dist/action-runtime-*.mjs), the shared message tool
 * `target`/`to`/`targets`; WhatsApp reads `chatJid` before `to` (upload-file, react); other channels name the same thing `recipient`, `number`, `userId`...
 * All present fields are checked, so which one the channel prefers does not matter.
 */
export const RECIPIENT_FIELDS = ["chatJid", "chatId", "channelId", "to", "target", "recipient", "number", "phone", "phoneNumber", "userId", "groupId", "jid"] as const;
/** Fields holding a list of recipients (broadcast). */
export const RECIPIENT_LIST_FIELDS = ["targets", "recipients", "to"] as const;
/** Fields naming a Telegram topic beside the chat. */
export const TOPIC_FIELDS = ["threadId", "topicId", "messageThreadId", "message_thread_id"] as const;

/** Message-tool actions that only read: nothing reaches anyone. */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set(["read", "reactions", "list-pins", "permissions", "thread-list", "search", "sticker-search", "member-info", "role-info", "emoji-list", "channel-info", "channel-list", "event-list", "download-file"]);
/** Actions whose delivery passes `message_sending` (or the reply hook), which decides on the resolved recipient. */
export const SEND_ACTIONS: ReadonlySet<string> = new Set(["send", "reply", "thread-reply", "broadcast"]);

/**
 * Tools that deliver to a person or another session with no recipient in their params the book
 * could vet: refused unless the plugin config's `allowTools` names them. `voice_call`/`voicecall`
 * (the voice-call plugin, not bundled in 2026.9.6) dial any number; the book holds no voice contacts.
 */
export const UNVETTABLE_OUTBOUND_TOOLS: ReadonlySet<string> = new Set(["sessions_send", "conversations_send", "conversations_turn", "voice_call", "voicecall", "tts"]);

/** Tools known to reach no one: the default refusal of unknown outbound-capable tools skips them. */
export const KNOWN_INERT_TOOLS: ReadonlySet<string> = new Set([
  "edit", "read", "ls", "write", "apply_patch", "exec", "process", "agents_list", "agents_wait", "ask_user", "computer", "conversations_list",
  "screen", "theme", "secrets", "dashboard", "get_goal", "github_identity_status", "heartbeat_respond", "view_image", "image_generate", "mobile_ui",
  "music_generate", "nodes", "pdf", "session_status", "show_widget", "progress_card", "sessions", "sessions_history", "sessions_list", "sessions_search",
  "sessions_spawn", "sessions_yield", "structured_output", "skill_workshop", "suggest_task", "create_goal", "subagents", "terminal", "portal", "transcripts",
  "update_goal", "dismiss_task", "video_generate", "web_fetch", "web_search", "canvas", "cron", "memory", "wiki", "x_search",
]);

/** A name that says it sends, calls or posts: an unknown tool named so is treated as outbound. */
const OUTBOUND_NAME = /send|sms|dial|call|voice|notify|message|whatsapp|telegram|signal|email|mail|post|broadcast|invite|reply|dm\b|phone/i;

/** An unknown tool is outbound-capable when its name says so or its params carry a recipient field. */
export function looksOutbound(toolName: string, params: Record<string, unknown>): boolean {
  if (KNOWN_INERT_TOOLS.has(toolName)) return false;
  if (OUTBOUND_NAME.test(toolName)) return true;
  return [...RECIPIENT_FIELDS, ...RECIPIENT_LIST_FIELDS].some((f) => present(params[f]));
}

export const present = (value: unknown): boolean => value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/** Every recipient a message-tool call names, in the fields the channels read. */
export function recipientsOf(params: Record<string, unknown>): { single: unknown[]; list: unknown[] } {
  // Telegram reads chat ids as strings or numbers (readStringOrNumberParam).
  const text = (value: unknown) => (typeof value === "number" ? String(value) : value);
  const single = RECIPIENT_FIELDS.filter((f) => present(params[f]) && !Array.isArray(params[f])).map((f) => text(params[f]));
  const list = RECIPIENT_LIST_FIELDS.flatMap((f) => (Array.isArray(params[f]) ? (params[f] as unknown[]) : [])).map(text);
  return { single, list };
}

/** Every topic field present (they must agree). */
export function topicsOf(params: Record<string, unknown>): unknown[] {
  return TOPIC_FIELDS.filter((f) => present(params[f])).map((f) => params[f]);
}

/** The `plugins` tool's actions that change nothing. */
const PLUGINS_READ_ACTIONS: ReadonlySet<string> = new Set(["list", "inspect", "search"]);
/** The `gateway` tool's actions that change nothing (2026.9.6 has config.get, config.schema.lookup, update.run). */
const GATEWAY_READ_ACTIONS: ReadonlySet<string> = new Set(["config.get", "config.schema.lookup"]);
/** Tools that write OpenClaw's config or plugin state. */
const CONFIG_TOOLS: ReadonlySet<string> = new Set(["config", "openclaw"]);

/**
 * Why a call could switch the guard off (disable, uninstall, reload or reconfigure a plugin, write
 * the gateway config, replace the gateway), or undefined. Plugin mutations are refused for every
 * plugin id: installing or enabling another plugin can add a path that delivers around the guard,
 * and a reload is the window where OpenClaw delivered while the guard's hooks failed (issue 22.1).
 */
export function disablesGuard(toolName: string, params: Record<string, unknown>): string | undefined {
  const action = typeof params.action === "string" ? params.action.trim().toLowerCase() : "";
  if (toolName === "plugins" && !PLUGINS_READ_ACTIONS.has(action)) return `the plugins tool's "${action || "?"}" action changes which plugins run, and could switch the guard off.`;
  if (toolName === "gateway" && !GATEWAY_READ_ACTIONS.has(action)) return `the gateway tool's "${action || "?"}" action changes or restarts the gateway, and could switch the guard off.`;
  // 2026.9.6's `openclaw` is a delegate: a free-text `message` to OpenClaw's system agent, which writes
  // config and plugins; an `action` beside it says nothing about what the message asks for. Any field
  // but `action` counts, so a later release that names the request differently is refused too.
  if (toolName === "openclaw" && Object.entries(params).some(([key, value]) => key !== "action" && present(value))) return "the openclaw tool hands a request to OpenClaw's system agent, which can change the config and plugins, the guard's own entry included.";
  if (CONFIG_TOOLS.has(toolName) && !/^(get|read|show|list|schema|lookup|inspect)\b/.test(action)) return `the ${toolName} tool can write OpenClaw's config, including the guard's own entry.`;
  return undefined;
}
