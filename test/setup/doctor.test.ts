// doctor end to end in-process: a fixture HOME per test with crafted openclaw-guard and OpenClaw
// configs, Claude Code settings, shims and shells; the gateway and (where it matters) the file reader
// are injected. Process-level runs of the built CLI are in doctor-command.test.ts.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createStore, verifyAuditLog } from "../../src/audit/store.js";
import type { Connect } from "../../src/gateway/gateway-transport.js";
import { DEFAULT_ALLOW_LIST } from "../../src/guard/openclaw-policy.js";
import { installShims } from "../../src/guard/shim.js";
import { realDoctorIO, type DoctorIO } from "../../src/setup/doctor-io.js";
import { formatHuman, type Check, type DoctorReport } from "../../src/setup/doctor-report.js";
import { runDoctor } from "../../src/setup/doctor.js";
import { privateDir, REPO_ROOT } from "../helpers.js";
import { init } from "./init-fixture.js";

const ALICE = "+27821234567";
const BOB = "+447911123456";
const TOKEN = "gw-token-9b74c9897bac770ffc029102a200c5de";

const BOOK = `{
  openclaw: { transport: "gateway" },
  contacts: {
    alice: { channel: "whatsapp", target: "${ALICE}" },
    bob: { channel: "whatsapp", target: "${BOB}" },
    ops: { channel: "telegram", target: "-1001234567890" },
  },
}`;

const okConnect: Connect = async () => ({ request: async () => ({ ok: true }) as never, stop() {} });

type Fixture = { home: string; env: NodeJS.ProcessEnv; io: DoctorIO; write(rel: string, text: string, mode?: number): string };

function fixture(options: { book?: string; openclaw?: string; io?: Partial<DoctorIO>; env?: NodeJS.ProcessEnv } = {}): Fixture {
  const home = privateDir();
  const env: NodeJS.ProcessEnv = { HOME: home, PATH: "/usr/bin:/bin", ...options.env };
  const write = (rel: string, text: string, mode = 0o600) => {
    const file = join(home, rel);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, text, { mode });
    chmodSync(file, mode);
    return file;
  };
  write(".config/openclaw-guard/config.json5", options.book ?? BOOK);
  if (options.openclaw !== undefined) write(".openclaw/openclaw.json", options.openclaw);
  mkdirSync(join(home, "project"), { recursive: true });
  const io: DoctorIO = { ...realDoctorIO(env), cwd: join(home, "project"), managedSettingsDir: join(home, "managed"), shells: [], connect: okConnect, ...options.io };
  return { home, env, io, write };
}

