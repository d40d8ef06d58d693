// `doctor --service-user`, run for real as the agent's uid (root creates both users here, else the
// suite skips saying why): with the service user's gateway state and book private it reports the
// separation ok; a book made readable, the guard's code made writable, or a client that still starts
// a local server holding a gateway token each make it fail.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/claude-code.js";
import { ensureSystemUser } from "../support/users.js";

const CLI = join(REPO_ROOT, "dist/cli.js");
const AGENT = "ocg-e2e-agent";
const SERVICE = "ocg-e2e-svc";
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("skipping doctor --service-user as another uid: it must run as root to create the users");

const ensureUser = (name: string, home?: string) => ensureSystemUser(name, home ? { home } : {});

type Check = { id: string; status: string; summary: string };

describe.skipIf(!isRoot)("doctor --service-user as the agent's uid", () => {
  let root: string;
  let serviceHome: string;
  let agentHome: string;
  let agent: { uid: number; gid: number };
  let book: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "ocg-doctor-sep-"));
    chmodSync(root, 0o755);
    serviceHome = join(root, "svc");
    agentHome = join(root, "agent");
    const service = ensureUser(SERVICE, serviceHome);
    agent = ensureUser(AGENT);
    for (const dir of [serviceHome, join(serviceHome, ".openclaw"), join(serviceHome, ".config"), join(serviceHome, ".config", "openclaw-guard")]) mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(serviceHome, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { auth: { mode: "token", token: "a-gateway-token-value" } } }), { mode: 0o600 });
    book = join(serviceHome, ".config", "openclaw-guard", "config.json5");
    writeFileSync(book, "{ contacts: {} }", { mode: 0o600 });
    execFileSync("chown", ["-R", `${service.uid}:${service.gid}`, serviceHome]);
    mkdirSync(agentHome, { mode: 0o700 });
    writeFileSync(join(agentHome, ".claude.json"), JSON.stringify({ mcpServers: { "openclaw-guard": { type: "http", url: "http://127.0.0.1:8787/mcp", headers: { Authorization: "Bearer x" } } } }));
    execFileSync("chown", ["-R", `${agent.uid}:${agent.gid}`, agentHome]);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function separation(): Promise<Check[]> {
    const run = await execa(process.execPath, [CLI, "doctor", "--json", "--service-user", SERVICE], {
      uid: agent.uid,
      gid: agent.gid,
      cwd: agentHome,
      env: { HOME: agentHome, PATH: "/usr/bin:/bin" },
      extendEnv: false,
      reject: false,
      timeout: 120_000,
    });
    if (!run.stdout.startsWith("{")) throw new Error(`doctor printed no report (exit ${run.exitCode}): ${run.stderr}`);
    const report = JSON.parse(run.stdout) as { checks: Check[] };
    expect(run.stdout).not.toContain("a-gateway-token-value");
    return report.checks.filter((c) => c.id.startsWith("exposure.separation"));
  }

  it("is ok while the gateway's state and the book are private to the service user", async () => {
    expect(await separation()).toEqual([expect.objectContaining({ id: "exposure.separation", status: "ok" })]);
  });

  it("fails on a book readable by others, and on a client that still starts a local server with a gateway token", async () => {
    chmodSync(book, 0o644);
    chmodSync(join(serviceHome, ".config", "openclaw-guard"), 0o755);
    chmodSync(join(serviceHome, ".config"), 0o755);
    chmodSync(serviceHome, 0o755);
    writeFileSync(join(agentHome, ".claude.json"), JSON.stringify({ mcpServers: { "openclaw-guard": { type: "stdio", command: "node", args: ["cli.js", "serve"], env: { OPENCLAW_GATEWAY_TOKEN: "a-gateway-token-value" } } } }));
    chownSync(join(agentHome, ".claude.json"), agent.uid, agent.gid);
    const checks = await separation();
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["exposure.separation.book", "fail"],
      ["exposure.separation.client", "fail"],
    ]);
    expect(checks[0]!.summary).toContain(book);
  });
});
