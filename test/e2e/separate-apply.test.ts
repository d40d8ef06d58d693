// `init openclaw --separate --apply` for real, as root (else skipped, saying why): an agent user with a
// same-user setup (its own gateway 2026.9.6 on a fake Telegram, running as it, the plugin loaded from
// this checkout, the book, a paired-device file, Claude Code registered with a stdio server). After
// --apply, as the agent's uid: `openclaw message send` to an unvetted chat delivers nothing, the book
// and the tokens are unreadable, its own alias through the MCP remote (the token init wrote into its
// ~/.claude.json) is delivered once and another chat is refused; a second --apply does nothing.
// --undo then brings the same-user layout back: openclaw.json in the agent's home, its gateway
// running as the agent again, the stdio registration restored, the service user and units gone.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE24, OPENCLAW, requireE2eTools } from "../support/openclaw-gateway.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { deleteUser, ensureSystemUser } from "../support/users.js";
import { BOT_TOKEN, startFakeTelegram, type FakeTelegram } from "../support/fake-telegram.js";

const CLI = join(REPO_ROOT, "dist/cli.js");
const AGENT = "ocg-e2e-sep-agent";
const SERVICE = "ocg-e2e-sep-svc";
const OWN_CHAT = "123456789";
const OTHER_CHAT = "987654321";
const JOURNAL = `/var/lib/openclaw-guard-separate/${SERVICE}/journal.json`;
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("skipping init openclaw --separate --apply: it must run as root (it creates users and moves files between homes)");

const id = (flag: string, name: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }));
const uidsProcesses = (uid: number) =>
  readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] === String(uid);
    } catch {
      return false;
    }
  }).map(Number);