const get = (report: DoctorReport, id: string): Check => {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} in:\n${formatHuman(report)}`);
  return found;
};

const whatsappConfig = (whatsapp: string) => `{ gateway: { auth: { mode: "token", token: "${TOKEN}" } }, channels: { whatsapp: ${whatsapp} } }`;

describe("doctor: WhatsApp allowFrom in the real openclaw.json", () => {
  it('fails on allowFrom ["*"]: the gateway allows any recipient', async () => {
    const report = await runDoctor(fixture({ openclaw: whatsappConfig(`{ dmPolicy: "open", allowFrom: ["*"] }`) }).io);
    expect(get(report, "openclaw.whatsapp")).toMatchObject({ status: "fail", summary: expect.stringContaining("the gateway allows any recipient") });
    expect(get(report, "openclaw.whatsapp").fix).toContain("channels.whatsapp.allowFrom");
    expect(report.ok).toBe(false);
  });

  it("fails on an empty or missing allowFrom", async () => {
    for (const ws of [`{ allowFrom: [] }`, `{ dmPolicy: "allowlist" }`]) {
      const report = await runDoctor(fixture({ openclaw: whatsappConfig(ws) }).io);
      expect(get(report, "openclaw.whatsapp")).toMatchObject({ status: "fail", summary: expect.stringMatching(/is (empty|not set).*allows any recipient/) });
    }
  });

  it("warns about a contact missing from allowFrom, naming it with a masked number only", async () => {
    const report = await runDoctor(fixture({ openclaw: whatsappConfig(`{ dmPolicy: "allowlist", allowFrom: ["${ALICE}", "+15550001111"] }`) }).io);
    const check = get(report, "openclaw.whatsapp");
    expect(check.status).toBe("warn");
    expect(check.summary).toContain("lacks 1 of 2 WhatsApp contacts: bob (+44••••••3456)");
    expect(check.summary).toContain("the gateway would reject sends to it");
    const all = JSON.stringify(report) + formatHuman(report);
    for (const secret of [ALICE, BOB, "447911123456", "+15550001111", TOKEN]) expect(all).not.toContain(secret);
  });

  it("reads JSON5 with comments, unquoted keys, trailing commas, and numbers written the way people write them", async () => {
    const openclaw = `// OpenClaw config, hand-edited
{
  /* the gateway */ gateway: { port: 18789, auth: { mode: "token", token: "${TOKEN}", }, },
  channels: {
    whatsapp: {
      dmPolicy: 'allowlist',
      allowFrom: [
        "+27 82 123 4567",      // alice, with spaces
        "whatsapp:+44 (7911) 123-456",
        27829990000,            // a bare number
      ],
    },
    telegram: { enabled: true, botToken: "123456:SECRET-BOT-TOKEN" },
  },
}`;
    const report = await runDoctor(fixture({ openclaw }).io);
    expect(get(report, "openclaw.config")).toMatchObject({ status: "ok" });
    const ws = get(report, "openclaw.whatsapp");
    expect(ws).toMatchObject({ status: "ok" });
    expect(ws.summary).toContain("3 numbers, all 2 WhatsApp contacts included (dmPolicy allowlist)");
    expect(ws.summary).toContain("1 number in it is not a contact of ours");
    expect(get(report, "openclaw.ungated-channels").summary).toContain("telegram (1 contact)");
    expect(get(report, "openclaw.ungated-channels").summary).toContain("WhatsApp groups and newsletters");
    expect(JSON.stringify(report)).not.toMatch(/SECRET-BOT-TOKEN|27829990000|gw-token/);
  });

  it("reports an unreadable openclaw.json as a warning, without WhatsApp verdicts (EACCES from the reader)", async () => {
    const f = fixture({ openclaw: whatsappConfig(`{ allowFrom: ["*"] }`) });
    const denied = (path: string) => {
      if (path.endsWith("openclaw.json")) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      return f.io.readFile(path);
    };
    const report = await runDoctor({ ...f.io, readFile: denied, canRead: (p) => !p.includes(".openclaw") });
    expect(get(report, "openclaw.config")).toMatchObject({ status: "warn", summary: expect.stringContaining("(EACCES)") });
    expect(report.checks.find((c) => c.id.startsWith("openclaw.whatsapp"))).toBeUndefined();
    expect(get(report, "exposure.openclaw-state")).toMatchObject({ status: "ok", summary: expect.stringContaining("is not readable by") });
  });

  it("fails on openclaw.json that is not valid JSON5", async () => {
    const report = await runDoctor(fixture({ openclaw: `{ channels: { whatsapp: { allowFrom: [ } }` }).io);
    expect(get(report, "openclaw.config")).toMatchObject({ status: "fail", summary: expect.stringContaining("not valid JSON5") });
  });

  it("honours OPENCLAW_CONFIG_PATH and OPENCLAW_HOME", async () => {
    const home = privateDir();
    const other = join(home, "elsewhere.json5");
    writeFileSync(other, whatsappConfig(`{ allowFrom: ["*"] }`));
    let report = await runDoctor(fixture({ env: { OPENCLAW_CONFIG_PATH: other } }).io);
    expect(get(report, "openclaw.whatsapp")).toMatchObject({ status: "fail" });
    expect(get(report, "openclaw.config").summary).toContain(other);

    mkdirSync(join(home, ".openclaw"));
    writeFileSync(join(home, ".openclaw", "openclaw.json"), whatsappConfig(`{ allowFrom: ["${ALICE}", "${BOB}"] }`));
    report = await runDoctor(fixture({ env: { OPENCLAW_HOME: home } }).io);
    expect(get(report, "openclaw.whatsapp")).toMatchObject({ status: "ok" });
  });

  it("checks each WhatsApp account, with its own or the inherited allowFrom", async () => {
    const book = `{ openclaw: { transport: "gateway" }, contacts: {
      alice: { channel: "whatsapp", target: "${ALICE}", account: "work" },
      bob: { channel: "whatsapp", target: "${BOB}", account: "home" },
      carol: { channel: "whatsapp", target: "+27830000001", account: "gone" },
      team: { channel: "whatsapp", target: "120363025246125486@g.us", account: "work" },
    } }`;
    const openclaw = `{ channels: { whatsapp: { allowFrom: ["*"], accounts: { work: { allowFrom: ["${ALICE}"] }, home: {} } } } }`;
    const report = await runDoctor(fixture({ book, openclaw }).io);
    expect(get(report, "openclaw.whatsapp.work")).toMatchObject({ status: "ok" });
    expect(get(report, "openclaw.whatsapp.home")).toMatchObject({ status: "fail", summary: expect.stringContaining('channels.whatsapp.allowFrom is "*"') });
    expect(get(report, "openclaw.whatsapp.accounts")).toMatchObject({ status: "warn", summary: expect.stringContaining("carol (account gone)") });
    expect(get(report, "openclaw.ungated-channels").summary).toContain("WhatsApp groups and newsletters (1 contact)");
  });

  it("says so when WhatsApp contacts exist but openclaw.json has no WhatsApp section", async () => {
    const report = await runDoctor(fixture({ openclaw: `{ channels: { telegram: { botToken: "x" } } }` }).io);
    expect(get(report, "openclaw.whatsapp")).toMatchObject({ status: "warn", summary: expect.stringContaining("not configured in openclaw.json, but 2 contacts use it") });
  });

  it("reports that no outbound allowlist exists, and an allowTo key as ignored", async () => {
    let report = await runDoctor(fixture({ openclaw: whatsappConfig(`{ allowFrom: ["${ALICE}", "${BOB}"] }`) }).io);
    expect(get(report, "openclaw.outbound-allowlist")).toMatchObject({ status: "note", summary: expect.stringContaining("no outbound allowlist") });
    report = await runDoctor(fixture({ openclaw: `{ channels: { telegram: { allowTo: ["1"] } } }` }).io);
    expect(get(report, "openclaw.outbound-allowlist").summary).toContain("sets channels.telegram.allowTo, but this openclaw has no outbound allowlist: it is ignored");
  });
});

describe("doctor: the openclaw-guard config and its state", () => {
  it("fails on a config writable by others, with the chmod fix", async () => {
    const f = fixture();
    chmodSync(join(f.home, ".config/openclaw-guard/config.json5"), 0o666);
    const report = await runDoctor(f.io);
    expect(get(report, "config.file")).toMatchObject({ status: "fail", summary: expect.stringContaining("writable by other users"), fix: expect.stringContaining("chmod go-w") });
  });

  it("fails on an invalid config, naming the line, and still checks the other layers", async () => {
    const report = await runDoctor(fixture({ book: `{\n  contacts: { alice: { channel: "whatsapp", target: "0821234567" } },\n}` }).io);
    expect(get(report, "config.file")).toMatchObject({ status: "fail", summary: expect.stringMatching(/config\.json5:2: the target of "alice"/) });
    expect(get(report, "transport.gateway").status).toBe("ok");
    expect(JSON.stringify(report)).not.toContain("0821234567");
    // Even when the gateway's error text echoes a number from a config that did not validate.
    const echo: Connect = async () => {
      throw Object.assign(new Error("refused 0821234567"), { code: "EX" });
    };
    const again = await runDoctor(fixture({ book: `{ contacts: { alice: { channel: "whatsapp", target: "0821234567" } }, oops: 1 }`, io: { connect: echo } }).io);
    expect(get(again, "transport.gateway").summary).toContain("refused ***");
  });

  it("checks the audit chain: intact is ok, an edited record fails", async () => {
    const f = fixture();
    const file = join(f.home, ".local/state/openclaw-guard/audit.jsonl");
    const store = createStore(file);
    await store.record({ event: "attempt", to: "alice" }, { event: "outcome", status: "sent" });
    let report = await runDoctor(f.io);
    expect(get(report, "config.audit-chain")).toMatchObject({ status: "ok", summary: expect.stringContaining("intact, 2 records") });
    expect(get(report, "config.state-dir")).toMatchObject({ status: "ok" });

    const { readFileSync } = await import("node:fs");
    writeFileSync(file, readFileSync(file, "utf8").replace('"sent"', '"failed"'));
    report = await runDoctor(f.io);
    expect(get(report, "config.audit-chain")).toMatchObject({ status: "fail", summary: expect.stringContaining("broken at line 2") });
  });

  it("fails on a moved-away log, telling the human how to acknowledge it; passes once acknowledged", async () => {
    const f = fixture();
    const file = join(f.home, ".local/state/openclaw-guard/audit.jsonl");
    const store = createStore(file);
    await store.record({ event: "attempt", to: "alice" }, { event: "outcome", status: "sent" });
    renameSync(file, `${file}.moved`);
    let report = await runDoctor(f.io);
    expect(get(report, "config.audit-chain")).toMatchObject({ status: "fail", summary: expect.stringContaining("there is no audit log") });

    await store.record({ event: "attempt", to: "alice" });
    report = await runDoctor(f.io);
    expect(get(report, "config.audit-chain")).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("records a discontinuity: the log was missing"),
      fix: expect.stringContaining(`openclaw-guard audit ack --file ${JSON.stringify(file)}`),
    });
    expect(report.ok).toBe(false);

    const open = verifyAuditLog(file, undefined, { readFile: (p) => readFileSync(p, "utf8"), readDir: readdirSync });
    await store.record({ event: "ack", acknowledges: open.ok ? [] : open.resets });
    report = await runDoctor(f.io);
    expect(get(report, "config.audit-chain")).toMatchObject({ status: "ok", summary: expect.stringContaining("1 acknowledged reset") });
  });

  it("fails on a state directory others can write, warns on one they can read", async () => {
    const f = fixture();
    const dir = join(f.home, ".local/state/openclaw-guard");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    expect(get(await runDoctor(f.io), "config.state-dir")).toMatchObject({ status: "fail", fix: expect.stringContaining("chmod 700") });
    chmodSync(dir, 0o755);
    expect(get(await runDoctor(f.io), "config.state-dir")).toMatchObject({ status: "warn" });
  });
});

describe("doctor: the transport", () => {
  const fakeCli = (f: Fixture, body: string) => f.write("bin/openclaw", `#!/bin/sh\n${body}\n`, 0o755);

  it("reads the version from openclaw.bin and accepts a working CLI", async () => {
    const f = fixture();
    const bin = fakeCli(f, `echo "OpenClaw 2026.9.6 (eb377ac)"`);
    f.write(".config/openclaw-guard/config.json5", BOOK.replace(`transport: "gateway"`, `transport: "cli", bin: "${bin}"`));
    const report = await runDoctor(f.io);
    expect(get(report, "openclaw.version")).toMatchObject({ status: "ok", summary: expect.stringContaining("openclaw 2026.9.6") });
    expect(get(report, "transport.cli")).toMatchObject({ status: "ok" });
  });

  it("fails when openclaw.bin is a shim (and never runs it), missing, or refuses this Node", async () => {
    const f = fixture();
    mkdirSync(join(f.home, "shims"));
    const [shim] = installShims(join(f.home, "shims"), DEFAULT_ALLOW_LIST);
    f.write(".config/openclaw-guard/config.json5", BOOK.replace(`transport: "gateway"`, `transport: "cli", bin: "${shim}"`));
    const ran: string[] = [];
    const io = { ...f.io, run: async (file: string, args: readonly string[], o: Parameters<DoctorIO["run"]>[2]) => (ran.push(file), f.io.run(file, args, o)) };
    expect(get(await runDoctor(io), "transport.cli")).toMatchObject({ status: "fail", summary: expect.stringContaining("is an openclaw-guard shim") });
    expect(ran).not.toContain(shim);

    f.write(".config/openclaw-guard/config.json5", BOOK.replace(`transport: "gateway"`, `transport: "cli", bin: "${f.home}/nope/openclaw"`));
    expect(get(await runDoctor(f.io), "transport.cli")).toMatchObject({ status: "fail", summary: expect.stringContaining("does not exist") });

    const old = fakeCli(f, `echo "openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+ or a build with the fix." >&2; exit 1`);
    f.write(".config/openclaw-guard/config.json5", BOOK.replace(`transport: "gateway"`, `transport: "cli", bin: "${old}"`));
    const report = await runDoctor(f.io);
    expect(get(report, "transport.cli")).toMatchObject({ status: "fail", summary: expect.stringContaining("refuses the Node it runs under"), fix: expect.stringContaining("Node >=24.16") });
  });

  it("reports a rejected token without printing it, even when the gateway's error text contains it", async () => {
    const reject: Connect = async () => {
      throw Object.assign(new Error(`unauthorized: gateway token mismatch (got ${TOKEN})`), { name: "GatewayClientRequestError", gatewayCode: "INVALID_REQUEST", details: { code: "AUTH_TOKEN_MISMATCH" } });
    };
    const f = fixture({ openclaw: `{ gateway: { auth: { token: "${TOKEN}" } } }`, io: { connect: reject } });
    const report = await runDoctor(f.io);
    expect(get(report, "transport.gateway")).toMatchObject({ status: "fail", summary: expect.stringContaining("rejected the credentials from") });
    expect(JSON.stringify(report) + formatHuman(report)).not.toContain(TOKEN);
  });

  it("fails when the gateway is unreachable, or when health is refused", async () => {
    const down: Connect = async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:18789"), { code: "ECONNREFUSED" });
    };
    expect(get(await runDoctor(fixture({ io: { connect: down } }).io), "transport.gateway")).toMatchObject({ status: "fail", summary: expect.stringContaining("is not reachable: connect ECONNREFUSED") });
    const noHealth: Connect = async () => ({
      request: async () => {
        throw Object.assign(new Error("unknown method: health"), { name: "GatewayClientRequestError", gatewayCode: "INVALID_REQUEST" });
      },
      stop() {},
    });
    expect(get(await runDoctor(fixture({ io: { connect: noHealth } }).io), "transport.gateway")).toMatchObject({ status: "fail", summary: expect.stringContaining("health failed (INVALID_REQUEST)") });
  });

  it("does not contact the gateway in dry-run", async () => {
    let called = false;
    const f = fixture({ book: BOOK.replace(`"gateway"`, `"dry-run"`), io: { connect: async () => ((called = true), okConnect({} as never)) } });
    expect(get(await runDoctor(f.io), "transport.gateway")).toMatchObject({ status: "warn", summary: expect.stringContaining("dry-run") });
    expect(called).toBe(false);
  });
});

