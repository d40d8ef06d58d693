// The guard as an HTTP service the agent can only ask: `serve --http` with per-agent tokens, and
// the real clients registered with `init <client> --remote` (the token in their header setting).
// Claude Code (pinned, fake model) replays the incident over HTTP: the raw CLI is denied by the
// local hook, an invented number and another agent's alias are refused, the agent's own alias is
// delivered once, and the audit names the agent. Codex and Gemini (pinned, run offline in a
// loopback-only namespace) read the entries init wrote as streamable HTTP servers with the header.
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "../helpers.js";
import { INCIDENT, incidentEnv, REPO_ROOT, runClaude } from "../support/claude-code.js";
import { startHttpGuard, type HttpGuardProcess } from "../support/http-guard.js";

const CODEX = join(REPO_ROOT, ".cache/e2e/codex/node_modules/.bin/codex");
const GEMINI = join(REPO_ROOT, ".cache/e2e/gemini/node_modules/.bin/gemini");
const NODE24_DIR = join(REPO_ROOT, ".cache/e2e/node24/node_modules/.bin");
const { cli: CLI, claudeBinDir: CLAUDE_BIN_DIR, fakeOpenclaw: FAKE_OPENCLAW, sendTool: SEND, inventedNumber: INVENTED, aliceNumber: ALICE } = INCIDENT;

let root: string;
let guardDir: string;
let calls: string;
let audit: string;
let server: HttpGuardProcess;
let url: string;
let token: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  root = await mkdtemp(join(tmpdir(), "ocg-remote-"));
  guardDir = join(root, "guard");
  calls = join(root, "openclaw-calls.jsonl");
  audit = join(guardDir, "audit.jsonl");
  await mkdir(guardDir, { mode: 0o700 });
  await writeFile(calls, "");
  const config = join(guardDir, "config.json5");
  await writeFile(
    config,
    JSON.stringify({
      openclaw: { transport: "cli", bin: [process.execPath, FAKE_OPENCLAW] },
      contacts: { alice: { channel: "whatsapp", target: ALICE, description: "Alice" }, ops: { channel: "telegram", target: "-1001234567890", description: "Ops" } },
      audit: { file: audit },
    }),
    { mode: 0o600 },
  );
  const guardEnv = { HOME: guardDir, PATH: "/usr/bin:/bin", OPENCLAW_FAKE_LOG: calls, OPENCLAW_FAKE_MODE: "ok-core" };
  token = (await execa(process.execPath, [CLI, "token", "add", "laptop", "--aliases", "alice", "--config", config], { env: guardEnv, extendEnv: false })).stdout.trim();
  await execa(process.execPath, [CLI, "token", "add", "other", "--aliases", "ops", "--config", config], { env: guardEnv, extendEnv: false });
  server = await startHttpGuard(config, guardEnv);
  url = server.url;
});

afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

async function agentHome(name: string) {
  const home = join(root, name);
  const cwd = join(home, "work");
  const binDir = join(home, "bin");
  await mkdir(cwd, { recursive: true, mode: 0o700 });
  await mkdir(binDir);
  // The agent's shell finds an `openclaw` on PATH: the hook must keep it from running.
  await writeFile(join(binDir, "openclaw"), `#!/bin/sh\nexec '${process.execPath}' '${FAKE_OPENCLAW}' "$@"\n`);
  await chmod(join(binDir, "openclaw"), 0o755);
  const env = incidentEnv(home, binDir, calls);
  return { home, cwd, env };
}

const init = (client: string, cwd: string, env: Record<string, string>) =>
  execa(process.execPath, [CLI, "init", client, "--remote", url], { cwd, env: { ...env, OPENCLAW_GUARD_TOKEN: token }, extendEnv: false, reject: false });

