// What doctor needs to judge the separated deployment, seen as the agent's user: where the service
// user keeps the gateway and the guard (from its home in /etc/passwd), what of that this user can
// read or write, and how this user's clients reach openclaw-guard.
import { dirname, join } from "node:path";
import JSON5 from "json5";
import { defaultDeviceCredentialFile } from "../gateway/device-credential.js";
import { openclawConfigPath } from "../gateway/openclaw-config.js";
import type { PathFact, Registration, SeparationFacts } from "./checks/separation-checks.js";
import type { DoctorIO } from "./doctor-io.js";
import { SERVER_NAME } from "./init-plan.js";
import { SEPARATE_DEFAULTS } from "./separate-recipe.js";

type Access = Pick<DoctorIO, "canRead" | "canWrite" | "stat" | "readDir">;

export function gatherSeparation(io: DoctorIO, serviceUser: string | undefined, codeDirs: readonly string[]): SeparationFacts {
  const registrations = readRegistrations(io);
  const separated = serviceUser !== undefined || registrations.some((r) => r.kind === "http");
  if (!separated) return { separated, readable: [], writable: [], registrations };
  const user = serviceUser ?? SEPARATE_DEFAULTS.user;
  const home = homeOf(io, user) ?? SEPARATE_DEFAULTS.home;
  const guardDir = join(home, ".config", "openclaw-guard");
  const mustNotRead: PathFact[] = [
    { what: "gateway config", path: join(home, ".openclaw", "openclaw.json") },
    { what: "gateway state", path: join(home, ".openclaw") },
    // This user's own OpenClaw, if any: a gateway credential all the same.
    { what: "gateway config", path: openclawConfigPath(io.env) },
    { what: "address book", path: join(guardDir, "config.json5") },
    { what: "agent tokens", path: join(guardDir, "tokens.json") },
    // The guard's paired device (operator.write) left in this user's home: the hook-less poll RPC to any chat.
    { what: "gateway device credential", path: defaultDeviceCredentialFile(io.env) },
  ];
  const mustNotWrite: PathFact[] = [
    { what: "address book", path: join(guardDir, "config.json5") },
    { what: "agent tokens", path: join(guardDir, "tokens.json") },
    { what: "audit log", path: join(home, ".local", "state", "openclaw-guard", "audit.jsonl") },
    ...codeDirs.flatMap((dir) => codeFiles(io, dir)),
    // What the service units actually run (node, openclaw, the guard's cli), wherever it was installed.
    ...unitPrograms(io).map((path) => ({ what: "unit program", path })),
    // ...and the package a unit runs the guard from (--apply installs it where --code-dir says): its plugin too.
    ...unitPrograms(io).filter((path) => path.endsWith("/dist/cli.js")).flatMap((path) => codeFiles(io, dirname(dirname(path)))),
  ];
  const readable = dedupe(mustNotRead.filter((f) => exists(io, f.path) && io.canRead(f.path)));
  const writable = dedupe(mustNotWrite.filter((f) => writableBy(io, f.path)));
  return { separated, serviceUser: user, readable, writable, registrations };
}

function dedupe(facts: PathFact[]): PathFact[] {
  const seen = new Set<string>();
  return facts.filter((f) => !seen.has(f.path) && seen.add(f.path));
}

function exists(io: Access, path: string): boolean {
  try {
    return io.stat(path) !== undefined;
  } catch {
    return true; // stat refused: it is there
  }
}

/** undefined when absent or when this user may not even look (then it cannot write there either). */
function statOf(io: Access, path: string): ReturnType<Access["stat"]> {
  try {
    return io.stat(path);
  } catch {
    return undefined;
  }
}

/** Writable itself, or replaceable through a writable directory above it. */
function writableBy(io: Access, path: string): boolean {
  if (exists(io, path) && io.canWrite(path)) return true;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    // A sticky directory (/tmp) lets others add entries but not replace ours.
    const stat = statOf(io, dir);
    if (stat && io.canWrite(dir) && (stat.mode & 0o1000) === 0) return true;
    if (dir === dirname(dir)) return false;
  }
}

/** The guard's code and its plugin: the package's own files and everything under dist/. */
function codeFiles(io: Access, dir: string): PathFact[] {
  if (!exists(io, dir)) return [];
  const files: PathFact[] = [{ what: "guard code", path: dir }];
  for (const name of ["package.json", "openclaw.plugin.json"]) if (exists(io, join(dir, name))) files.push({ what: name === "package.json" ? "guard code" : "gateway plugin", path: join(dir, name) });
  const walk = (at: string, depth: number) => {
    if (depth > 6 || files.length > 5000) return;
    for (const name of io.readDir(at)) {
      const path = join(at, name);
      files.push({ what: at.includes("plugin") ? "gateway plugin" : "guard code", path });
      if (statOf(io, path)?.isDirectory) walk(path, depth + 1);
    }
  };
  walk(join(dir, "dist"), 0);
  return files;
}

