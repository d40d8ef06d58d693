#!/usr/bin/env node
// Thin dispatcher. Each command's module is imported lazily so that hot paths
// (the PreToolUse hook runs before every shell command) load only what they use.
import { argv, exit, stderr } from "node:process";

type CommandModule = { run(args: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: "run the MCP server on stdio", load: () => import("./mcp/serve-command.js") },
  send: { summary: "send <alias> <message> through the same pipeline as the MCP tool", load: () => import("./send/send-command.js") },
  "list-contacts": { summary: "print aliases, channels and descriptions", load: () => import("./contacts/list-command.js") },
  init: { summary: "init <client> [--scope user|project] [--dry-run] | init --remove <client> | init --print <client>: register (or remove) the server and the guard", load: () => import("./setup/init-command.js") },
  doctor: { summary: "doctor [--json]: check every layer, from the config to the gateway", load: () => import("./setup/doctor-command.js") },
  audit: { summary: "audit verify [--file F] | audit tail [-n N] [--json]: check the hash chain, show recent records", load: () => import("./audit/audit-command.js") },
  "check-command": { summary: "decide whether a shell command may run (exit 0 allow, 2 deny)", load: () => import("./guard/check-command.js") },
  hook: { summary: "hook claude-code: a Claude Code PreToolUse hook (stdin JSON)", load: () => import("./guard/hook-command.js") },
  shim: { summary: "shim install|uninstall --dir DIR [--real PATH]", load: () => import("./guard/shim-command.js") },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `usage: openclaw-guard <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nglobal option: --config PATH (else $OPENCLAW_GUARD_CONFIG, else $XDG_CONFIG_HOME/openclaw-guard/config.json5)\n`;
}

async function main(): Promise<number> {
  const [name, ...rest] = argv.slice(2);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    stderr.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    stderr.write(`openclaw-guard: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}

// Guard entry points fail closed: Claude Code lets a command run on any exit code but 0 and 2.
const FAIL_CLOSED = new Set(["hook", "check-command"]);
if (FAIL_CLOSED.has(argv[2] ?? "")) {
  const denyOnCrash = (error: unknown) => {
    stderr.write(`openclaw-guard: failed closed: ${error instanceof Error ? error.message : String(error)}\n`);
    exit(2);
  };
  process.on("uncaughtException", denyOnCrash);
  process.on("unhandledRejection", denyOnCrash);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    stderr.write(`openclaw-guard: ${error instanceof Error ? error.message : String(error)}\n`);
    const usage = error instanceof Error && error.name === "UsageError";
    exit(usage || FAIL_CLOSED.has(argv[2] ?? "") ? 2 : 1);
  },
);
