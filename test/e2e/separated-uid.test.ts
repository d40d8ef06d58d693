// The separated deployment for real: the gateway (2026.9.6, fake Telegram) and `serve --http` run
// as one uid (root here), the agent's commands as another (a user created for the test, with its
// own HOME). As the agent uid, reading the gateway's token or the guard's config, editing the book
// or the guard's code, talking to the gateway directly, and sending through the guard to anything
// but its own alias all fail, and nothing reaches the fake Telegram API; its own alias is delivered
// exactly once. Then the hostile command corpus is replayed as the agent uid: deliveries counted.
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE24, OPENCLAW, useGatewayWithFakeTelegram } from "../support/openclaw-gateway.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { ensureSystemUser } from "../support/users.js";
import { startHttpGuard, type HttpGuardProcess } from "../support/http-guard.js";

const AGENT_USER = "ocg-e2e-agent";
const CLI = join(REPO_ROOT, "dist/cli.js");
const OWN_CHAT = "123456789";
const OTHER_CHAT = "987654321";
const isRoot = process.getuid?.() === 0;
const skip = (isRoot ? undefined : "skipping the separated-uid e2e: it must run as root to create the agent user and spawn as its uid");
if (skip) console.warn(skip);

const agentIds = () => ensureSystemUser(AGENT_USER);