export const SERVICE_UNITS = ["/etc/systemd/system/openclaw-gateway.service", "/etc/systemd/system/openclaw-guard.service"] as const;

/** The program and script of every ExecStart= in the service units (absolute paths only). */
export function execStartPrograms(unitText: string): string[] {
  const out: string[] = [];
  for (const line of unitText.split("\n")) {
    const m = /^\s*ExecStart=[-@:+!]*(.*)$/.exec(line);
    if (!m) continue;
    const argv = (m[1] ?? "").trim().split(/\s+/).map((a) => a.replace(/^'(.*)'$/, "$1"));
    for (const a of argv.slice(0, 2)) if (a.startsWith("/")) out.push(a);
  }
  return out;
}

function unitPrograms(io: DoctorIO): string[] {
  return SERVICE_UNITS.flatMap((unit) => {
    try {
      return execStartPrograms(io.readFile(unit));
    } catch {
      return [];
    }
  });
}

function homeOf(io: DoctorIO, user: string): string | undefined {
  try {
    const line = io.readFile("/etc/passwd").split("\n").find((l) => l.startsWith(`${user}:`));
    return line?.split(":")[5] || undefined;
  } catch {
    return undefined;
  }
}

/** openclaw-guard in Claude Code, Gemini and Codex user configs. */
function readRegistrations(io: DoctorIO): Registration[] {
  const found: Registration[] = [];
  const claudeJson = join(io.env.CLAUDE_CONFIG_DIR || io.home, ".claude.json");
  const gemini = join(io.home, ".gemini", "settings.json");
  for (const [client, file] of [["claude-code", claudeJson], ["gemini", gemini]] as const) {
    const entry = readJsonEntry(io, file);
    if (entry) found.push(registration(io, client, file, entry));
  }
  const codex = join(io.env.CODEX_HOME || join(io.home, ".codex"), "config.toml");
  const table = readCodexTable(io, codex);
  if (table) found.push(registration(io, "codex", codex, table));
  return found;
}

type Entry = { url?: unknown; httpUrl?: unknown; command?: unknown; args?: unknown; env?: unknown };

function readJsonEntry(io: DoctorIO, file: string): Entry | undefined {
  try {
    const entry = (JSON5.parse(io.readFile(file)) as { mcpServers?: Record<string, unknown> } | null)?.mcpServers?.[SERVER_NAME];
    return typeof entry === "object" && entry !== null ? (entry as Entry) : undefined;
  } catch {
    return undefined;
  }
}

/** Just enough TOML for our own table, as `init codex` writes it. */
function readCodexTable(io: DoctorIO, file: string): Entry | undefined {
  let text: string;
  try {
    text = io.readFile(file);
  } catch {
    return undefined;
  }
  const start = text.search(new RegExp(`^\\[mcp_servers\\.(?:"${SERVER_NAME}"|${SERVER_NAME})\\]\\s*$`, "m"));
  if (start < 0) return undefined;
  const body = text.slice(start).split(/\r?\n/).slice(1);
  const end = body.findIndex((l) => l.startsWith("["));
  const lines = end < 0 ? body : body.slice(0, end);
  const value = (key: string) => lines.find((l) => new RegExp(`^${key}\\s*=`).test(l))?.replace(/^[^=]*=\s*/, "");
  const args = value("args");
  return { url: value("url"), command: value("command")?.replace(/^"|"$/g, ""), args: args ? [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!) : [] };
}

function registration(io: DoctorIO, client: string, file: string, entry: Entry): Registration {
  if (typeof entry.url === "string" || typeof entry.httpUrl === "string") return { client, file, kind: "http" };
  return { client, file, kind: "stdio", ...credentialOf(io, entry) };
}

const TOKEN_VARS = ["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"];

/** Where a local server started with this entry would find a gateway credential. */
function credentialOf(io: DoctorIO, entry: Entry): { credential?: string } {
  const env = typeof entry.env === "object" && entry.env !== null ? (entry.env as Record<string, unknown>) : {};
  const variable = TOKEN_VARS.find((v) => typeof env[v] === "string" || io.env[v]);
  if (variable) return { credential: `$${variable}` };
  const args = Array.isArray(entry.args) ? entry.args.filter((a): a is string => typeof a === "string") : [];
  const config = args[args.indexOf("--config") + 1];
  if (args.includes("--config") && config) {
    try {
      const parsed = JSON5.parse(io.readFile(config)) as { openclaw?: { gateway?: { token?: unknown } } } | null;
      if (parsed?.openclaw?.gateway?.token !== undefined) return { credential: `openclaw.gateway.token in ${config}` };
    } catch {
      // unreadable to this user: it cannot hold a credential for it
    }
  }
  const openclaw = openclawConfigPath(io.env);
  if (exists(io, openclaw) && io.canRead(openclaw)) return { credential: `the gateway token in ${openclaw}` };
  return {};
}