describe("doctor: the Claude Code hook and deny rules", () => {
  const hookEntry = (command: string, extra: Record<string, unknown> = { onFailure: "block" }, matcher = "Bash|Write|Edit|MultiEdit") =>
    JSON.stringify({ permissions: { deny: ["Bash(openclaw message *)"] }, hooks: { PreToolUse: [{ matcher, hooks: [{ type: "command", command, timeout: 10, ...extra }] }] } });
  const denyingHook = (f: Fixture) => f.write("bin/hook", `#!/bin/sh\ncat >/dev/null\necho "openclaw-guard: refused" >&2\nexit 2\n`, 0o755);

  it("accepts a hook in user settings with onFailure block, and runs the canary (exit 2)", async () => {
    const f = fixture();
    const hook = denyingHook(f);
    f.write(".claude/settings.json", hookEntry(`${hook} hook claude-code`));
    const report = await runDoctor(f.io);
    expect(get(report, "guard.hook")).toMatchObject({ status: "ok", summary: expect.stringContaining("user settings") });
    expect(get(report, "guard.deny-rules")).toMatchObject({ status: "ok" });
    expect(get(report, "guard.hook-canary")).toMatchObject({ status: "ok" });
  });

  it("hands the canary the PreToolUse JSON on stdin", async () => {
    const f = fixture();
    const seen = join(f.home, "stdin.json");
    const hook = f.write("bin/hook", `#!/bin/sh\ncat > ${seen}\nexit 2\n`, 0o755);
    f.write(".claude/settings.json", hookEntry(`${hook} hook claude-code`));
    await runDoctor(f.io);
    const { readFileSync } = await import("node:fs");
    expect(JSON.parse(readFileSync(seen, "utf8"))).toMatchObject({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command: "openclaw message send --target +15550000000 --message doctor-canary" } });
  });

  it("fails when the hook is missing, lacks onFailure block, or lets the canary through", async () => {
    const f = fixture();
    mkdirSync(join(f.home, ".claude"));
    expect(get(await runDoctor(f.io), "guard.hook")).toMatchObject({ status: "fail", fix: expect.stringContaining("init claude-code") });

    f.write(".claude/settings.json", hookEntry(`${denyingHook(f)} hook claude-code`, {}));
    expect(get(await runDoctor(f.io), "guard.hook")).toMatchObject({ status: "fail", summary: expect.stringContaining('no onFailure: "block"') });

    f.write(".claude/settings.json", hookEntry(`${f.write("bin/allow", "#!/bin/sh\nexit 0\n", 0o755)} hook claude-code`));
    expect(get(await runDoctor(f.io), "guard.hook-canary")).toMatchObject({ status: "fail", summary: expect.stringContaining("ALLOWED") });

    f.write(".claude/settings.json", hookEntry(`${f.home}/missing/cli.js hook claude-code`));
    expect(get(await runDoctor(f.io), "guard.hook-canary")).toMatchObject({ status: "fail", summary: expect.stringContaining("exited 127") });
  });

  it("warns when the hook and deny rule are only in the project's settings, and never runs a command taken from them", async () => {
    const f = fixture();
    const ran = `${f.home}/project-hook-ran`;
    f.write("project/.claude/settings.json", hookEntry(`touch ${ran}; exit 2 # hook claude-code`));
    const report = await runDoctor(f.io);
    expect(get(report, "guard.hook")).toMatchObject({ status: "warn", summary: expect.stringContaining("which the agent can edit") });
    expect(get(report, "guard.deny-rules")).toMatchObject({ status: "warn" });
    expect(existsSync(ran)).toBe(false);
    expect(report.checks.find((c) => c.id === "guard.hook-canary")).toBeUndefined();
  });

  it.each([
    [{ onFailure: "block", async: true }, /runs in the background/],
    [{ onFailure: "block", asyncRewake: true }, /runs in the background/],
    [{ onFailure: "block", once: true }, /removed after its first run/],
    [{ onFailure: "block", if: "Bash(git *)" }, /may not run for every command/],
  ])("fails a user hook that Claude Code would not wait for on every command: %j", async (extra, why) => {
    const f = fixture();
    f.write(".claude/settings.json", hookEntry(`${denyingHook(f)} hook claude-code`, extra));
    expect(get(await runDoctor(f.io), "guard.hook")).toMatchObject({ status: "fail", summary: expect.stringMatching(why) });
  });

  it("accepts managed settings (and its drop-in directory); honours allowManagedHooksOnly and disableAllHooks", async () => {
    const f = fixture();
    const hook = `${denyingHook(f)} hook claude-code`;
    f.write("managed/managed-settings.d/50-guard.json", hookEntry(hook));
    expect(get(await runDoctor(f.io), "guard.hook")).toMatchObject({ status: "ok", summary: expect.stringContaining("managed settings") });

    const g = fixture();
    g.write(".claude/settings.json", hookEntry(`${denyingHook(g)} hook claude-code`));
    g.write("managed/managed-settings.json", JSON.stringify({ allowManagedHooksOnly: true }));
    expect(get(await runDoctor(g.io), "guard.hook")).toMatchObject({ status: "fail", summary: expect.stringContaining("allowManagedHooksOnly") });

    g.write("managed/managed-settings.json", "{}");
    g.write("project/.claude/settings.local.json", JSON.stringify({ disableAllHooks: true }));
    expect(get(await runDoctor(g.io), "guard.hook")).toMatchObject({ status: "fail", summary: expect.stringContaining("disableAllHooks") });
  });

  it("ignores a hook whose matcher does not cover Bash", async () => {
    const f = fixture();
    f.write(".claude/settings.json", hookEntry(`${denyingHook(f)} hook claude-code`, { onFailure: "block" }, "Write|Edit"));
    expect(get(await runDoctor(f.io), "guard.hook")).toMatchObject({ status: "fail" });
  });

  it("fails on user settings that are not valid JSON", async () => {
    const f = fixture();
    f.write(".claude/settings.json", "{ hooks: ");
    expect(get(await runDoctor(f.io), "guard.hook")).toMatchObject({ status: "fail", summary: expect.stringContaining("is not valid JSON") });
  });
});

