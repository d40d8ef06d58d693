// Layer "guard", Claude Code's sandbox (`init claude-code --sandbox`): on, off or partial, and what
// it covers. What Claude Code 2.1.330 was seen to do (docs/setup.md, "Claude Code's sandbox"):
// - only user, managed or --settings settings hold the layer; a project's .claude/settings(.local).json
//   with sandbox.enabled: false turns it off there, and its sandbox.filesystem.allowRead re-opens a path;
// - denyRead governs sandboxed Bash only: the Read tool needs its Read(...) deny rules;
// - without allowUnsandboxedCommands: false the model runs any command outside it (dangerouslyDisableSandbox);
// - on Linux it needs bwrap and socat; with failIfUnavailable it refuses to start without them.
import path from "node:path";
import { denyReadPaths, readRules, SANDBOX_SCALARS, sandboxUnavailable, type SandboxLayer } from "../clients/claude-sandbox.js";
import { check, type Check } from "../doctor-report.js";
import { parse, type ClaudeFacts, type Parsed } from "./guard-checks.js";

export type SandboxFacts = {
  claude: ClaudeFacts;
  /** What `init claude-code --sandbox` writes here. */
  layer: SandboxLayer;
  home: string;
  platform: NodeJS.Platform;
  /** The sandbox's programs (bwrap, socat) found on PATH. */
  onPath: readonly string[];
};

const FIX = "openclaw-guard init claude-code --sandbox (then restart Claude Code).";
const HOLDERS = ["managed", "user"] as const;

const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const sandboxOf = (p: Parsed) => record(p.json?.sandbox);

export function checkClaudeSandbox(facts: SandboxFacts): Check | undefined {
  const id = "claude-code.sandbox";
  const parsed = facts.claude.files.map(parse);
  const holders = parsed.filter((p) => (HOLDERS as readonly string[]).includes(p.file.scope));
  const projects = parsed.filter((p) => p.file.scope === "project" || p.file.scope === "project-local");
  const enabled = holders.find((p) => sandboxOf(p).enabled === true);
  if (enabled === undefined) {
    if (!facts.claude.claudeDirExists) return undefined;
    return check(id, "guard", "note", "off: Claude Code's sandbox is not on in user or managed settings, so the agent's Bash commands can read the gateway's token and the book and connect to the gateway's port (the hook and deny rules are the guard there).", FIX);
  }
  const unavailable = sandboxUnavailable(facts.platform, (program) => facts.onPath.includes(program));
  if (unavailable !== undefined) {
    const failIf = holders.some((p) => sandboxOf(p).failIfUnavailable === true);
    return check(id, "guard", failIf ? "fail" : "warn", `${unavailable}: ${failIf ? "with failIfUnavailable, Claude Code refuses to start" : "Claude Code runs Bash unsandboxed, with a warning"}.`, "install them (apt-get install bubblewrap socat), then restart Claude Code.");
  }
  const off = projects.find((p) => sandboxOf(p).enabled === false);
  if (off !== undefined) return check(id, "guard", "warn", `off in this project: ${off.file.path} sets sandbox.enabled: false, which Claude Code honours over user settings.`, `remove sandbox.enabled from ${off.file.path} (a repository can ship it; look at who wrote it).`);

  const values = (get: (p: Parsed) => unknown) => holders.flatMap((p) => strings(get(p)));
  const expand = (entry: string) => path.resolve(entry.startsWith("~/") ? path.join(facts.home, entry.slice(2)) : entry);
  const denyRead = new Set(values((p) => record(sandboxOf(p).filesystem).denyRead).map(expand));
  const deniedDomains = values((p) => record(sandboxOf(p).network).deniedDomains);
  const deny = values((p) => record(p.json?.permissions).deny);
  const reopened = projects.flatMap((p) => strings(record(sandboxOf(p).filesystem).allowRead).map((entry) => ({ entry, file: p.file.path })));

  const gaps: string[] = [];
  const wanted = denyReadPaths(facts.layer, facts.home);
  const unread = wanted.filter((entry) => !denyRead.has(expand(entry)));
  if (unread.length > 0) gaps.push(`sandbox.filesystem.denyRead lacks ${unread.join(", ")}`);
  const port = facts.layer.deniedDomains.filter((rule) => !deniedDomains.includes(rule) && !deniedDomains.includes("*"));
  if (port.length > 0) gaps.push(`sandbox.network.deniedDomains lacks ${port.join(", ")} (the sandbox's proxy relays to the host's loopback, so Bash reaches the gateway at ${facts.layer.gateway})`);
  for (const [key, value] of Object.entries(SANDBOX_SCALARS)) {
    if (key !== "enabled" && !holders.some((p) => sandboxOf(p)[key] === value)) gaps.push(`sandbox.${key} is not ${value}${key === "allowUnsandboxedCommands" ? " (the model can run any command outside the sandbox)" : " (a missing bubblewrap would mean no sandbox, silently)"}`);
  }
  const readTool = readRules(facts.layer, facts.home).filter((rule) => !deny.includes(rule));
  if (readTool.length > 0) gaps.push(`permissions.deny lacks ${readTool.join(", ")} (the Read tool is not governed by denyRead)`);
  const guarded = wanted.map(expand);
  const opened = reopened.filter(({ entry }) => {
    const target = expand(entry);
    return guarded.some((g) => target === g || target.startsWith(g + path.sep) || g.startsWith(target + path.sep));
  });
  gaps.push(...opened.map(({ entry, file }) => `${file} re-opens ${entry} (sandbox.filesystem.allowRead, which Claude Code honours from project settings)`));
  if (gaps.length > 0) return check(id, "guard", "warn", `partial: the sandbox is on (${enabled.file.path}), but ${gaps.join("; ")}.`, gaps.length === opened.length ? `remove those allowRead entries (a repository can ship them; look at who wrote them).` : FIX);
  return check(id, "guard", "ok", `on (${enabled.file.path}): sandboxed Bash cannot read ${wanted.join(", ")} and reaches no host on ${facts.layer.deniedDomains.join(", ")}; Read deny rules cover the Read tool. Not covered: other tools (WebFetch, MCP servers), and a project whose settings set sandbox.enabled: false.`);
}
