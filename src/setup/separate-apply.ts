// `init openclaw --separate --apply|--undo|--dry-run`: the thin executor of separate-plan.ts. Gathers
// the facts as root, runs each step's operations, and records each completed step in a root-only
// journal (/var/lib/openclaw-guard-separate/<service user>/journal.json, 0600): a second --apply
// continues where the first stopped (and does nothing when it finished), --undo reverses exactly the
// recorded steps, newest first. A failing step undoes its own partial work and says how to go on.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, closeSync, cpSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { basename, dirname, join } from "node:path";
import { execa } from "execa";
import JSON5 from "json5";
import { CLIENTS } from "./clients/index.js";
import { asUser, describeOp, homePaths, PlanError, planSeparate, renderPlan, STATE_ROOT, type Account, type AgentProcess, type Op, type SeparateFacts, type Service, type Step } from "./separate-plan.js";
import { passwdUser, resolveAgentUser, SEPARATE_DEFAULTS } from "./separate-recipe.js";

export type SeparateOptions = {
  mode: "dry-run" | "apply" | "undo";
  agentUser?: string;
  serviceUser?: string;
  codeDir?: string;
  port?: number;
  aliases?: string;
  openclaw?: string;
  env: NodeJS.ProcessEnv;
  cli: string;
  node: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Overridable for tests; the defaults are the real system paths. */
  stateRoot?: string;
  unitDir?: string;
};

type Journal = { version: 1; started: string; plan: Step[]; done: { id: string; at: string; pids?: Record<string, number> }[] };

const PACKAGE_ENTRIES = ["package.json", "openclaw.plugin.json", "dist", "vendor", "node_modules", "examples", "LICENSE", "README.md"];

export function accountOf(passwd: string, name: string): Account | undefined {
  const entry = passwdUser(passwd, name);
  const gid = passwd.split("\n").find((l) => l.startsWith(`${name}:`))?.split(":")[3];
  return entry && gid && /^\d+$/.test(gid) ? { ...entry, gid: Number(gid) } : undefined;
}

