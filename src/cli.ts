#!/usr/bin/env node
// Thin dispatcher. Each command's module is imported lazily so that hot paths
// (the PreToolUse hook runs before every shell command) load only what they use.
import { argv, exit, stderr, stdout } from "node:process";
import { enableCompileCache } from "./compile-cache.js";
import { denyOnCrash, denyUntilDecided } from "./guard/fail-closed.js";
import { VERSION } from "./version.js";

type CommandModule = { run(args: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: "serve [--http [--host H --port P | --socket PATH] [--tls-cert F --tls-key F] [--tokens FILE]]: run the MCP server on stdio, or over HTTP for agents holding a token", load: () => import("./mcp/serve-command.js") },
  token: { summary: "token add <agent> [--aliases a,b] [--rate N/window] | token list [--json] | token revoke <agent> (all take --tokens FILE): agent tokens for serve --http", load: () => import("./tokens/token-command.js") },
  send: { summary: "send <alias> <message> through the same pipeline as the MCP tool", load: () => import("./send/send-command.js") },
  "list-contacts": { summary: "print aliases, channels and descriptions", load: () => import("./contacts/list-command.js") },
  init: { summary: "init <client> [--scope user|project] [--dry-run] [--remote URL] [--trust-hook] | init --remove <client> | init --print <client> | init openclaw --pair | --separate: register (or remove) the server and the guard", load: () => import("./setup/init-command.js") },
  setup: { summary: "setup [--yes] [--contact alias=channel:target]... [--dry-run]: the guided first run (book, every agent found, the gateway plugin, pairing, doctor)", load: () => import("./setup/setup-command.js") },
  doctor: { summary: "doctor [--json] [--service-user USER]: check every layer, from the config to the gateway", load: () => import("./setup/doctor-command.js") },
  audit: { summary: "audit verify [--file F] | audit tail [-n N] [--json] | audit ack: check the hash chain, show recent records, acknowledge a reset", load: () => import("./audit/audit-command.js") },
  "check-command": { summary: "decide whether a shell command may run (exit 0 allow, 2 deny)", load: () => import("./guard/check-command.js") },
  hook: { summary: "hook claude-code|codex|gemini|cursor: the agent's pre-tool hook (stdin JSON)", load: () => import("./guard/hook-command.js") },
  shim: { summary: "shim install|uninstall --dir DIR [--real PATH]", load: () => import("./guard/shim-command.js") },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `usage: openclaw-guard <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nglobal option: --config PATH (else $OPENCLAW_GUARD_CONFIG, else $XDG_CONFIG_HOME/openclaw-guard/config.json5)\n`;
}

/** One command's usage line, from the table above. */
function commandUsage(name: string): string {
  const command = commands[name];
  return command ? `usage: openclaw-guard ${command.summary}\n` : usage();
}

// These read a command line or stdin of their own: only their leading options are theirs to interpret as help.
const LEADING_HELP_ONLY = new Set(["check-command", "hook"]);

/** `--help`/`-h` among the command's options (before `--`; for check-command and hook, before the first word). */
function asksForHelp(name: string, rest: readonly string[]): boolean {
  for (const arg of rest) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
    if (LEADING_HELP_ONLY.has(name) && !arg.startsWith("-")) return false;
  }
  return false;
}

async function main(): Promise<number> {
  const [name, ...rest] = argv.slice(2);
  if (name === undefined) {
    stderr.write(usage());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    stdout.write(rest[0] !== undefined && commands[rest[0]] ? commandUsage(rest[0]) : usage());
    return 0;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    stderr.write(`openclaw-guard: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (asksForHelp(name, rest)) {
    stdout.write(commandUsage(name));
    return 0;
  }
  // A server starts once per agent session; Node's compile cache makes every start after the first quicker.
  if (name === "serve") enableCompileCache();
  const module = await command.load();
  return module.run(rest);
}

/** A usage error, named once and followed by the command's usage once. */
function usageErrorText(message: string): string {
  const named = message.startsWith("openclaw-guard") || message.startsWith("usage:") ? message : `openclaw-guard ${argv[2] ?? ""}: ${message}`;
  return /(^|\n)usage:/i.test(named) ? `${named.trimEnd()}\n` : `${named.trimEnd()}\n${commandUsage(argv[2] ?? "")}`;
}

// `openclaw-guard init … | head -1`: a closed pipe only loses output, never the work (files still get written).
const ignoreClosedPipe = (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
};
stdout.on("error", ignoreClosedPipe);
stderr.on("error", ignoreClosedPipe);

const FAIL_CLOSED = new Set(["hook", "check-command"]);
let decide = (code: number) => {
  process.exitCode = code;
};
if (FAIL_CLOSED.has(argv[2] ?? "")) {
  denyOnCrash();
  decide = denyUntilDecided();
}

main().then(
  (code) => decide(code),
  (error: unknown) => {
    const usage = error instanceof Error && error.name === "UsageError";
    stderr.write(usage ? usageErrorText(error.message) : `openclaw-guard: ${error instanceof Error ? error.message : String(error)}\n`);
    exit(usage || FAIL_CLOSED.has(argv[2] ?? "") ? 2 : 1);
  },
);