describe("Claude Code over HTTP after `init claude-code --remote`", () => {
  it("connects with its header; the incident replay delivers only the agent's own alias, once", async () => {
    const { home, cwd, env } = await agentHome("claude");
    const setup = await init("claude-code", cwd, env);
    expect(setup.exitCode).toBe(0);
    expect(setup.stdout + setup.stderr).not.toContain(token.slice(4));

    const list = await execa(join(CLAUDE_BIN_DIR, "claude"), ["mcp", "list"], { cwd, env, extendEnv: false, reject: false, timeout: 60_000 });
    expect(list.stdout).toMatch(/openclaw-guard: .*\/mcp \(HTTP\) - ✔ Connected/);

    const run = await runClaude({
      home,
      cwd,
      allowedTools: ["Bash", SEND],
      path: env.PATH,
      env: { OPENCLAW_FAKE_LOG: calls, OPENCLAW_FAKE_MODE: "ok-core" },
      script: [
        { tool: "Bash", input: { command: `openclaw message send --channel whatsapp --target ${INVENTED} --message "Q3 numbers"`, description: "send" } },
        { tool: SEND, input: { to: INVENTED, message: "Q3 numbers" } },
        { tool: SEND, input: { to: "ops", message: "Q3 numbers" } },
        { tool: SEND, input: { to: "alice", message: "Q3 numbers" } },
      ],
      timeoutMs: 150_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.toolResults.map((r) => r.tool)).toEqual(["Bash", SEND, SEND, SEND]);
    const [bash, invented, otherAgents, own] = run.toolResults;
    expect(bash!.is_error).toBe(true);
    expect(bash!.text).toContain("mcp__openclaw-guard__send_message");
    expect(invented!.is_error).toBe(true);
    expect(invented!.text).not.toContain("9876543");
    expect(otherAgents!.is_error).toBe(true);
    expect(otherAgents!.text).toMatch(/Use exactly one of these aliases: alice \(see list_contacts\)/);
    expect(own!.is_error).toBeFalsy();
    expect(own!.text).toMatch(/"status":"sent"/);

    const argvs = readFileSync(calls, "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { argv: string[] }).argv);
    expect(argvs.map((a) => a.filter((x) => x.startsWith("--target")))).toEqual([[`--target=${ALICE}`]]);
    const records = readAudit(audit);
    expect(new Set(records.map((r) => r.agent))).toEqual(new Set(["laptop"]));
    expect(records.filter((r) => r.event === "outcome").map((r) => r.status)).toEqual(["sent"]);
    expect(JSON.stringify(records)).not.toContain(token.slice(4));
  });
});

const offline = (argv: string[], env: Record<string, string>, cwd: string) => execa("unshare", ["-r", "-n", ...argv], { cwd, env, extendEnv: false, reject: false, timeout: 60_000 });

describe("Codex and Gemini read what `init --remote` wrote", () => {
  beforeAll(() => {
    for (const bin of [CODEX, GEMINI]) if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/setup-e2e.sh`);
  });

  it("codex: a streamable HTTP server with the Authorization header", async () => {
    const { cwd, env } = await agentHome("codex");
    expect((await init("codex", cwd, env)).exitCode).toBe(0);
    const get = await offline([CODEX, "mcp", "get", "openclaw-guard", "--json"], env, cwd);
    expect(get.exitCode).toBe(0);
    const entry = JSON.parse(get.stdout) as { enabled: boolean; transport: Record<string, unknown> };
    expect(entry.enabled).toBe(true);
    expect(entry.transport).toMatchObject({ type: "streamable_http", url, http_headers: { Authorization: `Bearer ${token}` } });
  });

  it("gemini: an http server with the header, listed by `gemini mcp list`", async () => {
    const { home, cwd, env } = await agentHome("gemini");
    expect((await init("gemini", cwd, env)).exitCode).toBe(0);
    await writeFile(join(home, ".gemini", "trustedFolders.json"), JSON.stringify({ [cwd]: "TRUST_FOLDER" }));
    const list = await offline([GEMINI, "mcp", "list"], { ...env, PATH: `${NODE24_DIR}:${env.PATH}` }, cwd);
    expect(list.stdout + list.stderr).toContain(`openclaw-guard: ${url} (http)`);
    const settings = JSON.parse(readFileSync(join(home, ".gemini", "settings.json"), "utf8")) as { mcpServers: Record<string, unknown> };
    expect(settings.mcpServers["openclaw-guard"]).toEqual({ type: "http", url, headers: { Authorization: `Bearer ${token}` } });
  });
});
