// Pure building blocks for `openclaw-guard setup`: what is installed here, the first contact as the
// user typed it, and the address book setup writes. No I/O: setup-command.ts asks, reads and writes.
import { join } from "node:path";
import { isValidAlias } from "../contacts/alias.js";
import { CHANNELS, isChannel, validateTarget, type Channel } from "../contacts/targets.js";

/** The agent clients setup registers when it finds them (the others stay `init <client>`). */
export const AGENTS = [
  { client: "claude-code", bin: "claude", dirs: (env: Env) => [env.CLAUDE_CONFIG_DIR || join(home(env), ".claude"), join(home(env), ".claude.json")] },
  { client: "codex", bin: "codex", dirs: (env: Env) => [env.CODEX_HOME || join(home(env), ".codex")] },
  { client: "gemini", bin: "gemini", dirs: (env: Env) => [join(home(env), ".gemini")] },
] as const;

type Env = NodeJS.ProcessEnv;
const home = (env: Env) => env.HOME || "/";

export type AgentName = (typeof AGENTS)[number]["client"];

export type Detected = {
  /** OpenClaw's config file, when it exists. */
  openclawConfig?: string;
  agents: { client: AgentName; onPath: boolean; why: string }[];
};

/** Which agents are installed: their program on PATH, or their config folder. */
export function detect(env: Env, exists: (file: string) => boolean, onPath: (bin: string) => string | undefined, openclawConfig: string): Detected {
  const agents = AGENTS.flatMap(({ client, bin, dirs }) => {
    const found = onPath(bin);
    const dir = dirs(env).find(exists);
    if (found === undefined && dir === undefined) return [];
    return [{ client, onPath: found !== undefined, why: found !== undefined ? `${bin} at ${found}` : `${dir}` }];
  });
  return { ...(exists(openclawConfig) ? { openclawConfig } : {}), agents };
}

export type ContactInput = { alias: string; channel: Channel; target: string };

/** Where to find a target of each channel, said to a person at setup time. */
export const TARGET_HINTS: Record<Channel, string> = {
  whatsapp: "the full international number with + and the country code, e.g. +27821234567 (no leading 0); or a group JID (…@g.us)",
  telegram: "a numeric chat id: send your bot a message, then read message.chat.id from https://api.telegram.org/bot<TOKEN>/getUpdates (groups are negative, -100…); or a public @username",
  signal: "the number with + and the country code, or group:<id>, uuid:<uuid>, username:<name>",
  imessage: "the number with + and the country code, an email handle, or chat_id:<id>",
  discord: "channel:<id> or user:<id> (Developer Mode, then right-click, Copy ID)",
  slack: "channel:<id> or user:<id> (the C…/U… id from the channel's or profile's details)",
  matrix: "@user:server, !room:server or #alias:server",
};

export class SetupInputError extends Error {
  override name = "UsageError"; // cli.ts exits 2 for it
}

export function aliasProblem(alias: string): string | undefined {
  return isValidAlias(alias) ? undefined : `alias ${JSON.stringify(alias)}: use 1-32 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`;
}

export function channelProblem(channel: string): string | undefined {
  return isChannel(channel) ? undefined : `channel ${JSON.stringify(channel)}: one of ${CHANNELS.join(", ")}`;
}

/** The target's problem, with where to find a right one; undefined when it is valid. */
export function targetProblem(channel: Channel, target: string): string | undefined {
  const checked = validateTarget(channel, target);
  return checked.ok ? undefined : `target ${checked.reason}. Where to find it: ${TARGET_HINTS[channel]}`;
}

/** `--contact alias=channel:target`, validated by the same module the server uses; the target canonical. */
export function parseContactFlag(flag: string): ContactInput {
  const match = /^([^=]*)=([^:]*):(.*)$/s.exec(flag);
  if (!match) throw new SetupInputError(`openclaw-guard setup: --contact ${JSON.stringify(flag)}: expected alias=channel:target, e.g. --contact ops=telegram:-1001234567890`);
  const [, alias, channel, target] = match as unknown as [string, string, string, string];
  const problem = aliasProblem(alias) ?? channelProblem(channel) ?? targetProblem(channel as Channel, target);
  if (problem !== undefined) throw new SetupInputError(`openclaw-guard setup: --contact: ${problem}`);
  return { alias, channel: channel as Channel, target: (validateTarget(channel as Channel, target) as { target: string }).target };
}

/** The first address book: the contacts given, delivery through the gateway when OpenClaw is here (else dry-run). */
export function bookText(contacts: readonly ContactInput[], transport: "gateway" | "dry-run"): string {
  const entries = contacts.map((c) => `    ${JSON.stringify(c.alias)}: { channel: ${JSON.stringify(c.channel)}, target: ${JSON.stringify(c.target)} },`);
  return [
    "// openclaw-guard address book, written by `openclaw-guard setup` (JSON5: comments and trailing commas are fine).",
    "// Only the aliases below can ever receive a message; the model never sees the targets. Reference: docs/config.md.",
    "{",
    "  openclaw: {",
    transport === "gateway"
      ? "    // Delivered through the OpenClaw gateway found in ~/.openclaw/openclaw.json (docs/transports.md)."
      : "    // OpenClaw was not found: \"dry-run\" records every attempt but delivers nothing (docs/transports.md).",
    `    transport: ${JSON.stringify(transport)},`,
    "  },",
    "  contacts: {",
    ...entries,
    "  },",
    "}",
    "",
  ].join("\n");
}
