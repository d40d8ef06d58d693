// `openclaw-guard init openclaw --separate --dry-run|--apply|--undo`: the plan, pure. Facts about this
// machine in (gathered as root by separate-apply.ts: the passwd entries, what is in the agent's home,
// the agent's running gateway, which clients it uses), an ordered list of steps out. Each step says
// why, what it does (argv arrays and file operations, never shell strings) and how it is undone; the
// executor records each completed step in a root-only journal, so a re-run continues and --undo
// reverses exactly what was done.
import JSON5 from "json5";
import { PLUGIN_ID } from "../plugin/index.js";
import { shellJoin } from "./init-plan.js";

/** A user as the passwd database has it. */
export type Account = { name: string; uid: number; gid: number; home: string };

/** A long-running service: a systemd system unit where systemd runs, else the same argv under setpriv. */
export type Service = {
  name: "openclaw-gateway" | "openclaw-guard";
  user: string;
  home: string;
  argv: string[];
  env: Record<string, string>;
  unitPath: string;
  unit: string;
  /** The loopback port it listens on once ready. */
  port: number;
  log: string;
};

/** A process of the agent's (its gateway): stopped by apply, started again by undo. */
export type AgentProcess = { pid: number; argv: string[]; env: Record<string, string>; cwd: string };

export type Op =
  | { op: "exec"; argv: string[]; env?: Record<string, string>; cwd?: string; tokenEnv?: string }
  /** Runs `token add`; its stdout is the token, kept in memory for the following tokenEnv execs only. */
  | { op: "mintToken"; argv: string[]; env: Record<string, string>; cwd: string }
  | { op: "write"; path: string; text: string; mode: number; owner: string; secret?: boolean }
  | { op: "remove"; path: string }
  /** rename; a destination that exists is moved aside to `<to>.after-separate-<time>` first. */
  | { op: "move"; from: string; to: string }
  | { op: "snapshot"; key: string; paths: string[] }
  | { op: "restore"; key: string }
  | { op: "start"; service: Service; systemd: boolean }
  | { op: "stop"; service: Service["name"]; unit: string; systemd: boolean }
  | { op: "stopProcesses"; uid: number; processes: AgentProcess[]; port: number }
  | { op: "startAgent"; account: Account; process: AgentProcess; port: number }
  | { op: "doctor"; argv: string[]; env: Record<string, string>; cwd: string }
  | { op: "absent"; paths: string[] };

export type Step = { id: string; title: string; do: Op[]; undo: Op[] };

export type SeparateFacts = {
  agent: Account;
  /** The service user as /etc/passwd has it, or its name and planned home when it does not exist yet. */
  service: { name: string; home: string; existing?: Account };
  codeDir: string;
  /** The guard package to install: its directory and the entries of it that are copied. */
  packageDir: string;
  packageEntries: string[];
  node: string;
  /** The openclaw install: the directory copied to <codeDir>/openclaw, and openclaw.mjs relative to it. */
  openclaw: { copyFrom: string; entry: string };
  port: number;
  systemd: boolean;
  unitDir: string;
  /** Root-only: the journal and the backups of what leaves the agent's home. */
  stateDir: string;
  /** What of these exists in the agent's home. */
  present: { openclaw: boolean; guardConfig: boolean; guardState: boolean; deviceCredential: boolean };
  /** The agent's ~/.openclaw/openclaw.json and book, as text. */
  openclawJson: string | undefined;
  book: string | undefined;
  tokenNames: string[];
  gateways: AgentProcess[];
  /** The agent's clients that take `init <client> --remote`, with the files that init changes. */
  clients: { name: string; files: string[] }[];
  aliases?: string;
  /** A fresh gateway.auth.token (random, from the executor). Never printed. */
  gatewayToken: string;
  existingUnits: string[];
  /** Paths in the agent's home that root would copy or read, but that are symlinks or not the agent's own. */
  unsafe: string[];
};

export class PlanError extends Error {}