describe("doctor: a hook served by the running guard (http, mcp_tool)", () => {
  const httpHook = (url: string, bearer: string) => ({ type: "http", url, headers: { Authorization: `Bearer ${bearer}`, "X-OpenClaw-Guard-Home": "/h" }, timeout: 10, onFailure: "block" });
  const settings = (handler: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ hooks: { PreToolUse: [{ matcher: "Bash", hooks: [handler] }] }, ...extra });
  const mcpToolHook = { type: "mcp_tool", server: "openclaw-guard", tool: "check_command", input: { hook_event_name: "${hook_event_name}", tool_name: "${tool_name}", cwd: "${cwd}", tool_input: "${tool_input}" }, timeout: 10, onFailure: "block" };

  it("http: asks the real endpoint the canary with the hook's token (denied: ok), never prints the token", async () => {
    const { listenHttp } = await import("../../src/mcp/http-server.js");
    const { answerClaudeHook } = await import("../../src/guard/hook-answer.js");
    const { mintToken } = await import("../../src/tokens/tokens.js");
    const f = fixture();
    const { token } = mintToken();
    const guard = await listenHttp({ listen: { host: "127.0.0.1", port: 0 }, authenticate: (t) => (t === token ? "laptop" : undefined), openSession: () => { throw new Error("no MCP here"); }, answerHook: (payload) => answerClaudeHook(payload, { configFile: join(f.home, ".config/openclaw-guard/config.json5") }) });
    try {
      const url = guard.url.replace(/\/mcp$/, "/hook/claude-code");
      f.write(".claude/settings.json", settings(httpHook(url, token)));
      const report = await runDoctor(f.io);
      expect(get(report, "guard.hook")).toMatchObject({ status: "ok", summary: expect.stringContaining("type http") });
      expect(get(report, "guard.hook-canary")).toMatchObject({ status: "ok", summary: expect.stringContaining(`the http hook (${url}) denied a canary`) });
      expect(get(report, "guard.hook-server")).toMatchObject({ status: "ok", summary: expect.stringContaining("Whatever listens on that port answers") });
      expect(JSON.stringify(report) + formatHuman(report)).not.toContain(token.slice(4));

      f.write(".claude/settings.json", settings(httpHook(url, mintToken().token)));
      expect(get(await runDoctor(f.io), "guard.hook-canary")).toMatchObject({ status: "fail", summary: expect.stringMatching(/gave no answer to a canary send: HTTP 401 .*Claude Code blocks every Bash command/) });
    } finally {
      await guard.close();
    }
  });

  it("http: a server that allows the canary fails, one that is down fails", async () => {
    const { createServer } = await import("node:http");
    const allowAll = createServer((_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => allowAll.listen(0, "127.0.0.1", resolve));
    const port = (allowAll.address() as { port: number }).port;
    const f = fixture();
    try {
      f.write(".claude/settings.json", settings(httpHook(`http://127.0.0.1:${port}/hook/claude-code`, "x")));
      expect(get(await runDoctor(f.io), "guard.hook-canary")).toMatchObject({ status: "fail", summary: expect.stringContaining("ALLOWED") });
    } finally {
      await new Promise((resolve) => allowAll.close(resolve));
    }
    expect(get(await runDoctor(f.io), "guard.hook-canary")).toMatchObject({ status: "fail", summary: expect.stringContaining("gave no answer") });
  });

  it("mcp_tool: calls check_command of the registered stdio server (the built CLI); a local-scope or unblocked project server fails guard.hook-server", async () => {
    const f = fixture();
    const config = join(f.home, ".config/openclaw-guard/config.json5");
    const entry = { type: "stdio", command: process.execPath, args: [join(REPO_ROOT, "dist/cli.js"), "serve", "--config", config] };
    f.write(".claude.json", JSON.stringify({ mcpServers: { "openclaw-guard": entry } }));
    f.write(".claude/settings.json", settings(mcpToolHook, { disabledMcpjsonServers: ["openclaw-guard"] }));
    const report = await runDoctor(f.io);
    expect(get(report, "guard.hook-canary")).toMatchObject({ status: "ok", summary: expect.stringContaining("the mcp_tool hook (openclaw-guard/check_command) denied a canary") });
    expect(get(report, "guard.hook-server")).toMatchObject({ status: "ok" });

    f.write("project/.mcp.json", JSON.stringify({ mcpServers: { "openclaw-guard": { command: "/bin/true" } } }));
    expect(get(await runDoctor(f.io), "guard.hook-server")).toMatchObject({ status: "ok" });
    f.write(".claude/settings.json", settings(mcpToolHook));
    expect(get(await runDoctor(f.io), "guard.hook-server")).toMatchObject({ status: "fail", summary: expect.stringContaining("disabledMcpjsonServers does not name it") });

    f.write(".claude.json", JSON.stringify({ mcpServers: { "openclaw-guard": entry }, projects: { [join(f.home, "project")]: { mcpServers: { "openclaw-guard": { command: "/bin/true" } } } } }));
    expect(get(await runDoctor(f.io), "guard.hook-server")).toMatchObject({ status: "fail", summary: expect.stringContaining("local-scope") });

    f.write(".claude/settings.json", settings(mcpToolHook, { disabledMcpjsonServers: ["openclaw-guard"] }));
    f.write(".claude.json", JSON.stringify({ mcpServers: { "openclaw-guard": { type: "http", url: "http://127.0.0.1:1/mcp" } } }));
    const remote = await runDoctor(f.io);
    expect(get(remote, "guard.hook-server")).toMatchObject({ status: "fail", summary: expect.stringContaining("of type http") });
    expect(get(remote, "guard.hook-canary")).toMatchObject({ status: "fail", summary: expect.stringContaining("no check_command") });
  });
});