describe.skipIf(skip !== undefined)("separated deployment: gateway and guard as one uid, the agent as another", () => {
  const suite = useGatewayWithFakeTelegram();
  let ids: { uid: number; gid: number };
  let guardDir: string;
  let agentHome: string;
  let config: string;
  let server: HttpGuardProcess;
  let url: string;
  let own: string;
  let other: string;
  let revoked: string;

  // Anything that puts content into a chat (a typing indicator does not).
  const sends = () => suite.telegram.calls.filter((c) => /^(send|forward|copy|createForumTopic|editMessage)/.test(c.method) && c.method !== "sendChatAction");

  beforeAll(async () => {
    ids = agentIds();
    guardDir = mkdtempSync(join(tmpdir(), "ocg-guard-")); // 0700, root's
    agentHome = mkdtempSync(join(tmpdir(), "ocg-agent-"));
    chownSync(agentHome, ids.uid, ids.gid);
    config = join(guardDir, "config.json5");
    writeFileSync(
      config,
      JSON.stringify({
        openclaw: { transport: "gateway", gateway: { url: suite.gateway.url, token: suite.gateway.token } },
        contacts: { ops: { channel: "telegram", target: OWN_CHAT, description: "Ops" }, boss: { channel: "telegram", target: OTHER_CHAT, description: "Boss" } },
        policy: { content: { phoneNumbers: "off" } },
        audit: { file: join(guardDir, "audit.jsonl") },
      }),
      { mode: 0o600 },
    );
    const env = { ...suite.gateway.env, HOME: guardDir };
    const add = async (name: string, aliases: string) => (await execa(process.execPath, [CLI, "token", "add", name, "--aliases", aliases, "--config", config], { env, extendEnv: false })).stdout.trim();
    own = await add("agent", "ops");
    other = await add("someone-else", "boss");
    revoked = await add("old-laptop", "ops");
    await execa(process.execPath, [CLI, "token", "revoke", "old-laptop", "--config", config], { env, extendEnv: false });
    server = await startHttpGuard(config, env);
    url = server.url;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(guardDir, { recursive: true, force: true });
    rmSync(agentHome, { recursive: true, force: true });
  });

  /**
   * A shell command as the agent uid, with its own HOME, the real openclaw CLI on PATH and the gateway's
   * URL (not its token). It runs in its own process group, killed whole at the timeout: a corpus command
   * can leave a grandchild (vim, a pager, a backgrounded CLI) holding the output pipes open.
   */
  const asAgent = async (command: string, timeout = 30_000) => {
    const child = execa("/bin/sh", ["-c", command], {
      uid: ids.uid,
      gid: ids.gid,
      cwd: agentHome,
      env: { HOME: agentHome, PATH: `${agentHome}/bin:${dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin`, OPENCLAW_GATEWAY_URL: suite.gateway.url, OPENCLAW_DISABLE_BONJOUR: "1", OPENCLAW_NO_AUTO_UPDATE: "1", OPENCLAW_OFFLINE: "1" },
      extendEnv: false,
      reject: false,
      detached: true,
      stdin: "ignore",
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group is already gone
      }
      // A process that left the group (setsid, nohup &) may still hold the pipes: stop waiting on them.
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, timeout);
    const result = await child;
    clearTimeout(timer);
    return { ...result, timedOut };
  };

  it("cannot read the gateway's token or the guard's config, nor edit the book, the token file or the guard's code", async () => {
    const attempts = [
      `cat ${suite.gateway.home}/.openclaw/openclaw.json`,
      `node -e 'process.stdout.write(require("fs").readFileSync(process.argv[1],"utf8"))' ${suite.gateway.home}/.openclaw/openclaw.json`,
      `cat ${config}`,
      `cat ${guardDir}/tokens.json`,
      `echo '{contacts:{}}' > ${config}`,
      `echo x >> ${guardDir}/tokens.json`,
      `touch ${REPO_ROOT}/dist/cli.js`,
      `echo 'export default {}' > ${REPO_ROOT}/dist/evil.js`,
      // the gateway plugin ships in this package: its manifest and entry are as closed as the rest
      `echo '{}' > ${REPO_ROOT}/openclaw.plugin.json`,
      `echo 'export default {}' >> ${REPO_ROOT}/dist/plugin/index.js`,
      `ls ${guardDir}`,
    ];
    for (const command of attempts) {
      const result = await asAgent(command);
      expect([command, result.exitCode]).not.toEqual([command, 0]);
      expect(result.stdout).not.toContain(suite.gateway.token);
    }
  });

  it("cannot reach the platform through the gateway without its token (CLI send, raw HTTP hook)", async () => {
    await mkdirAgentBin();
    const before = sends().length;
    const cli = await asAgent(`openclaw message send --channel telegram --target ${OTHER_CHAT} --message hi`, 60_000);
    expect(cli.exitCode).not.toBe(0);
    const hook = await asAgent(`curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:${suite.gateway.port}/hooks/agent -H 'Content-Type: application/json' -d '{"message":"hi","deliver":true,"channel":"telegram","to":"${OTHER_CHAT}"}'`);
    expect(hook.stdout).not.toMatch(/^2/);
    expect(sends().length).toBe(before);
  });

  it("through the guard: another token's alias, a raw number, a look-alike and a revoked token fail; its own alias is delivered once", async () => {
    const script = join(agentHome, "client.mjs");
    const sdk = (p: string) => pathToFileURL(join(REPO_ROOT, "node_modules/@modelcontextprotocol/sdk/dist/esm", p)).href;
    writeFileSync(
      script,
      `import { Client } from ${JSON.stringify(sdk("client/index.js"))};
import { StreamableHTTPClientTransport } from ${JSON.stringify(sdk("client/streamableHttp.js"))};
const [url, token, ...sends] = process.argv.slice(2);
const client = new Client({ name: "agent", version: "1" });
try {
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: "Bearer " + token } } }));
} catch (error) {
  console.log(JSON.stringify({ connect: String(error.code ?? error.message) }));
  process.exit(0);
}
for (const to of sends) console.log(JSON.stringify((await client.callTool({ name: "send_message", arguments: { to, message: "hello from the agent" } })).structuredContent));
await client.close();
`,
    );
    chownSync(script, ids.uid, ids.gid);
    const before = sends().length;
    const run = async (token: string, ...to: string[]) => (await asAgent(`node ${script} ${url} ${token} ${to.map((t) => `'${t}'`).join(" ")}`, 60_000)).stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    // another token's alias, raw ids in three spellings, a Cyrillic look-alike, a zero-width one, a digit for a letter
    const refused = await run(own, "boss", OTHER_CHAT, `+${OTHER_CHAT}`, "telegram:987654321", "\u043eps", "ops\u200b", "0ps");
    expect(refused.map((r) => r.status)).toEqual(Array(7).fill("refused"));
    expect(await run(revoked, "ops")).toEqual([{ connect: "401" }]);
    expect(await run("ocg_" + "A".repeat(43), "ops")).toEqual([{ connect: "401" }]);
    expect(sends().length).toBe(before);
    const sent = await run(own, "ops");
    expect(sent).toEqual([expect.objectContaining({ status: "sent", to: "ops" })]);
    await new Promise((r) => setTimeout(r, 500));
    const delivered = suite.telegram.delivered().filter((d) => d.text === "hello from the agent");
    expect(delivered.map((d) => String(d.chat_id))).toEqual([OWN_CHAT]);
    expect(delivered.some((d) => String(d.chat_id) === OTHER_CHAT)).toBe(false);
  });

  it("replays the hostile command corpus as the agent uid: nothing is delivered", async () => {
    await mkdirAgentBin();
    // The replay proves something only if the agent can really run the CLI and node.
    const probe = await asAgent("openclaw --version && node -e 'process.exit(0)'", 60_000);
    expect(probe.exitCode, `${probe.stdout}\n${probe.stderr}`).toBe(0);
    const corpus = JSON.parse(readFileSync(join(REPO_ROOT, "test/corpus/raw-cli-attempts.json"), "utf8")) as { id: string; command: string }[];
    const before = sends().length;
    const queue = [...corpus];
    const outcomes = { exited0: 0, failed: 0, timedOut: 0 };
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const result = await asAgent(item.command.replaceAll("+15551234567", OTHER_CHAT), 12_000);
        outcomes[result.timedOut ? "timedOut" : result.exitCode === 0 ? "exited0" : "failed"]++;
      }
    };
    // Most of the time is the openclaw CLI waiting on a gateway that refuses it: 8 at a time.
    await Promise.all(Array.from({ length: 8 }, worker));
    // Whatever escaped its process group keeps running as the agent: end it before counting.
    await execa("pkill", ["-KILL", "-u", String(ids.uid)], { reject: false });
    await new Promise((r) => setTimeout(r, 1000));
    const delivered = sends().length - before;
    // Timed-out commands were killed; most are the openclaw CLI still retrying the gateway without a token.
    console.log(`corpus replay as uid ${ids.uid}: ${corpus.length} commands (${outcomes.exited0} exit 0, ${outcomes.failed} failed, ${outcomes.timedOut} killed after 12 s), ${delivered} deliveries`);
    expect(outcomes.exited0 + outcomes.failed + outcomes.timedOut).toBe(corpus.length);
    expect(delivered).toBe(0);
  }, 1_200_000);

  async function mkdirAgentBin(): Promise<void> {
    const bin = join(agentHome, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "openclaw"), `#!/bin/sh\nexec '${NODE24}' '${OPENCLAW}' "$@"\n`);
    chmodSync(join(bin, "openclaw"), 0o755);
    chownSync(bin, ids.uid, ids.gid);
  }
});