const killAll = (uid: number) => {
  for (const pid of uidsProcesses(uid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitPort(port: number, ms: number): Promise<void> {
  const { connect } = await import("node:net");
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing on ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(!isRoot)("init openclaw --separate --apply / --undo as root, replayed as the agent's uid", () => {
  let telegram: FakeTelegram;
  let root: string;
  let agentHome: string;
  let codeDir: string;
  let agent: { uid: number; gid: number };
  let gatewayPort: number;
  let guardPort: number;
  const gatewayToken = "agent-same-user-gateway-token-0123";
  const sends = () => telegram.calls.filter((c) => /^(send|forward|copy|createForumTopic|editMessage)/.test(c.method) && c.method !== "sendChatAction");
  const separate = (...args: string[]) =>
    execa(NODE24, [CLI, "init", "openclaw", "--separate", ...args, "--agent-user", AGENT, "--service-user", SERVICE, "--code-dir", codeDir, "--port", String(guardPort), "--aliases", "ops", "--openclaw", OPENCLAW], {
      env: { PATH: `${dirname(NODE24)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: "/root", USER: "root" },
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 1_200_000,
    });
  const asAgent = (command: string, timeout = 60_000) =>
    execa("/bin/sh", ["-c", command], {
      uid: agent.uid,
      gid: agent.gid,
      cwd: agentHome,
      env: { HOME: agentHome, PATH: `${agentHome}/bin:${dirname(NODE24)}:/usr/bin:/bin`, OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${gatewayPort}`, OPENCLAW_DISABLE_BONJOUR: "1", OPENCLAW_NO_AUTO_UPDATE: "1", OPENCLAW_OFFLINE: "1" },
      extendEnv: false,
      reject: false,
      timeout,
      stdin: "ignore",
    });
  const startAgentGateway = () => {
    const child = spawn(NODE24, [OPENCLAW, "gateway", "run"], {
      uid: agent.uid,
      gid: agent.gid,
      cwd: agentHome,
      env: { HOME: agentHome, PATH: `${dirname(NODE24)}:/usr/bin:/bin`, OPENCLAW_DISABLE_BONJOUR: "1", OPENCLAW_NO_AUTO_UPDATE: "1", OPENCLAW_OFFLINE: "1" },
      detached: true,
      stdio: "ignore",
    });
    child.unref();
  };

  beforeAll(async () => {
    requireE2eTools();
    telegram = await startFakeTelegram();
    root = mkdtempSync(join(tmpdir(), "ocg-sep-apply-"));
    chmodSync(root, 0o755);
    agentHome = join(root, "agent");
    codeDir = join(root, "opt-openclaw-guard");
    try {
      killAll(id("-u", AGENT)); // usermod refuses a user with processes (left by an interrupted run)
    } catch {
      // no such user yet
    }
    agent = ensureSystemUser(AGENT, { home: agentHome, userGroup: true });
    gatewayPort = await freePort();
    guardPort = await freePort();
    const book = join(agentHome, ".config/openclaw-guard/config.json5");
    for (const dir of [".openclaw", ".config/openclaw-guard", ".local/state/openclaw-guard", "bin"]) mkdirSync(join(agentHome, dir), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(agentHome, ".openclaw/openclaw.json"),
      JSON.stringify({
        gateway: { mode: "local", port: gatewayPort, bind: "loopback", auth: { mode: "token", token: gatewayToken } },
        channels: { telegram: { enabled: true, botToken: BOT_TOKEN, apiRoot: telegram.url } },
        logging: { file: join(agentHome, ".openclaw/gateway.log") },
        models: { catalogRefresh: { enabled: false } }, // as the harness's gateways: nothing off this machine
        plugins: { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: book } } } },
      }, null, 2),
      { mode: 0o600 },
    );
    writeFileSync(book, `// the agent's same-user book\n${JSON.stringify({
      openclaw: { transport: "gateway", gateway: { url: `ws://127.0.0.1:${gatewayPort}` } },
      contacts: { ops: { channel: "telegram", target: OWN_CHAT, description: "Ops" }, boss: { channel: "telegram", target: OTHER_CHAT, description: "Boss" } },
      policy: { content: { phoneNumbers: "off" } },
    })}\n`, { mode: 0o600 });
    writeFileSync(join(agentHome, ".local/state/openclaw-guard/gateway-device.json"), JSON.stringify({ deviceId: "d", token: "paired-device-token-value" }), { mode: 0o600 });
    writeFileSync(join(agentHome, ".claude.json"), JSON.stringify({ mcpServers: { "openclaw-guard": { type: "stdio", command: NODE24, args: [CLI, "serve"], env: {} } } }), { mode: 0o600 });
    writeFileSync(join(agentHome, "bin/openclaw"), `#!/bin/sh\nexec '${NODE24}' '${OPENCLAW}' "$@"\n`, { mode: 0o755 });
    execFileSync("chown", ["-R", `${agent.uid}:${agent.gid}`, agentHome]);
    chmodSync(agentHome, 0o700);
    startAgentGateway();
    await waitPort(gatewayPort, 180_000);
  }, 300_000);

  afterAll(async () => {
    if (existsSync(JOURNAL)) await separate("--undo");
    killAll(agent.uid);
    try {
      killAll(id("-u", SERVICE));
      deleteUser(SERVICE);
    } catch {
      // not there
    }
    rmSync(`/var/lib/${SERVICE}`, { recursive: true, force: true });
    rmSync(`/var/lib/openclaw-guard-separate/${SERVICE}`, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
    await telegram?.close();
  }, 600_000);

  let applied: Awaited<ReturnType<typeof separate>>;

  it("--dry-run lists every step and changes nothing", async () => {
    const dry = await separate("--dry-run");
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.stdout).toContain("[stop-agent-gateway]");
    expect(dry.stdout).toContain("[agent-home-clean]");
    expect(dry.stdout).not.toContain(gatewayToken);
    expect(existsSync(JOURNAL)).toBe(false);
    expect(existsSync(codeDir)).toBe(false);
    expect(existsSync(join(agentHome, ".openclaw/openclaw.json"))).toBe(true);
  }, 300_000);

  it("--apply moves everything under the service user, root-only journal, nothing of it left in the agent's home; a failed step says how to go on, and a re-run continues", async () => {
    // Something squats on the guard's port: the step that starts serve --http fails, undoes itself, and says how to continue.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(guardPort, "127.0.0.1", resolve));
    let started = Date.now();
    const failed = await separate("--apply");
    const firstSeconds = (Date.now() - started) / 1000;
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    expect(failed.exitCode, failed.all).toBe(1);
    expect(failed.stderr).toContain("step 9 (clients) failed");
    expect(failed.stderr).toContain(`127.0.0.1:${guardPort} is taken already`);
    expect(failed.stderr).toMatch(/re-run --apply to continue from step 9, or run --undo/);
    const journal = JSON.parse(readFileSync(JOURNAL, "utf8")) as { done: { id: string }[] };
    expect(journal.done.map((d) => d.id)).toEqual(["service-user", "code", "stop-agent-gateway", "copy-state", "rewrite-config", "units", "start-gateway", "move-originals"]);
    // the failed step's own changes are gone: the client's registration is as it was, and no token is left for it
    expect(JSON.parse(readFileSync(join(agentHome, ".claude.json"), "utf8")).mcpServers["openclaw-guard"].type).toBe("stdio");
    expect(JSON.parse(readFileSync(`/var/lib/${SERVICE}/.config/openclaw-guard/tokens.json`, "utf8")).tokens).toEqual({});
    started = Date.now();
    applied = await separate("--apply");
    console.log(`init openclaw --separate --apply: ${firstSeconds.toFixed(1)} s up to the failed step 9, then ${((Date.now() - started) / 1000).toFixed(1)} s for the re-run (load ${readFileSync("/proc/loadavg", "utf8").trim()})\n${failed.stdout}${applied.stdout}`);
    expect(applied.exitCode, applied.all).toBe(0);
    // the re-run starts at the failed step
    expect(applied.stdout.match(/^\d+\/11 /gm)).toEqual(["9/11 ", "10/11 ", "11/11 "]);
    expect(statSync(JOURNAL).mode & 0o777).toBe(0o600);
    expect(statSync(JOURNAL).uid).toBe(0);
    for (const gone of [".openclaw", ".config/openclaw-guard/config.json5", ".config/openclaw-guard/tokens.json", ".local/state/openclaw-guard/gateway-device.json"]) expect(existsSync(join(agentHome, gone)), gone).toBe(false);
    const moved = JSON.parse(readFileSync(`/var/lib/${SERVICE}/.openclaw/openclaw.json`, "utf8"));
    expect(moved.plugins.load.paths).toEqual([codeDir]);
    expect(moved.gateway.auth.token).not.toBe(gatewayToken);
    // the journal keeps no copy of the new gateway token once it is written
    expect(readFileSync(JOURNAL, "utf8")).not.toContain(moved.gateway.auth.token);
    expect(statSync(codeDir).uid).toBe(0);
    expect(readFileSync("/etc/systemd/system/openclaw-gateway.service", "utf8")).toContain(`User=${SERVICE}`);
    // the gateway now runs as the service user
    const svcUid = id("-u", SERVICE);
    expect(uidsProcesses(svcUid).length).toBeGreaterThanOrEqual(2);
    expect(uidsProcesses(agent.uid)).toEqual([]);
  }, 1_300_000);

  it("as the agent's uid: the raw CLI delivers nothing, the book and tokens are unreadable, its own alias through the remote is delivered once", async () => {
    expect(applied?.exitCode).toBe(0);
    const before = sends().length;
    const cli = await asAgent(`openclaw message send --channel telegram --target ${OTHER_CHAT} --message hi`, 90_000);
    expect(cli.exitCode).not.toBe(0);
    for (const file of [".config/openclaw-guard/config.json5", ".config/openclaw-guard/tokens.json", ".openclaw/openclaw.json", ".local/state/openclaw-guard/gateway-device.json"]) {
      const read = await asAgent(`cat /var/lib/${SERVICE}/${file}`);
      expect([file, read.exitCode]).not.toEqual([file, 0]);
    }
    // the journal and the backups of the agent's originals (its old gateway token, the device credential) are root's
    for (const file of [JOURNAL, `/var/lib/openclaw-guard-separate/${SERVICE}/backup/state-openclaw-guard/gateway-device.json`, `/var/lib/openclaw-guard-separate/${SERVICE}/backup/openclaw/openclaw.json`]) {
      expect(existsSync(file), file).toBe(true);
      const read = await asAgent(`cat ${file}`);
      expect([file, read.exitCode]).not.toEqual([file, 0]);
    }
    for (const command of [`echo x >> ${codeDir}/dist/plugin/index.js`, `touch ${codeDir}/bin/node`, `echo x > /etc/systemd/system/openclaw-gateway.service`]) {
      const r = await asAgent(command);
      expect([command, r.exitCode]).not.toEqual([command, 0]);
    }
    const write = await asAgent(`echo x >> ${codeDir}/dist/cli.js`);
    expect(write.exitCode).not.toBe(0);
    expect(sends().length).toBe(before);
    // The token init --remote wrote for the agent (root reads it back here; the agent's MCP client sends it).
    const registered = JSON.parse(readFileSync(join(agentHome, ".claude.json"), "utf8")).mcpServers["openclaw-guard"];
    expect(registered.url).toBe(`http://127.0.0.1:${guardPort}/mcp`);
    const token = String(registered.headers.Authorization).replace(/^Bearer /, "");
    const sdk = (p: string) => pathToFileURL(join(codeDir, "node_modules/@modelcontextprotocol/sdk/dist/esm", p)).href;
    const script = join(root, "client.mjs");
    writeFileSync(script, `import { Client } from ${JSON.stringify(sdk("client/index.js"))};
import { StreamableHTTPClientTransport } from ${JSON.stringify(sdk("client/streamableHttp.js"))};
const [url, token, ...to] = process.argv.slice(2);
const client = new Client({ name: "agent", version: "1" });
await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: "Bearer " + token } } }));
for (const t of to) console.log(JSON.stringify((await client.callTool({ name: "send_message", arguments: { to: t, message: "hello from the separated agent" } })).structuredContent));
await client.close();
`, { mode: 0o644 });
    const run = async (...to: string[]) => {
      const r = await asAgent(`node ${script} http://127.0.0.1:${guardPort}/mcp ${token} ${to.join(" ")}`, 90_000);
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { status: string });
    };
    expect((await run("boss", OTHER_CHAT)).map((r) => r.status)).toEqual(["refused", "refused"]);
    expect(sends().length).toBe(before);
    expect((await run("ops")).map((r) => r.status)).toEqual(["sent"]);
    await new Promise((r) => setTimeout(r, 500));
    expect(telegram.delivered().filter((d) => d.text === "hello from the separated agent").map((d) => String(d.chat_id))).toEqual([OWN_CHAT]);
  }, 600_000);

  it("a second --apply is a no-op", async () => {
    const again = await separate("--apply");
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain("already applied");
  }, 300_000);

  it("--undo restores the same-user layout: openclaw.json back, the gateway running as the agent again, the service user gone", async () => {
    const undone = await separate("--undo");
    console.log(undone.all);
    expect(undone.exitCode, undone.all).toBe(0);
    expect(existsSync(JOURNAL)).toBe(false);
    const config = JSON.parse(readFileSync(join(agentHome, ".openclaw/openclaw.json"), "utf8"));
    expect(config.gateway.auth.token).toBe(gatewayToken);
    expect(config.plugins.load.paths).toEqual([REPO_ROOT]);
    expect(statSync(join(agentHome, ".openclaw/openclaw.json")).uid).toBe(agent.uid);
    expect(existsSync(join(agentHome, ".config/openclaw-guard/config.json5"))).toBe(true);
    expect(existsSync(join(agentHome, ".local/state/openclaw-guard/gateway-device.json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(agentHome, ".claude.json"), "utf8")).mcpServers["openclaw-guard"].type).toBe("stdio");
    expect(existsSync(codeDir)).toBe(false);
    expect(existsSync("/etc/systemd/system/openclaw-gateway.service")).toBe(false);
    expect(() => execFileSync("id", ["-u", SERVICE], { stdio: "ignore" })).toThrow();
    // the agent's gateway again, as the agent: it accepts the agent's own token
    expect(uidsProcesses(agent.uid).length).toBeGreaterThan(0);
    await waitPort(gatewayPort, 180_000);
    const status = await asAgent(`OPENCLAW_GATEWAY_TOKEN=${gatewayToken} openclaw message send --channel telegram --target ${OWN_CHAT} --message 'same-user again'`, 120_000);
    expect(status.exitCode, `${status.stdout}\n${status.stderr}`).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(telegram.delivered().filter((d) => d.text === "same-user again").map((d) => String(d.chat_id))).toEqual([OWN_CHAT]);
  }, 600_000);
});