describe("doctor: Codex and Gemini CLI hooks, gathered from the files init writes", () => {
  const ourCommand = "/usr/bin/node /opt/ocg/dist/cli.js hook codex --config /c";

  it("asks Codex (io.codexHooks) only when hooks.json holds the guard hook, and fails on a modified one", async () => {
    const asked: string[] = [];
    const nothing = fixture({ io: { codexHooks: async (cwd) => (asked.push(cwd), { hooks: [] }) } });
    const hooksFile = join(nothing.home, ".codex", "hooks.json");
    const hook = (trustStatus: string) => ({ key: `${hooksFile}:pre_tool_use:0:0`, command: ourCommand, sourcePath: hooksFile, trustStatus, currentHash: "sha256:x" });
    expect((await runDoctor(nothing.io)).checks.some((c) => c.id === "guard.codex-hook")).toBe(false);
    expect(asked).toEqual([]);

    const f = { ...nothing, io: { ...nothing.io, codexHooks: async (cwd: string) => (asked.push(cwd), { hooks: [hook("modified")] }) } };
    f.write(".codex/hooks.json", JSON.stringify({ hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: ourCommand }] }] } }));
    expect(get(await runDoctor(f.io), "guard.codex-hook")).toMatchObject({ status: "fail", summary: expect.stringMatching(/changed since it was trusted/) });
    expect(asked).toEqual([f.io.cwd]);
  });

  it("fails on a server registered in config.toml without the hook", async () => {
    const f = fixture();
    f.write(".codex/config.toml", '[mcp_servers.openclaw-guard]\ncommand = "/usr/bin/node"\n');
    expect(get(await runDoctor(f.io), "guard.codex-hook")).toMatchObject({ status: "fail", summary: expect.stringMatching(/no guard hook/) });
  });

  it("fails on the project's .gemini/settings.json disabling the guard hook, warns on an untrusted folder", async () => {
    const f = fixture();
    const hooks = { BeforeTool: [{ matcher: "run_shell_command", hooks: [{ type: "command", name: "openclaw-guard", command: "/usr/bin/node /opt/ocg/dist/cli.js hook gemini" }] }] };
    f.write(".gemini/settings.json", JSON.stringify({ hooks }));
    f.write("project/.gemini/settings.json", JSON.stringify({ hooksConfig: { disabled: ["openclaw-guard"] } }));
    const report = await runDoctor(f.io);
    expect(get(report, "guard.gemini-hook")).toMatchObject({ status: "fail" });
    expect(get(report, "guard.gemini-trust")).toMatchObject({ status: "warn" });
    expect(report.ok).toBe(false);

    f.write("project/.gemini/settings.json", "{}");
    f.write(".gemini/trustedFolders.json", JSON.stringify({ [f.io.cwd]: "TRUST_FOLDER" }));
    const clean = await runDoctor(f.io);
    expect(get(clean, "guard.gemini-hook")).toMatchObject({ status: "ok" });
    expect(clean.checks.some((c) => c.id === "guard.gemini-trust")).toBe(false);
  });
});