export const STATE_ROOT = "/var/lib/openclaw-guard-separate";
export const DEFAULT_GATEWAY_PORT = 18789;
const SAFE_ENV = /^OPENCLAW_(DISABLE_BONJOUR|NO_AUTO_UPDATE|OFFLINE|LOG_LEVEL)$/;

export const homePaths = (home: string) => ({
  openclaw: `${home}/.openclaw`,
  openclawJson: `${home}/.openclaw/openclaw.json`,
  guardConfig: `${home}/.config/openclaw-guard`,
  book: `${home}/.config/openclaw-guard/config.json5`,
  tokens: `${home}/.config/openclaw-guard/tokens.json`,
  guardState: `${home}/.local/state/openclaw-guard`,
  deviceCredential: `${home}/.local/state/openclaw-guard/gateway-device.json`,
  audit: `${home}/.local/state/openclaw-guard/audit.jsonl`,
});

/** The argv prefix that runs a command as this user: no new privileges, its own groups only. */
export function asUser(user: string, argv: readonly string[]): string[] {
  return ["setpriv", `--reuid=${user}`, `--regid=${user}`, "--init-groups", "--no-new-privs", "--", ...argv];
}

/** Strings under the agent's ~/.openclaw, book and state directories now point at the service user's; the plugin at the code dir. */
export function rewriteOpenclawJson(text: string, agentHome: string, serviceHome: string, codeDir: string, token: string, packageDir: string): string {
  const json = JSON5.parse(text) as Record<string, any>;
  const from = homePaths(agentHome);
  const to = homePaths(serviceHome);
  const moved: [string, string][] = [[from.openclaw, to.openclaw], [from.guardConfig, to.guardConfig], [from.guardState, to.guardState]];
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") {
      for (const [a, b] of moved) if (value === a || value.startsWith(`${a}/`)) return b + value.slice(a.length);
      return value;
    }
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    return value;
  };
  const out = visit(json) as Record<string, any>;
  const paths: unknown = out.plugins?.load?.paths;
  if (Array.isArray(paths)) {
    // The guard's plugin loads from the root-owned install only; any copy of it elsewhere (the agent's checkout) goes.
    const ours = (p: unknown) => typeof p === "string" && (p === packageDir || p.replace(/\/+$/, "") === packageDir || p.startsWith(`${agentHome}/`) || p === codeDir);
    out.plugins.load.paths = [...paths.filter((p) => !ours(p)), codeDir];
  }
  out.plugins ??= {};
  out.plugins.entries ??= {};
  out.plugins.entries[PLUGIN_ID] ??= { enabled: true };
  out.plugins.entries[PLUGIN_ID].config = { ...out.plugins.entries[PLUGIN_ID].config, configPath: to.book };
  out.gateway ??= {};
  out.gateway.auth = { ...out.gateway.auth, mode: "token", token };
  const left = JSON.stringify(out);
  if (left.includes(agentHome)) {
    const named = [...left.matchAll(new RegExp(`"(${escapeRegExp(agentHome)}[^"]*)"`, "g"))].map((m) => m[1]);
    throw new PlanError(`openclaw.json still names ${named.join(", ")} under ${agentHome} (the gateway would run as the service user with files the agent can write); move or remove it there, then re-run`);
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The book keeps its comments: only its paths into the agent's home and an old gateway token change. */
export function rewriteBook(text: string, agentHome: string, serviceHome: string, oldToken: string | undefined, token: string): string {
  const from = homePaths(agentHome);
  const to = homePaths(serviceHome);
  let out = text;
  for (const key of ["openclaw", "guardConfig", "guardState"] as const) out = out.split(from[key]).join(to[key]);
  if (oldToken) out = out.split(oldToken).join(token);
  if (out.includes(agentHome)) throw new PlanError(`the address book still names a path under ${agentHome}; point it at the guard's own state (or remove it), then re-run`);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A hardened systemd system unit: runs as `user`, no new privileges, no view of /home, private files only. */
export function unitText(s: Pick<Service, "user" | "home" | "env" | "argv">, description: string, after: string): string {
  const env = Object.entries(s.env).map(([k, v]) => `Environment=${k}=${v}`).join("\n");
  return `[Unit]
Description=${description}
After=${after}
[Service]
User=${s.user}
Group=${s.user}
${env}
WorkingDirectory=${s.home}
ExecStart=${shellJoin(s.argv)}
UMask=0077
NoNewPrivileges=yes
ProtectHome=yes
PrivateTmp=yes
Restart=on-failure
[Install]
WantedBy=multi-user.target
`;
}

export function planSeparate(f: SeparateFacts): Step[] {
  const svc = f.service.name;
  const home = f.service.home;
  const agent = f.agent;
  if (svc === agent.name) throw new PlanError(`the service user must not be the agent's user (${svc})`);
  if (f.service.existing && f.service.existing.uid === 0) throw new PlanError(`the service user cannot be root`);
  if (f.service.existing && f.service.existing.uid === agent.uid) throw new PlanError(`${svc} has the agent's uid ${agent.uid}`);
  for (const [what, dir] of [["the service user's home", home], ["--code-dir", f.codeDir]] as const) {
    if (dir === agent.home || dir.startsWith(`${agent.home}/`)) throw new PlanError(`${what} ${dir} is inside the agent's home ${agent.home}`);
  }
  if (!f.present.openclaw || f.openclawJson === undefined) throw new PlanError(`${agent.home}/.openclaw/openclaw.json not found: there is no gateway of ${agent.name}'s to move (set OpenClaw up as ${agent.name} first)`);
  // Root copies and reads these: a symlink planted there (~/.openclaw -> /root/.ssh) would hand root's files to the service user.
  if (f.unsafe.length > 0) throw new PlanError(`${f.unsafe.join(", ")}: a symlink, or not owned by ${agent.name}; root copies and reads these, so they must be ${agent.name}'s own files and directories. Replace ${f.unsafe.length === 1 ? "it" : "them"} with the real thing, then re-run`);
  if (f.existingUnits.length > 0) throw new PlanError(`${f.existingUnits.join(", ")} already exist${f.existingUnits.length === 1 ? "s" : ""} and were not written by this command; remove or rename them, then re-run`);
  const from = homePaths(agent.home);
  const to = homePaths(home);
  const code = f.codeDir;
  const node = `${code}/bin/node`;
  const cli = `${code}/dist/cli.js`;
  const openclaw = `${code}/openclaw/${f.openclaw.entry}`;
  const svcEnv = { HOME: home, PATH: `${code}/bin:/usr/bin:/bin` };
  const agentEnv = { HOME: agent.home, PATH: `${code}/bin:/usr/bin:/bin`, USER: agent.name, LOGNAME: agent.name };
  const gatewayJson = JSON5.parse(f.openclawJson) as { gateway?: { port?: unknown; auth?: { token?: unknown } } };
  const gatewayPort = typeof gatewayJson.gateway?.port === "number" ? gatewayJson.gateway.port : DEFAULT_GATEWAY_PORT;
  const oldToken = typeof gatewayJson.gateway?.auth?.token === "string" ? gatewayJson.gateway.auth.token : undefined;
  const newJson = rewriteOpenclawJson(f.openclawJson, agent.home, home, code, f.gatewayToken, f.packageDir);
  const newBook = f.book === undefined ? undefined : rewriteBook(f.book, agent.home, home, oldToken, f.gatewayToken);
  const flags = Object.fromEntries(Object.entries(f.gateways[0]?.env ?? {}).filter(([k]) => SAFE_ENV.test(k)));
  const logDir = `${home}/.local/state/openclaw-guard`;
  const service = (name: Service["name"], argv: string[], port: number, description: string, after: string): Service => {
    const s = { name, user: svc, home, argv, env: { ...svcEnv, ...flags }, unitPath: `${f.unitDir}/${name}.service`, port, log: `${logDir}/${name}.log` };
    return { ...s, unit: unitText(s, description, after) };
  };
  const gateway = service("openclaw-gateway", [node, openclaw, "gateway", "run"], gatewayPort, `OpenClaw gateway (owned by ${svc}; the agent's user cannot read its state)`, "network.target");
  const guard = service("openclaw-guard", [node, cli, "serve", "--http", "--host", "127.0.0.1", "--port", String(f.port)], f.port, "openclaw-guard MCP service over HTTP (loopback; agents authenticate with their own token)", "openclaw-gateway.service");
  const backup = `${f.stateDir}/backup`;
  const chownTree = (path: string): Op[] => [
    { op: "exec", argv: ["chown", "-R", `${svc}:${svc}`, path] },
    { op: "exec", argv: ["chmod", "-R", "go-rwx", path] },
  ];
  const copyDir = (a: string, b: string): Op[] => [
    { op: "exec", argv: ["install", "-d", "-m", "0700", "-o", svc, "-g", svc, b] },
    { op: "exec", argv: ["cp", "-a", "--no-preserve=ownership", `${a}/.`, b] },
    ...chownTree(b),
  ];
  const mkPrivate = (...dirs: string[]): Op => ({ op: "exec", argv: ["install", "-d", "-m", "0700", "-o", svc, "-g", svc, ...dirs] });
  const tokenName = uniqueName(agent.name, f.tokenNames);

  const steps: Step[] = [];
  steps.push(
    f.service.existing
      ? { id: "service-user", title: `Use the existing user ${svc} (uid ${f.service.existing.uid}, home ${home}) for the gateway and the guard.`, do: [mkPrivate(home)], undo: [] }
      : {
          id: "service-user",
          title: `Create the system user ${svc} (home ${home}, mode 0700, no login shell) that owns the gateway and the guard.`,
          do: [{ op: "exec", argv: ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", svc] }, mkPrivate(home)],
          undo: [{ op: "remove", path: home }, { op: "exec", argv: ["userdel", svc] }],
        },
  );
  steps.push({
    id: "code",
    title: `Install openclaw-guard, node and openclaw root-owned in ${code} (read-only to both users: the units run nothing under ${agent.home}).`,
    do: [
      { op: "exec", argv: ["install", "-d", "-m", "0755", "-o", "root", "-g", "root", code, `${code}/bin`, `${code}/openclaw`] },
      ...f.packageEntries.map((e): Op => ({ op: "exec", argv: ["cp", "-a", "--no-preserve=ownership", `${f.packageDir}/${e}`, `${code}/${e}`] })),
      { op: "exec", argv: ["install", "-m", "0755", "-o", "root", "-g", "root", f.node, node] },
      { op: "exec", argv: ["cp", "-a", "--no-preserve=ownership", `${f.openclaw.copyFrom}/.`, `${code}/openclaw`] },
      { op: "exec", argv: ["chown", "-R", "root:root", code] },
      { op: "exec", argv: ["chmod", "-R", "go-w", code] },
    ],
    undo: [{ op: "remove", path: code }],
  });
  steps.push({
    id: "stop-agent-gateway",
    title: `Stop the gateway ${agent.name} runs now (${f.gateways.length === 0 ? "none is running" : `pid ${f.gateways.map((g) => g.pid).join(", ")}`}${f.systemd ? ", and its user unit" : ""}): nothing may keep serving from ${from.openclaw}.`,
    do: [
      ...(f.systemd ? [{ op: "exec", argv: ["systemctl", "--user", "-M", `${agent.name}@`, "stop", "openclaw-gateway.service"] } as Op] : []),
      { op: "stopProcesses", uid: agent.uid, processes: f.gateways, port: gatewayPort },
    ],
    undo: f.gateways.map((p): Op => ({ op: "startAgent", account: agent, process: p, port: gatewayPort })),
  });
  steps.push({
    id: "copy-state",
    title: `Copy OpenClaw's state${f.present.guardConfig ? ", the guard's book and tokens" : ""}${f.present.guardState ? ", its audit and state" : ""} to ${svc} (directories 0700, files 0600, owned by ${svc}).`,
    do: [
      mkPrivate(`${home}/.config`, to.guardConfig, `${home}/.local`, `${home}/.local/state`, to.guardState),
      ...copyDir(from.openclaw, to.openclaw),
      ...(f.present.guardConfig ? copyDir(from.guardConfig, to.guardConfig) : []),
      ...(f.present.guardState ? copyDir(from.guardState, to.guardState) : []),
    ],
    undo: [{ op: "remove", path: to.openclaw }, { op: "remove", path: to.guardConfig }, { op: "remove", path: to.guardState }],
  });
  steps.push({
    id: "rewrite-config",
    title: `Rewrite the moved openclaw.json: plugins.load.paths to ${code} only (not ${agent.name}'s checkout), the plugin's book to ${to.book}, a new gateway.auth.token (the old one stays valid for nothing)${newBook !== undefined ? "; the book's paths (and its copy of the old token) follow" : ""}.`,
    do: [
      { op: "write", path: to.openclawJson, text: newJson, mode: 0o600, owner: svc, secret: true },
      ...(newBook !== undefined ? [{ op: "write", path: to.book, text: newBook, mode: 0o600, owner: svc, secret: true } as Op] : []),
    ],
    undo: [],
  });
  steps.push({
    id: "units",
    title: `Write system units ${gateway.unitPath} and ${guard.unitPath} (User=${svc}, NoNewPrivileges=yes, ProtectHome=yes, UMask=0077).`,
    do: [
      { op: "write", path: gateway.unitPath, text: gateway.unit, mode: 0o644, owner: "root" },
      { op: "write", path: guard.unitPath, text: guard.unit, mode: 0o644, owner: "root" },
      ...(f.systemd ? [{ op: "exec", argv: ["systemctl", "daemon-reload"] } as Op] : []),
    ],
    undo: [{ op: "remove", path: gateway.unitPath }, { op: "remove", path: guard.unitPath }, ...(f.systemd ? [{ op: "exec", argv: ["systemctl", "daemon-reload"] } as Op] : [])],
  });
  steps.push({
    id: "start-gateway",
    title: f.systemd
      ? `Start the gateway unit (systemctl enable --now) and wait for port ${gatewayPort}.`
      : `No systemd here: start the gateway unit's command as ${svc} (${shellJoin(asUser(svc, ["..."]))}), record its pid, wait for port ${gatewayPort}.`,
    do: [{ op: "start", service: gateway, systemd: f.systemd }],
    undo: [{ op: "stop", service: "openclaw-gateway", unit: gateway.unitPath, systemd: f.systemd }],
  });
  const originals: [string, string, boolean][] = [
    [from.openclaw, `${backup}/openclaw`, f.present.openclaw],
    [from.guardConfig, `${backup}/config-openclaw-guard`, f.present.guardConfig],
    [from.guardState, `${backup}/state-openclaw-guard`, f.present.guardState],
  ];
  const moving = originals.filter(([, , present]) => present);
  steps.push({
    id: "move-originals",
    title: `Back up the originals root-only in ${backup} and take them out of ${agent.name}'s home (${moving.map(([a]) => a).join(", ")}${f.present.deviceCredential ? `; with them the guard's paired device credential ${from.deviceCredential}` : ""}).`,
    do: [{ op: "exec", argv: ["install", "-d", "-m", "0700", "-o", "root", "-g", "root", f.stateDir, backup] }, ...moving.map(([a, b]): Op => ({ op: "move", from: a, to: b }))],
    undo: [...moving.map(([a, b]): Op => ({ op: "move", from: b, to: a }))],
  });
  const url = `http://127.0.0.1:${f.port}/mcp`;
  steps.push({
    id: "clients",
    title: `Mint ${agent.name}'s token (agent "${tokenName}", aliases ${f.aliases ?? "all"}), start \`serve --http\` as ${svc} on port ${f.port} (it refuses to start without a token), and register it in ${f.clients.length === 0 ? "no client (none found in its home)" : f.clients.map((c) => c.name).join(", ")} as ${agent.name}: init <client> --remote ${url} (the token travels in the environment, never in argv).`,
    do: [
      { op: "snapshot", key: "clients", paths: f.clients.flatMap((c) => c.files) },
      { op: "mintToken", argv: asUser(svc, [node, cli, "token", "add", tokenName, ...(f.aliases ? ["--aliases", f.aliases] : [])]), env: svcEnv, cwd: home },
      { op: "start", service: guard, systemd: f.systemd },
      ...f.clients.map((c): Op => ({ op: "exec", argv: asUser(agent.name, [node, cli, "init", c.name, "--remote", url]), env: agentEnv, cwd: agent.home, tokenEnv: "OPENCLAW_GUARD_TOKEN" })),
    ],
    undo: [{ op: "restore", key: "clients" }, { op: "stop", service: "openclaw-guard", unit: guard.unitPath, systemd: f.systemd }, { op: "exec", argv: asUser(svc, [node, cli, "token", "revoke", tokenName]), env: svcEnv, cwd: home }],
  });
  steps.push({
    id: "doctor",
    title: `As ${agent.name}: openclaw-guard doctor --service-user ${svc}; every separation check must pass.`,
    do: [{ op: "doctor", argv: asUser(agent.name, [node, cli, "doctor", "--json", "--service-user", svc]), env: agentEnv, cwd: agent.home }],
    undo: [],
  });
  steps.push({
    id: "agent-home-clean",
    title: `Last, after the client setup: none of the gateway's or the guard's secrets is left in ${agent.home}.`,
    do: [{ op: "absent", paths: [from.openclaw, from.openclawJson, from.book, from.tokens, from.deviceCredential, from.audit] }],
    undo: [],
  });
  return steps;
}

function uniqueName(base: string, taken: readonly string[]): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!taken.includes(name)) return name;
  }
}

/** One op as the dry run prints it (no file content, no secret). */
export function describeOp(op: Op): string {
  switch (op.op) {
    case "exec":
      return `${shellJoin(op.argv)}${op.tokenEnv ? `   (with ${op.tokenEnv} from the token minted above)` : ""}`;
    case "mintToken":
      return `${shellJoin(op.argv)}   (its output, the token, is kept in memory only)`;
    case "doctor":
      return `${shellJoin(op.argv)}   (fails the step on any failed exposure.separation check)`;
    case "write":
      return `write ${op.path} (mode ${op.mode.toString(8).padStart(4, "0")}, owner ${op.owner}${op.secret ? ", content not shown" : ""})`;
    case "remove":
      return `remove ${op.path}`;
    case "move":
      return `move ${op.from} -> ${op.to}`;
    case "snapshot":
      return `save a root-only copy of ${op.paths.length === 0 ? "(nothing)" : op.paths.join(", ")}`;
    case "restore":
      return `put back the saved copies (files that did not exist are removed)`;
    case "start":
      return op.systemd ? shellJoin(["systemctl", "enable", "--now", `${op.service.name}.service`]) : `${shellJoin(asUser(op.service.user, op.service.argv))}   (detached, log ${op.service.log}; wait for 127.0.0.1:${op.service.port})`;
    case "stop":
      return op.systemd ? shellJoin(["systemctl", "disable", "--now", `${op.service}.service`]) : `stop the recorded ${op.service} process`;
    case "stopProcesses":
      return op.processes.length === 0 ? `check no openclaw gateway of uid ${op.uid} is running` : `kill ${op.processes.map((p) => p.pid).join(" ")} (${op.processes.map((p) => shellJoin(p.argv)).join("; ")}) and wait for exit`;
    case "startAgent":
      return `${shellJoin(asUser(op.account.name, op.process.argv))}   (as before; wait for 127.0.0.1:${op.port})`;
    case "absent":
      return `check absent: ${op.paths.join(", ")}`;
  }
}

export function renderPlan(steps: readonly Step[], header: string): string {
  const body = steps
    .map((s, i) => `${i + 1}. [${s.id}] ${s.title}\n${s.do.map((o) => `     ${describeOp(o)}`).join("\n")}${s.undo.length > 0 ? `\n   undo:\n${s.undo.map((o) => `     ${describeOp(o)}`).join("\n")}` : ""}`)
    .join("\n\n");
  return `${header}\n\n${body}\n`;
}