export async function runSeparate(o: SeparateOptions): Promise<number> {
  const serviceName = o.serviceUser ?? SEPARATE_DEFAULTS.user;
  const stateDir = join(o.stateRoot ?? STATE_ROOT, serviceName);
  const journalPath = join(stateDir, "journal.json");
  const journal = readJournal(journalPath);
  if (o.mode !== "dry-run" && process.getuid?.() !== 0) {
    o.err(`openclaw-guard init openclaw --separate --${o.mode}: run it as root (sudo): it creates a user, installs into ${o.codeDir ?? SEPARATE_DEFAULTS.codeDir} and moves files between homes. Nothing was changed.\n`);
    return 1;
  }
  if (o.mode === "undo") return undo(o, journal, journalPath);
  let plan: Step[];
  if (journal) {
    plan = journal.plan;
  } else {
    try {
      plan = planSeparate(gatherFacts(o, serviceName, stateDir));
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      o.err(`openclaw-guard init openclaw --separate: ${e.message}\nNothing was changed.\n`);
      return 1;
    }
  }
  const done = new Set(journal?.done.map((d) => d.id) ?? []);
  if (o.mode === "dry-run") {
    const header = journal
      ? `openclaw-guard init openclaw --separate --dry-run: ${done.size} of ${plan.length} steps are recorded as done in ${journalPath}; --apply runs the rest, --undo reverses the recorded ones. Nothing was changed.`
      : `openclaw-guard init openclaw --separate --dry-run: what --apply does, in order, as root (nothing was changed). Each step is recorded in ${journalPath} (0600 root); --undo reverses the recorded steps.`;
    o.out(renderPlan(plan.map((s) => (done.has(s.id) ? { ...s, title: `(done) ${s.title}` } : s)), header));
    return 0;
  }
  if (plan.every((s) => done.has(s.id))) {
    o.out(`openclaw-guard init openclaw --separate --apply: already applied (all ${plan.length} steps recorded in ${journalPath}); nothing to do. --undo restores the same-user layout.\n`);
    return 0;
  }
  const state: Journal = journal ?? { version: 1, started: new Date().toISOString(), plan, done: [] };
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  saveJournal(journalPath, state);
  const ctx: RunContext = { stateDir, journal: state, pids: {}, token: undefined };
  const started = Date.now();
  for (const [i, step] of plan.entries()) {
    if (done.has(step.id)) continue;
    o.out(`${i + 1}/${plan.length} ${step.title}\n`);
    const t = Date.now();
    try {
      for (const op of step.do) await runOp(op, ctx, o);
    } catch (e) {
      o.err(`openclaw-guard init openclaw --separate: step ${i + 1} (${step.id}) failed: ${(e as Error).message}\n`);
      const left = await undoOps(step.undo, ctx, o);
      const agentGatewayDown = state.done.some((d) => d.id === "stop-agent-gateway");
      o.err(
        `${left ? "Its partial changes were undone" : "Undoing its partial changes failed too (see above)"}; steps 1-${i} stay done and recorded in ${journalPath}.\n` +
          `${agentGatewayDown ? "The agent's gateway is stopped and the service's is not complete: " : ""}fix the cause and re-run --apply to continue from step ${i + 1}, or run --undo to go back to the same-user layout.\n`,
      );
      return 1;
    }
    state.done.push({ id: step.id, at: new Date().toISOString(), ...(Object.keys(ctx.pids).length > 0 ? { pids: { ...ctx.pids } } : {}) });
    ctx.pids = {};
    saveJournal(journalPath, state);
    o.out(`   done (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
  }
  o.out(`openclaw-guard init openclaw --separate --apply: done in ${((Date.now() - started) / 1000).toFixed(1)} s. Journal: ${journalPath}; the originals are backed up root-only in ${stateDir}/backup. --undo restores the same-user layout.\n`);
  return 0;
}

async function undo(o: SeparateOptions, journal: Journal | undefined, journalPath: string): Promise<number> {
  if (!journal) {
    o.out(`openclaw-guard init openclaw --separate --undo: no journal at ${journalPath}: nothing recorded, nothing to undo.\n`);
    return 0;
  }
  const ctx: RunContext = { stateDir: dirname(journalPath), journal, pids: {}, token: undefined };
  for (const record of [...journal.done].reverse()) {
    const step = journal.plan.find((s) => s.id === record.id)!;
    o.out(`undo ${step.id}: ${step.title}\n`);
    if (!(await undoOps(step.undo, ctx, o))) {
      o.err(`openclaw-guard init openclaw --separate --undo: undoing ${step.id} failed (see above); it and the steps before it stay recorded in ${journalPath}. Fix the cause and re-run --undo.\n`);
      return 1;
    }
    journal.done = journal.done.filter((d) => d !== record);
    saveJournal(journalPath, journal);
  }
  rmSync(journalPath, { force: true });
  rmSync(join(dirname(journalPath), "snapshots"), { recursive: true, force: true });
  for (const dir of [join(dirname(journalPath), "backup"), dirname(journalPath), dirname(dirname(journalPath))]) {
    try {
      if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
    } catch {
      // not there
    }
  }
  o.out(`openclaw-guard init openclaw --separate --undo: done; the same-user layout is back.\n`);
  return 0;
}

type RunContext = { stateDir: string; journal: Journal; pids: Record<string, number>; token: string | undefined };

async function undoOps(ops: readonly Op[], ctx: RunContext, o: SeparateOptions): Promise<boolean> {
  let ok = true;
  for (const op of ops) {
    try {
      await runOp(op, ctx, o);
    } catch (e) {
      o.err(`  undo: ${describeOp(op)}: ${(e as Error).message}\n`);
      ok = false;
    }
  }
  return ok;
}

function readJournal(path: string): Journal | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const journal = JSON.parse(text) as Journal;
  if (journal.version !== 1 || !Array.isArray(journal.plan) || !Array.isArray(journal.done)) throw new Error(`${path}: not a journal of this version; move it away only if you know no step it records is still in place`);
  return journal;
}

function saveJournal(path: string, journal: Journal): void {
  const tmp = `${path}.${process.pid}.tmp`;
  // A secret file's content (the new gateway token) is needed until it is written, not after.
  const done = new Set(journal.done.map((d) => d.id));
  const plan = journal.plan.map((s) => (done.has(s.id) ? { ...s, do: s.do.map((o) => (o.op === "write" && o.secret ? { ...o, text: "" } : o)) } : s));
  writeFileSync(tmp, `${JSON.stringify({ ...journal, plan }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function ids(name: string): { uid: number; gid: number } {
  if (name === "root") return { uid: 0, gid: 0 };
  const account = accountOf(readFileSync("/etc/passwd", "utf8"), name);
  if (!account) throw new Error(`no user ${name} in /etc/passwd`);
  return { uid: account.uid, gid: account.gid };
}

async function runOp(op: Op, ctx: RunContext, o: SeparateOptions): Promise<void> {
  switch (op.op) {
    case "exec": {
      const env = op.tokenEnv ? { ...op.env, [op.tokenEnv]: ctx.token ?? "" } : op.env;
      if (op.tokenEnv && !ctx.token) throw new Error("no token was minted in this run (re-run: the step mints a new one)");
      const r = await execa(op.argv[0]!, op.argv.slice(1), { ...(env ? { env, extendEnv: false } : {}), ...(op.cwd ? { cwd: op.cwd } : {}), reject: false, stdin: "ignore", all: true, timeout: 600_000 });
      if (r.exitCode !== 0) throw new Error(`${describeOp(op)} exited ${r.exitCode ?? r.signal}: ${tail(r.all ?? "")}`);
      return;
    }
    case "mintToken": {
      const r = await execa(op.argv[0]!, op.argv.slice(1), { env: op.env, extendEnv: false, cwd: op.cwd, reject: false, stdin: "ignore", timeout: 120_000 });
      const token = r.stdout.trim();
      if (r.exitCode !== 0 || !/^ocg_[A-Za-z0-9_-]{43}$/.test(token)) throw new Error(`token add failed (exit ${r.exitCode}): ${tail(r.stderr)}`);
      ctx.token = token;
      return;
    }
    case "doctor": {
      const r = await execa(op.argv[0]!, op.argv.slice(1), { env: op.env, extendEnv: false, cwd: op.cwd, reject: false, stdin: "ignore", timeout: 300_000 });
      let checks: { id: string; status: string; summary: string }[];
      try {
        checks = (JSON.parse(r.stdout) as { checks: typeof checks }).checks.filter((c) => c.id.startsWith("exposure.separation"));
      } catch {
        throw new Error(`doctor printed no report (exit ${r.exitCode}): ${tail(r.stderr)}`);
      }
      const failed = checks.filter((c) => c.status === "fail");
      if (checks.length === 0) throw new Error("doctor ran no separation check");
      if (failed.length > 0) throw new Error(failed.map((c) => `${c.id}: ${c.summary}`).join("; "));
      o.out(checks.map((c) => `   doctor ${c.id}: ${c.status}: ${c.summary}\n`).join(""));
      return;
    }
    case "write": {
      const tmp = `${op.path}.separate-${process.pid}.tmp`;
      const { uid, gid } = ids(op.owner);
      writeFileSync(tmp, op.text, { mode: op.mode });
      chmodSync(tmp, op.mode);
      chownSync(tmp, uid, gid);
      renameSync(tmp, op.path);
      return;
    }
    case "remove":
      rmSync(op.path, { recursive: true, force: true });
      return;
    case "move": {
      if (!exists(op.from)) throw new Error(`${op.from} is not there`);
      if (exists(op.to)) renameSync(op.to, `${op.to}.after-separate-${Date.now()}`);
      mkdirSync(dirname(op.to), { recursive: true });
      try {
        renameSync(op.from, op.to);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
        cpSync(op.from, op.to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        rmSync(op.from, { recursive: true, force: true });
      }
      return;
    }
    case "snapshot": {
      const dir = join(ctx.stateDir, "snapshots", op.key);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const saved = op.paths.map((path, i) => {
        if (!exists(path)) return { path, copy: undefined };
        const copy = join(dir, `${i}-${basename(path)}`);
        cpSync(path, copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        const st = lstatSync(path);
        chownSync(copy, st.uid, st.gid);
        return { path, copy };
      });
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(saved), { mode: 0o600 });
      return;
    }
    case "restore": {
      const dir = join(ctx.stateDir, "snapshots", op.key);
      const saved = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { path: string; copy?: string }[];
      for (const { path, copy } of saved) {
        rmSync(path, { recursive: true, force: true });
        if (copy) {
          cpSync(copy, path, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
          const st = lstatSync(copy);
          chownSync(path, st.uid, st.gid);
        }
      }
      return;
    }
    case "start":
      if (op.systemd) {
        await runOp({ op: "exec", argv: ["systemctl", "enable", "--now", `${op.service.name}.service`] }, ctx, o);
        await waitPort(op.service.port, 180_000, () => undefined);
        return;
      }
      ctx.pids[op.service.name] = await startDetached(op.service.user, op.service.argv, op.service.env, op.service.home, op.service.port, op.service.log);
      return;
    case "stop": {
      if (op.systemd) return runOp({ op: "exec", argv: ["systemctl", "disable", "--now", `${op.service}.service`] }, ctx, o);
      const pid = ctx.journal.done.map((d) => d.pids?.[op.service]).find((p) => p !== undefined) ?? ctx.pids[op.service];
      if (pid !== undefined) await stopPid(pid, true);
      return;
    }
    case "stopProcesses": {
      for (const p of [...op.processes, ...gatewayProcesses(op.uid)]) if (uidOf(p.pid) === op.uid) await stopPid(p.pid, false);
      const left = gatewayProcesses(op.uid);
      if (left.length > 0) throw new Error(`a gateway of uid ${op.uid} is still running (pid ${left.map((p) => p.pid).join(", ")}); stop it, then re-run`);
      for (let i = 0; i < 60 && (await listening(op.port)); i++) await new Promise((r) => setTimeout(r, 500));
      if (await listening(op.port)) throw new Error(`127.0.0.1:${op.port} is still taken after the agent's gateway stopped; stop whatever listens there, then re-run`);
      return;
    }
    case "startAgent":
      await startDetached(op.account.name, op.process.argv, op.process.env, op.process.cwd, op.port, undefined);
      return;
    case "absent": {
      const left = op.paths.filter(exists);
      if (left.length > 0) throw new Error(`still in the agent's home: ${left.join(", ")}`);
      return;
    }
  }
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join(" | ");
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A detached process as this user (setpriv, no new privileges), its pid once it listens on `port`. */
async function startDetached(user: string, argv: string[], env: Record<string, string>, cwd: string, port: number, log: string | undefined): Promise<number> {
  let fd: number | "ignore" = "ignore";
  if (log) {
    fd = openSync(log, "a", 0o600);
    const { uid, gid } = ids(user);
    chownSync(log, uid, gid);
  }
  if (await listening(port)) throw new Error(`127.0.0.1:${port} is taken already: something else listens there (an old gateway or guard?)`);
  const full = asUser(user, argv);
  const child = spawn(full[0]!, full.slice(1), { env, cwd, detached: true, stdio: ["ignore", fd, fd] });
  if (typeof fd === "number") closeSync(fd);
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = `exited ${code ?? signal}`));
  child.unref();
  try {
    await waitPort(port, 180_000, () => exited);
  } catch (e) {
    if (!exited) stopGroup(child.pid);
    const last = log ? tail(readFileSync(log, "utf8").slice(-4000)) : "";
    throw new Error(`${(e as Error).message}${last ? `; its log ${log} ends: ${last}` : ""}`);
  }
  if (child.pid === undefined) throw new Error(`${argv[0]} did not start`);
  return child.pid;
}

async function waitPort(port: number, timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = failed();
    if (why) throw new Error(`the process ${why} before it listened on 127.0.0.1:${port}`);
    if (await listening(port)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function stopGroup(pid: number | undefined): void {
  try {
    if (pid !== undefined) process.kill(-pid, "SIGKILL");
  } catch {
    // gone
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

async function stopPid(pid: number, group: boolean): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(group ? -pid : pid, s);
    } catch {
      // gone
    }
  };
  signal("SIGTERM");
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) signal("SIGKILL");
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

function uidOf(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("Uid:"));
    return line ? Number(line.split(/\s+/)[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The agent's running openclaw gateways (an openclaw command line with `gateway`, or the process title
 * OpenClaw gives itself), from /proc. Only the topmost of a family is kept for the restart; OpenClaw
 * overwrites its argv with its title, so a title alone restarts as `<its node> <entry> gateway run`.
 */
export function agentGateways(uid: number, entry?: string): AgentProcess[] {
  const all = gatewayProcesses(uid);
  const pids = new Set(all.map((p) => p.pid));
  return all
    .filter((p) => !pids.has(p.ppid))
    .map(({ ppid: _ppid, exe, ...p }) => (p.argv.some((a) => a.startsWith("/") && /openclaw(\.mjs)?$/.test(a)) || !entry ? p : { ...p, argv: [exe, entry, "gateway", "run"] }));
}

function gatewayProcesses(uid: number): (AgentProcess & { ppid: number; exe: string })[] {
  const found: (AgentProcess & { ppid: number; exe: string })[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid || uidOf(pid) !== uid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      if (!isGatewayArgv(argv)) continue;
      const env = Object.fromEntries(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter((kv) => kv.includes("=")).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
      // Only what restarts it the same way: no token or password of any kind goes into the journal.
      const kept = Object.fromEntries(Object.entries(env).filter(([k]) => /^(HOME|PATH|USER|LOGNAME|LANG|OPENCLAW_[A-Z_]+)$/.test(k) && !/TOKEN|PASSWORD|SECRET|KEY/.test(k)));
      const ppid = Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      found.push({ pid, argv, env: kept, cwd: readlinkSync(`/proc/${pid}/cwd`), ppid, exe: readlinkSync(`/proc/${pid}/exe`) });
    } catch {
      // it exited meanwhile
    }
  }
  return found;
}

export function isGatewayArgv(argv: readonly string[]): boolean {
  const words = argv.length === 1 ? argv[0]!.split(" ") : argv;
  const i = words.findIndex((a) => /(^|\/)openclaw(\.mjs)?$/.test(a) || /(^|\/)openclaw-gateway$/.test(a));
  return i >= 0 && (words[i]!.endsWith("openclaw-gateway") || words.slice(i + 1).includes("gateway"));
}

function findOpenclawEntry(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const candidate = flag ?? (env.PATH ?? "").split(":").filter(Boolean).map((d) => join(d, "openclaw")).find(existsSync);
  if (!candidate) throw new PlanError("no openclaw CLI on PATH (under sudo PATH is secure_path): pass --openclaw /path/to/openclaw");
  let entry = realpathSync(candidate);
  if (!entry.endsWith(".mjs")) {
    // a wrapper script (the e2e's `exec node openclaw.mjs`): look for the package beside it is not possible; name the entry
    const text = readFileSync(entry, "utf8").slice(0, 4000);
    const m = /'([^']*openclaw\.mjs)'|"([^"]*openclaw\.mjs)"|(\S*openclaw\.mjs)/.exec(text);
    if (!m) throw new PlanError(`${candidate} is not openclaw's openclaw.mjs: pass --openclaw /path/to/node_modules/openclaw/openclaw.mjs`);
    entry = realpathSync(m[1] ?? m[2] ?? m[3]!);
  }
  return entry;
}

/** Where openclaw's code is and what of it is copied: its own directory, or the whole node_modules its dependencies were hoisted into. */
export function openclawCopy(entry: string, hasNested: (pkgDir: string) => boolean): { copyFrom: string; entry: string } {
  const pkgDir = dirname(entry);
  const nodeModules = dirname(pkgDir);
  if (basename(nodeModules) === "node_modules" && !hasNested(pkgDir)) return { copyFrom: dirname(nodeModules), entry: `node_modules/${basename(pkgDir)}/${basename(entry)}` };
  return { copyFrom: pkgDir, entry: basename(entry) };
}

function gatherFacts(o: SeparateOptions, serviceName: string, stateDir: string): SeparateFacts {
  const passwd = readFileSync("/etc/passwd", "utf8");
  let resolved;
  try {
    resolved = resolveAgentUser(o.agentUser, o.env, passwd);
  } catch (e) {
    throw new PlanError((e as Error).message);
  }
  const agent = accountOf(passwd, resolved.name)!;
  const existing = accountOf(passwd, serviceName);
  const home = existing?.home ?? `/var/lib/${serviceName}`;
  const codeDir = o.codeDir ?? SEPARATE_DEFAULTS.codeDir;
  if (exists(codeDir)) throw new PlanError(`${codeDir} exists and no journal says this command made it; pick another --code-dir or remove it`);
  if (existing && exists(join(home, ".openclaw"))) throw new PlanError(`${home}/.openclaw exists already: ${serviceName} has a gateway state of its own; refusing to overwrite it`);
  const packageDir = dirname(dirname(realpathSync(o.cli)));
  const entry = findOpenclawEntry(o.openclaw, o.env);
  const openclaw = openclawCopy(entry, (pkgDir) => {
    const deps = Object.keys((JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {});
    return deps.every((d) => existsSync(join(pkgDir, "node_modules", d)));
  });
  const p = homePaths(agent.home);
  const read = (f: string) => {
    try {
      return readFileSync(f, "utf8");
    } catch {
      return undefined;
    }
  };
  let tokenNames: string[] = [];
  try {
    tokenNames = Object.keys((JSON.parse(read(p.tokens) ?? "{}") as { tokens?: Record<string, unknown> }).tokens ?? {});
  } catch {
    throw new PlanError(`${p.tokens} is not valid JSON; fix it first`);
  }
  const unitDir = o.unitDir ?? "/etc/systemd/system";
  const clients = CLIENTS.filter((c) => ["claude-code", "codex", "gemini"].includes(c.name))
    .filter((c) => ({ "claude-code": [".claude.json", ".claude"], codex: [".codex"], gemini: [".gemini"] })[c.name]!.some((f) => exists(join(agent.home, f))))
    .map((c) => ({
      name: c.name,
      files: c.plan({ home: agent.home, cwd: agent.home, scope: "user", node: "node", cli: o.cli, config: p.book, platform: process.platform, env: { HOME: agent.home }, remote: { url: "http://127.0.0.1/mcp", token: "x" } }, read).files.map((f) => f.path),
    }));
  // The book names the gateway's token only when it holds a copy of it.
  try {
    if (read(p.book) !== undefined) JSON5.parse(read(p.book)!);
  } catch (e) {
    throw new PlanError(`${p.book}: ${(e as Error).message}`);
  }
  return {
    agent,
    service: { name: serviceName, home, ...(existing ? { existing } : {}) },
    codeDir,
    packageDir,
    packageEntries: PACKAGE_ENTRIES.filter((e) => exists(join(packageDir, e))),
    node: realpathSync(o.node),
    openclaw,
    port: o.port ?? SEPARATE_DEFAULTS.port,
    systemd: existsSync("/run/systemd/system"),
    unitDir,
    stateDir,
    present: { openclaw: exists(p.openclaw), guardConfig: exists(p.guardConfig), guardState: exists(p.guardState), deviceCredential: exists(p.deviceCredential) },
    openclawJson: read(p.openclawJson),
    book: read(p.book),
    tokenNames,
    gateways: agentGateways(agent.uid, entry),
    clients,
    ...(o.aliases ? { aliases: o.aliases } : {}),
    gatewayToken: randomBytes(24).toString("hex"),
    unsafe: [p.openclaw, p.openclawJson, p.guardConfig, p.book, p.tokens, p.guardState].filter((path) => {
      try {
        const st = lstatSync(path);
        return st.isSymbolicLink() || st.uid !== agent.uid;
      } catch {
        return false;
      }
    }),
    existingUnits: [`${unitDir}/openclaw-gateway.service`, `${unitDir}/openclaw-guard.service`].filter(exists),
  };
}

export type { Service };