describe("doctor: the PATH shim in real login and interactive shells", () => {
  const shells = realDoctorIO().shells.filter((s) => s.label !== "zsh -l" && s.label !== "zsh -i");

  function withShimAndReal() {
    const f = fixture({ io: { shells } });
    const real = f.write("real/openclaw", "#!/bin/sh\necho 'OpenClaw 2026.9.6'\n", 0o755);
    mkdirSync(join(f.home, "shims"));
    installShims(join(f.home, "shims"), DEFAULT_ALLOW_LIST, real);
    return f;
  }

  it("fails when a login shell's profile puts the real CLI before the shim", async () => {
    const f = withShimAndReal();
    f.env.PATH = `${f.home}/shims:${f.home}/real:/usr/bin:/bin`;
    f.write(".profile", `PATH="$HOME/real:$PATH"\n`);
    const check = get(await runDoctor(f.io), "guard.shim");
    expect(check.status).toBe("fail");
    expect(check.summary).toMatch(/comes first in bash -l \(.*real\/openclaw; the shim is not on its PATH\)/);
    expect(check.summary).toContain("sh -l");
    expect(check.summary).not.toContain("this environment");
    expect(check.fix).toContain(`export PATH="${f.home}/shims:$PATH"`);
  });

  it("is ok when the shim comes first in every shell", async () => {
    const f = withShimAndReal();
    f.env.PATH = `${f.home}/shims:${f.home}/real:/usr/bin:/bin`;
    f.write(".profile", `PATH="$HOME/shims:$HOME/real:$PATH"\n`);
    f.write(".bashrc", `PATH="$HOME/shims:$HOME/real:$PATH"\n`);
    const check = get(await runDoctor(f.io), "guard.shim");
    expect(check).toMatchObject({ status: "ok" });
    expect(check.summary).toContain("this environment, bash -l, bash -i, sh -l");
  });

  it("warns when no shim is installed but the real CLI is on PATH", async () => {
    const f = fixture({ io: { shells: [] } });
    f.write("real/openclaw", "#!/bin/sh\necho 'OpenClaw 2026.9.6'\n", 0o755);
    f.env.PATH = `${f.home}/real:/usr/bin:/bin`;
    const report = await runDoctor(f.io);
    expect(get(report, "guard.shim")).toMatchObject({ status: "warn", summary: expect.stringContaining("no openclaw-guard shim on PATH") });
    // The version comes from the real CLI on PATH when openclaw.bin is not set.
    expect(get(report, "openclaw.version").summary).toContain("openclaw 2026.9.6");
  });
});

