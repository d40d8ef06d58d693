// init openclaw --separate --dry-run/--apply: the pure plan closes issue 19's holes (a)-(g) step by step,
// and the init command hands --dry-run/--apply/--undo to the executor with the flags it was given.
import { describe, expect, it } from "vitest";
import { execStartPrograms } from "../../src/setup/separation-facts.js";
import { asUser, describeOp, PlanError, planSeparate, renderPlan, rewriteBook, rewriteOpenclawJson, type Op, type SeparateFacts, type Step } from "../../src/setup/separate-plan.js";
import { accountOf, isGatewayArgv, openclawCopy, runSeparate } from "../../src/setup/separate-apply.js";
import { fixture, init } from "./init-fixture.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1001:Dev:/home/dev:/bin/bash\nopenclaw:x:998:998::/var/lib/openclaw:/usr/sbin/nologin\n";
const OPENCLAW_JSON = JSON.stringify({
  gateway: { port: 18789, auth: { mode: "token", token: "old-gateway-token" } },
  plugins: { load: { paths: ["/home/dev/src/openclaw-guard", "/opt/other-plugin"] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: "/home/dev/.config/openclaw-guard/config.json5" } } } },
  logging: { file: "/home/dev/.openclaw/gateway.log" },
});
const BOOK = "// the human's contacts\n{ openclaw: { gateway: { token: 'old-gateway-token' } }, audit: { file: '/home/dev/.local/state/openclaw-guard/audit.jsonl' }, contacts: {} }\n";

const facts = (over: Partial<SeparateFacts> = {}): SeparateFacts => ({
  agent: { name: "dev", uid: 1000, gid: 1001, home: "/home/dev" },
  service: { name: "openclaw", home: "/var/lib/openclaw" },
  codeDir: "/opt/openclaw-guard",
  packageDir: "/home/dev/src/openclaw-guard",
  packageEntries: ["package.json", "dist", "node_modules", "openclaw.plugin.json"],
  node: "/home/dev/.nvm/versions/node/v24.21.0/bin/node",
  openclaw: { copyFrom: "/home/dev/.npm-global/lib/node_modules/openclaw", entry: "openclaw.mjs" },
  port: 8787,
  systemd: false,
  unitDir: "/etc/systemd/system",
  stateDir: "/var/lib/openclaw-guard-separate/openclaw",
  present: { openclaw: true, guardConfig: true, guardState: true, deviceCredential: true },
  openclawJson: OPENCLAW_JSON,
  book: BOOK,
  tokenNames: [],
  gateways: [{ pid: 4242, argv: ["/home/dev/.nvm/versions/node/v24.21.0/bin/node", "/home/dev/.npm-global/bin/openclaw", "gateway", "run"], env: { HOME: "/home/dev", OPENCLAW_OFFLINE: "1", PATH: "/home/dev/.nvm/bin:/usr/bin" }, cwd: "/home/dev" }],
  clients: [{ name: "claude-code", files: ["/home/dev/.claude.json", "/home/dev/.claude/settings.json"] }],
  gatewayToken: "new-gateway-token-0123456789",
  existingUnits: [],
  unsafe: [],
  ...over,
});
const step = (steps: Step[], id: string) => steps.find((s) => s.id === id)!;
const ops = <K extends Op["op"]>(steps: Step[], kind: K) => steps.flatMap((s) => [...s.do, ...s.undo]).filter((o): o is Extract<Op, { op: K }> => o.op === kind);
/** Every program a step runs: the argv of each exec (behind setpriv's own options) and each service. */
const programs = (steps: Step[]) => [
  ...ops(steps, "exec").map((o) => o.argv),
  ...ops(steps, "mintToken").map((o) => o.argv),
  ...ops(steps, "doctor").map((o) => o.argv),
  ...ops(steps, "start").map((o) => o.service.argv),
].map((argv) => (argv[0] === "setpriv" ? argv.slice(argv.indexOf("--") + 1) : argv));