describe("doctor: agent exposure", () => {
  it("notes when ~/.openclaw is readable by this user (the single-user limit), and names the options", async () => {
    const check = get(await runDoctor(fixture({ openclaw: "{}" }).io), "exposure.openclaw-state");
    expect(check.status).toBe("note");
    expect(check.summary).toContain("any program the agent runs can read the gateway token");
    expect(check.fix).toContain("separate OS user");
    expect(check.fix).toContain("allowFrom");
  });

  it("warns when the gateway token sits in our config or the environment", async () => {
    const book = BOOK.replace(`transport: "gateway"`, `transport: "gateway", gateway: { token: "${TOKEN}" }`);
    const report = await runDoctor(fixture({ book, env: { OPENCLAW_GATEWAY_PASSWORD: "hunter2-hunter2" } }).io);
    const check = get(report, "exposure.openclaw-state");
    expect(check.status).toBe("warn");
    expect(check.summary).toContain("openclaw.gateway.token");
    expect(check.summary).toContain("OPENCLAW_GATEWAY_TOKEN/PASSWORD");
    expect(JSON.stringify(report)).not.toMatch(/hunter2-hunter2|gw-token/);
  });
});

describe("doctor never prints a token or a full number", () => {
  it("whatever the numbers and tokens, and whatever the gateway says", async () => {
    const { getCountries, getExampleNumber, parsePhoneNumberFromString } = await import("libphonenumber-js/max");
    const examples = (await import("libphonenumber-js/mobile/examples")).default;
    // Valid numbers by construction (no filter drops cases): a country's example mobile number
    // with its last four digits drawn; when that is not valid there, the example itself.
    const countries = getCountries().filter((country) => getExampleNumber(country, examples) !== undefined);
    const phone = fc.tuple(fc.constantFrom(...countries), fc.integer({ min: 0, max: 9999 })).map(([country, tail]) => {
      const example = getExampleNumber(country, examples)!.number;
      const drawn = `${example.slice(0, -4)}${String(tail).padStart(4, "0")}`;
      const parsed = parsePhoneNumberFromString(drawn);
      return parsed?.isValid() && parsed.number === drawn ? drawn : example;
    });
    // How a gateway might echo them: in the message, the cause, the code; as typed, national, spaced or dashed.
    const spellings = (n: string) => {
      const parsed = parsePhoneNumberFromString(n)!;
      return [n, n.slice(1), parsed.formatInternational(), parsed.formatInternational().replaceAll(" ", "-"), parsed.formatNational()];
    };
    const saying = fc.constantFrom<"connect" | "health" | "cause" | "code">("connect", "health", "cause", "code");
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(phone, phone, fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/), saying, fc.nat(), async (x, y, token, where, pick) => {
        const said = [...spellings(x), ...spellings(y)];
        const text = `refused ${token} for ${said[pick % said.length]} / ${said[(pick + 3) % said.length]}`;
        const error = () => Object.assign(new Error(where === "cause" ? "gateway error" : where === "code" ? "failed" : text), where === "cause" ? { cause: new Error(text) } : where === "code" ? { code: text } : { code: "EWHATEVER" });
        const leaky: Connect = async () => {
          if (where !== "health") throw error();
          return { request: async () => Promise.reject(error()), stop: () => {} };
        };
        const book = `{ openclaw: { transport: "gateway" }, contacts: { a: { channel: "whatsapp", target: "${x}" }, b: { channel: "signal", target: "${y}" } } }`;
        const openclaw = `{ gateway: { auth: { token: "${token}" } }, channels: { whatsapp: { allowFrom: ["${y}"] } } }`;
        const report = await runDoctor(fixture({ book, openclaw, io: { connect: leaky } }).io);
        const out = JSON.stringify(report) + formatHuman(report);
        runs++;
        expect(out).not.toContain(token);
        // No spelling of either number: its digits, whatever stands between them.
        const digitsOf = (n: string) => [n.slice(1), parsePhoneNumberFromString(n)!.nationalNumber].filter((d) => d.length >= 6);
        for (const digits of [x, y].flatMap(digitsOf)) expect(out).not.toMatch(new RegExp(`(?<![0-9])${[...digits].join("[^0-9A-Za-z]{0,3}")}(?![0-9])`));
      }),
      { numRuns: 100 },
    );
    expect(runs).toBe(100);
  });
});

describe("doctor: the server registrations init wrote, read back from the real files", () => {
  const cli = join(REPO_ROOT, "dist", "cli.js");
  it("is ok for claude-code, codex and gemini as init writes them, and fails each once its node binary is gone or its book differs", async () => {
    const f = fixture();
    for (const client of ["claude-code", "codex", "gemini"]) {
      const run = await init(f.home, f.io.cwd, [client], "2.1.330 (Claude Code)", { node: process.execPath, cli });
      expect(run.code, run.stderr).toBe(0);
    }
    const io = { ...f.io, codexHooks: async () => ({ error: "not asked in this test" }) };
    const report = await runDoctor(io);
    for (const client of ["claude-code", "codex", "gemini"]) expect(get(report, `client.${client}-server`), client).toMatchObject({ status: "ok" });
    expect(get(report, "client.claude-code-tools")).toMatchObject({ status: "ok" });
    // doctor (and so the hook) pointed at another book than the one the servers serve.
    const other = await runDoctor(io, { configFlag: join(f.home, "other.json5") });
    for (const client of ["claude-code", "codex", "gemini"]) expect(get(other, `client.${client}-server`).summary, client).toMatch(/serves the address book .*config\.json5, but the hook and doctor use .*other\.json5/);

    // The same entries, from a Node that has since been removed and for another book.
    for (const client of ["claude-code", "codex", "gemini"]) await init(f.home, f.io.cwd, [client], "2.1.330 (Claude Code)", { node: join(f.home, "gone", "node"), cli });
    const gone = await runDoctor(io);
    for (const client of ["claude-code", "codex", "gemini"]) expect(get(gone, `client.${client}-server`).summary, client).toContain("which does not exist or is not executable");
  });
});