describe("the agent and the homes (a)", () => {
  it("as root without SUDO_USER or --agent-user: a clear error, nothing planned", async () => {
    const { home, cwd } = fixture();
    const r = await init(home, cwd, ["openclaw", "--separate", "--dry-run"], undefined, { env: { HOME: "/root", USER: "root" }, runSeparate: runSeparate as never });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be root.*--agent-user|--agent-user/);
    expect(r.stderr).toContain("Nothing was changed");
  });
  it("reads uid, gid and home from the passwd database, never $HOME", () => {
    expect(accountOf(PASSWD, "dev")).toEqual({ name: "dev", uid: 1000, gid: 1001, home: "/home/dev" });
    expect(accountOf(PASSWD, "nobody")).toBeUndefined();
    const text = JSON.stringify(planSeparate(facts()));
    expect(text).not.toContain("/root");
    expect(text).toContain("/home/dev/.openclaw");
  });
  it("refuses a service user that is the agent, root, or shares its uid, and homes or code inside the agent's home", () => {
    expect(() => planSeparate(facts({ service: { name: "dev", home: "/var/lib/dev" } }))).toThrow(PlanError);
    expect(() => planSeparate(facts({ service: { name: "x", home: "/var/lib/x", existing: { name: "x", uid: 0, gid: 0, home: "/" } } }))).toThrow(/root/);
    expect(() => planSeparate(facts({ service: { name: "x", home: "/var/lib/x", existing: { name: "x", uid: 1000, gid: 5, home: "/var/lib/x" } } }))).toThrow(/uid/);
    expect(() => planSeparate(facts({ codeDir: "/home/dev/opt" }))).toThrow(/inside the agent's home/);
    expect(() => planSeparate(facts({ service: { name: "openclaw", home: "/home/dev/svc" } }))).toThrow(/inside the agent's home/);
  });
  it("refuses without an OpenClaw state to move, and over units it did not write", () => {
    expect(() => planSeparate(facts({ openclawJson: undefined }))).toThrow(/openclaw.json not found/);
    expect(() => planSeparate(facts({ existingUnits: ["/etc/systemd/system/openclaw-gateway.service"] }))).toThrow(/already exist/);
  });
  it("refuses a symlinked or foreign ~/.openclaw or book (root would copy what it points at to the service user)", () => {
    expect(() => planSeparate(facts({ unsafe: ["/home/dev/.openclaw"] }))).toThrow(/\/home\/dev\/.openclaw: a symlink, or not owned by dev/);
    expect(() => planSeparate(facts({ unsafe: [] }))).not.toThrow();
  });
  it("creates the service user only when it does not exist, and undoes only what it created", () => {
    const created = step(planSeparate(facts()), "service-user");
    expect(created.do[0]).toEqual({ op: "exec", argv: ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/var/lib/openclaw", "--shell", "/usr/sbin/nologin", "openclaw"] });
    expect(created.undo).toContainEqual({ op: "exec", argv: ["userdel", "openclaw"] });
    const used = step(planSeparate(facts({ service: { name: "openclaw", home: "/var/lib/openclaw", existing: { name: "openclaw", uid: 998, gid: 998, home: "/var/lib/openclaw" } } })), "service-user");
    expect(JSON.stringify(used)).not.toContain("useradd");
    expect(used.undo).toEqual([]);
  });
});

describe("what runs as whom (b, f, g)", () => {
  it("no step and no unit runs a program under the agent's home: node and openclaw are pinned root-owned in the code dir (b)", () => {
    const steps = planSeparate(facts());
    const code = step(steps, "code");
    expect(code.do).toContainEqual({ op: "exec", argv: ["install", "-m", "0755", "-o", "root", "-g", "root", "/home/dev/.nvm/versions/node/v24.21.0/bin/node", "/opt/openclaw-guard/bin/node"] });
    expect(code.do.at(-2)).toEqual({ op: "exec", argv: ["chown", "-R", "root:root", "/opt/openclaw-guard"] });
    expect(code.do.at(-1)).toEqual({ op: "exec", argv: ["chmod", "-R", "go-w", "/opt/openclaw-guard"] });
    // The agent's own gateway is restarted by --undo exactly as it ran before: that is the same-user layout, not a unit.
    const outside = programs(steps).filter((argv) => argv[0]!.startsWith("/home/dev"));
    expect(outside).toEqual([]);
    for (const s of ops(steps, "start")) for (const word of s.service.argv.slice(0, 2)) expect(word.startsWith("/opt/openclaw-guard/")).toBe(true);
  });
  it("hoisted openclaw installs copy the node_modules they need; a global one copies its own directory", () => {
    expect(openclawCopy("/srv/oc/node_modules/openclaw/openclaw.mjs", () => false)).toEqual({ copyFrom: "/srv/oc", entry: "node_modules/openclaw/openclaw.mjs" });
    expect(openclawCopy("/usr/lib/node_modules/openclaw/openclaw.mjs", () => true)).toEqual({ copyFrom: "/usr/lib/node_modules/openclaw", entry: "openclaw.mjs" });
  });
  it("system units with User=, NoNewPrivileges, ProtectHome, UMask=0077, whose ExecStart doctor reads back (f, g)", () => {
    const steps = planSeparate(facts());
    const units = ops(steps, "write").filter((w) => w.path.startsWith("/etc/systemd/system/"));
    expect(units.map((u) => u.path)).toEqual(["/etc/systemd/system/openclaw-gateway.service", "/etc/systemd/system/openclaw-guard.service"]);
    for (const u of units) {
      for (const line of ["User=openclaw", "Group=openclaw", "NoNewPrivileges=yes", "ProtectHome=yes", "UMask=0077", "Environment=HOME=/var/lib/openclaw", "WantedBy=multi-user.target"]) expect(u.text).toContain(line);
      expect(u.owner).toBe("root");
      expect(u.text).not.toContain("/home/dev");
      // doctor's unit check (separation-facts.ts) sees exactly the root-owned programs
      expect(execStartPrograms(u.text).every((p) => p.startsWith("/opt/openclaw-guard/"))).toBe(true);
    }
    expect(execStartPrograms(units[0]!.text)).toEqual(["/opt/openclaw-guard/bin/node", "/opt/openclaw-guard/openclaw/openclaw.mjs"]);
    expect(units[1]!.text).toContain("ExecStart=/opt/openclaw-guard/bin/node /opt/openclaw-guard/dist/cli.js serve --http --host 127.0.0.1 --port 8787");
    // the gateway's harmless flags go along, its PATH and HOME do not
    expect(units[0]!.text).toContain("Environment=OPENCLAW_OFFLINE=1");
    expect(units[0]!.text).not.toContain(".nvm");
  });
  it("without systemd the same argv starts as the service user under setpriv --no-new-privs; with it, systemctl", () => {
    const none = ops(planSeparate(facts()), "start");
    expect(none.map((s) => s.systemd)).toEqual([false, false]);
    expect(describeOp(none[0]!)).toContain(`setpriv --reuid=openclaw --regid=openclaw --init-groups --no-new-privs -- /opt/openclaw-guard/bin/node /opt/openclaw-guard/openclaw/openclaw.mjs gateway run`);
    const withSystemd = planSeparate(facts({ systemd: true }));
    expect(describeOp(ops(withSystemd, "start")[0]!)).toBe("systemctl enable --now openclaw-gateway.service");
    expect(ops(withSystemd, "exec").map((o) => o.argv.join(" "))).toContain("systemctl daemon-reload");
    expect(asUser("dev", ["id"])).toEqual(["setpriv", "--reuid=dev", "--regid=dev", "--init-groups", "--no-new-privs", "--", "id"]);
  });
});

describe("the agent's state leaves its home (c, d, e)", () => {
  it("stops the agent's gateway before copying its state, and --undo starts it again as before (e)", () => {
    const steps = planSeparate(facts());
    const ids = steps.map((s) => s.id);
    expect(ids.indexOf("stop-agent-gateway")).toBeLessThan(ids.indexOf("copy-state"));
    expect(ids.indexOf("copy-state")).toBeLessThan(ids.indexOf("start-gateway"));
    const stop = step(steps, "stop-agent-gateway");
    expect(stop.do).toContainEqual({ op: "stopProcesses", uid: 1000, processes: facts().gateways, port: 18789 });
    expect(stop.undo).toEqual([{ op: "startAgent", account: facts().agent, process: facts().gateways[0], port: 18789 }]);
    expect(ops(planSeparate(facts({ systemd: true })), "exec").map((o) => o.argv.join(" "))).toContain("systemctl --user -M dev@ stop openclaw-gateway.service");
  });
  it("copies with 0700/0600 under the service user, then backs the originals up root-only and moves them out (c, e)", () => {
    const steps = planSeparate(facts());
    const copy = JSON.stringify(step(steps, "copy-state").do);
    expect(copy).toContain('"chmod","-R","go-rwx","/var/lib/openclaw/.openclaw"');
    expect(copy).toContain('"chown","-R","openclaw:openclaw","/var/lib/openclaw/.config/openclaw-guard"');
    const move = step(steps, "move-originals");
    expect(move.do[0]).toEqual({ op: "exec", argv: ["install", "-d", "-m", "0700", "-o", "root", "-g", "root", "/var/lib/openclaw-guard-separate/openclaw", "/var/lib/openclaw-guard-separate/openclaw/backup"] });
    expect(move.do.slice(1)).toEqual([
      { op: "move", from: "/home/dev/.openclaw", to: "/var/lib/openclaw-guard-separate/openclaw/backup/openclaw" },
      { op: "move", from: "/home/dev/.config/openclaw-guard", to: "/var/lib/openclaw-guard-separate/openclaw/backup/config-openclaw-guard" },
      // the guard's state, and with it the paired device credential gateway-device.json (c)
      { op: "move", from: "/home/dev/.local/state/openclaw-guard", to: "/var/lib/openclaw-guard-separate/openclaw/backup/state-openclaw-guard" },
    ]);
    expect(move.title).toContain("gateway-device.json");
    expect(move.undo).toEqual(move.do.slice(1).map((m) => ({ ...m, from: (m as { to: string }).to, to: (m as { from: string }).from })).reverse().reverse());
  });
  it("the last check, after the agent-side init, looks for the secret files themselves (c, e)", () => {
    const steps = planSeparate(facts());
    expect(steps.map((s) => s.id).slice(-3)).toEqual(["clients", "doctor", "agent-home-clean"]);
    expect(step(steps, "agent-home-clean").do).toEqual([
      {
        op: "absent",
        paths: [
          "/home/dev/.openclaw",
          "/home/dev/.openclaw/openclaw.json",
          "/home/dev/.config/openclaw-guard/config.json5",
          "/home/dev/.config/openclaw-guard/tokens.json",
          "/home/dev/.local/state/openclaw-guard/gateway-device.json",
          "/home/dev/.local/state/openclaw-guard/audit.jsonl",
        ],
      },
    ]);
  });
  it("rewrites plugins.load.paths to the root-owned code dir, the plugin's book and a new gateway token (d)", () => {
    const out = JSON.parse(rewriteOpenclawJson(OPENCLAW_JSON, "/home/dev", "/var/lib/openclaw", "/opt/openclaw-guard", "NEW", "/home/dev/src/openclaw-guard"));
    expect(out.plugins.load.paths).toEqual(["/opt/other-plugin", "/opt/openclaw-guard"]);
    expect(out.plugins.entries["openclaw-guard"].config.configPath).toBe("/var/lib/openclaw/.config/openclaw-guard/config.json5");
    expect(out.gateway.auth).toEqual({ mode: "token", token: "NEW" });
    expect(out.logging.file).toBe("/var/lib/openclaw/.openclaw/gateway.log");
    // the checkout outside the agent's home is dropped too: the gateway loads only the installed copy
    const elsewhere = JSON.stringify({ plugins: { load: { paths: ["/srv/checkout/openclaw-guard/"] } } });
    expect(JSON.parse(rewriteOpenclawJson(elsewhere, "/home/dev", "/var/lib/openclaw", "/opt/openclaw-guard", "NEW", "/srv/checkout/openclaw-guard")).plugins.load.paths).toEqual(["/opt/openclaw-guard"]);
  });
  it("refuses an openclaw.json or book that would still name a file the agent can write (d)", () => {
    const hostile = JSON.stringify({ plugins: { load: { paths: [] } }, hooks: { transformsDir: "/home/dev/hooks" } });
    expect(() => rewriteOpenclawJson(hostile, "/home/dev", "/var/lib/openclaw", "/opt/openclaw-guard", "NEW", "/x")).toThrow(/\/home\/dev\/hooks/);
    expect(() => planSeparate(facts({ openclawJson: hostile }))).toThrow(PlanError);
    expect(() => rewriteBook("{ audit: { file: '/home/dev/audit.jsonl' } }", "/home/dev", "/var/lib/openclaw", undefined, "NEW")).toThrow(/still names/);
  });
  it("the book keeps its comments; its paths and its copy of the old gateway token follow", () => {
    const out = rewriteBook(BOOK, "/home/dev", "/var/lib/openclaw", "old-gateway-token", "NEW");
    expect(out).toContain("// the human's contacts");
    expect(out).toContain("token: 'NEW'");
    expect(out).toContain("/var/lib/openclaw/.local/state/openclaw-guard/audit.jsonl");
    expect(out).not.toContain("old-gateway-token");
  });
});

describe("the token and the clients", () => {
  it("mints the agent's token as the service user (all aliases unless told) and passes it to init --remote in the environment only", () => {
    const steps = planSeparate(facts({ tokenNames: ["dev"] }));
    const clients = step(steps, "clients");
    const mint = clients.do.find((o) => o.op === "mintToken")!;
    expect(mint).toMatchObject({ argv: asUser("openclaw", ["/opt/openclaw-guard/bin/node", "/opt/openclaw-guard/dist/cli.js", "token", "add", "dev-2"]) });
    const inits = clients.do.filter((o) => o.op === "exec");
    // serve --http refuses to start without a token: it starts after the mint, before the clients are pointed at it
    expect(clients.do.map((o) => o.op)).toEqual(["snapshot", "mintToken", "start", "exec"]);
    expect(clients.undo.map((o) => o.op)).toEqual(["restore", "stop", "exec"]);
    expect(inits).toEqual([{ op: "exec", argv: asUser("dev", ["/opt/openclaw-guard/bin/node", "/opt/openclaw-guard/dist/cli.js", "init", "claude-code", "--remote", "http://127.0.0.1:8787/mcp"]), env: expect.objectContaining({ HOME: "/home/dev" }), cwd: "/home/dev", tokenEnv: "OPENCLAW_GUARD_TOKEN" }]);
    expect(JSON.stringify(inits)).not.toContain("ocg_");
    expect(clients.do[0]).toEqual({ op: "snapshot", key: "clients", paths: ["/home/dev/.claude.json", "/home/dev/.claude/settings.json"] });
    expect(clients.undo[0]).toEqual({ op: "restore", key: "clients" });
    expect(JSON.stringify(step(planSeparate(facts({ aliases: "ops,boss" })), "clients"))).toContain('"--aliases","ops,boss"');
  });
  it("the dry run lists every step with its undo, and prints no secret", () => {
    const text = renderPlan(planSeparate(facts()), "header");
    for (const id of ["service-user", "code", "stop-agent-gateway", "copy-state", "rewrite-config", "units", "start-gateway", "move-originals", "clients", "doctor", "agent-home-clean"]) expect(text).toContain(`[${id}]`);
    expect(text).toContain("undo:");
    expect(text).not.toContain("new-gateway-token");
    expect(text).not.toContain("old-gateway-token");
  });
  it("knows the agent's gateway from its command line, and nothing else", () => {
    expect(isGatewayArgv(["/usr/bin/node", "/x/node_modules/openclaw/openclaw.mjs", "gateway", "run"])).toBe(true);
    expect(isGatewayArgv(["openclaw-gateway"])).toBe(true);
    expect(isGatewayArgv(["openclaw gateway run"])).toBe(true);
    expect(isGatewayArgv(["/usr/bin/node", "/x/openclaw.mjs", "message", "send"])).toBe(false);
    expect(isGatewayArgv(["vim", "gateway", "openclaw.json"])).toBe(false);
  });
});

describe("init hands the mode and flags to the executor", () => {
  it("--dry-run, --apply and --undo with their flags; refused elsewhere or together", async () => {
    const { home, cwd } = fixture();
    const seen: unknown[] = [];
    const runSep = async (o: object) => (seen.push(o), 0);
    const r = await init(home, cwd, ["openclaw", "--separate", "--apply", "--agent-user", "dev", "--service-user", "ocsvc", "--code-dir", "/opt/x/", "--port", "9000", "--aliases", "ops"], undefined, { runSeparate: runSep as never });
    expect(r.code).toBe(0);
    expect(seen[0]).toMatchObject({ mode: "apply", agentUser: "dev", serviceUser: "ocsvc", codeDir: "/opt/x", port: 9000, aliases: "ops" });
    await init(home, cwd, ["openclaw", "--separate", "--undo", "--service-user", "ocsvc"], undefined, { runSeparate: runSep as never });
    expect(seen[1]).toMatchObject({ mode: "undo", serviceUser: "ocsvc" });
    await expect(init(home, cwd, ["openclaw", "--separate", "--apply", "--undo"], undefined, { runSeparate: runSep as never })).rejects.toThrow(/one of/);
    await expect(init(home, cwd, ["claude-code", "--apply"], undefined, { runSeparate: runSep as never })).rejects.toThrow(/--separate only/);
    await expect(init(home, cwd, ["openclaw", "--separate", "--apply", "--port", "x"], undefined, { runSeparate: runSep as never })).rejects.toThrow(/TCP port/);
    await expect(init(home, cwd, ["openclaw", "--separate", "--apply", "--code-dir", "rel"], undefined, { runSeparate: runSep as never })).rejects.toThrow(/absolute/);
    expect(seen).toHaveLength(2);
  });
  it("--apply as a normal user changes nothing and says to use root", async () => {
    if (process.getuid?.() === 0) return;
    const lines: string[] = [];
    const code = await runSeparate({ mode: "apply", env: {}, cli: "/x/dist/cli.js", node: "/usr/bin/node", out: (t) => lines.push(t), err: (t) => lines.push(t), stateRoot: "/nonexistent" });
    expect(code).toBe(1);
    expect(lines.join("")).toMatch(/run it as root/);
  });
});
