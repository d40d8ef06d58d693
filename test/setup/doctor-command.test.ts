// The built `openclaw-guard doctor` as a user runs it: a fixture HOME with the real hook command
// (`node dist/cli.js hook claude-code`) in ~/.claude/settings.json, real login shells, --json and
// human output, exit codes. `npm test` builds first.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { DoctorReport } from "../../src/setup/doctor-report.js";
import { CLI, privateDir, REPO_ROOT } from "../helpers.js";

const ALICE = "+27821234567";
const TOKEN = "gw-token-3c59dc048e8850243be8079a5c74d079";

type Run = { code: number; stdout: string; stderr: string };

async function doctor(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return promisify(execFile)(process.execPath, [CLI, "doctor", ...args], { env, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function home(transport: string, gatewayPort?: number) {
  const dir = privateDir();
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, rel), text, { mode: 0o600 });
  };
  write(".config/openclaw-guard/config.json5", `{ openclaw: { transport: "${transport}" }, contacts: { alice: { channel: "whatsapp", target: "${ALICE}" } } }`);
  write(
    ".openclaw/openclaw.json",
    `{ gateway: { ${gatewayPort ? `port: ${gatewayPort}, ` : ""}auth: { mode: "token", token: "${TOKEN}" } }, channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["${ALICE}"], actions: { reactions: false } } }, plugins: { entries: { "openclaw-guard": { enabled: true, config: { configPath: "${join(dir, ".config/openclaw-guard/config.json5")}" } } } }, tools: { deny: ["plugins", "gateway", "openclaw"] } }`,
  );
  write(
    ".claude/settings.json",
    JSON.stringify({
      permissions: { deny: ["Bash(openclaw message *)"] },
      hooks: { PreToolUse: [{ matcher: "Bash|Write|Edit|MultiEdit", hooks: [{ type: "command", command: `${process.execPath} ${CLI} hook claude-code`, timeout: 10, onFailure: "block" }] }] },
    }),
  );
  chmodSync(dir, 0o700);
  return { dir, env: { HOME: dir, PATH: "/usr/local/bin:/usr/bin:/bin" } };
}

describe("openclaw-guard doctor (built CLI)", () => {
  beforeAll(() => {
    for (const name of ["doctor-command", "doctor", "doctor-io", "doctor-report"]) {
      const built = join(REPO_ROOT, "dist", "setup", `${name}.js`);
      const source = join(REPO_ROOT, "src", "setup", `${name}.ts`);
      if (statSync(built, { throwIfNoEntry: false }) === undefined || statSync(built).mtimeMs < statSync(source).mtimeMs) {
        throw new Error(`${built} is missing or older than its source: run \`npm run build\` first (npm test does)`);
      }
    }
  });

  it("passes a well set-up home (real hook canary, real shells), exit 0, and prints no secret", async () => {
    const { env } = home("dry-run");
    const run = await doctor([], env);
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^ok {3}guard {6}PreToolUse hook in .*\.claude\/settings\.json \(user settings, matcher "Bash\|Write\|Edit\|MultiEdit", onFailure "block"\)\.$/m);
    expect(run.stdout).toMatch(/^ok {3}guard {6}the hook command denied a canary `openclaw message send` \(exit 2, \d+ ms\)\.$/m);
    expect(run.stdout).toMatch(/^ok {3}openclaw {3}WhatsApp channels\.whatsapp\.allowFrom gates direct messages: 1 number, all 1 WhatsApp contact included/m);
    expect(run.stdout).toMatch(/^note exposure {3}.*\.openclaw is readable by this user/m);
    expect(run.stdout).toMatch(/\n\n0 fail, \d+ warn, \d+ ok, \d+ notes? \(limits of this set-up: docs\/limits\.md\)\n$/);
    expect(run.stdout).not.toContain(TOKEN);
    expect(run.stdout).not.toContain(ALICE);
  });

  it("--json prints { checks, ok } and exits 1 when the gateway is down", async () => {
    const { env } = home("gateway", await closedPort());
    const run = await doctor(["--json"], env);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === "transport.gateway")).toMatchObject({ layer: "transport", status: "fail", summary: expect.stringContaining("ECONNREFUSED"), fix: expect.any(String) });
    for (const c of report.checks) expect(Object.keys(c).sort()).toEqual(c.fix === undefined ? ["id", "layer", "status", "summary"] : ["fix", "id", "layer", "status", "summary"]);
    expect(run.stdout).not.toContain(TOKEN);
  });

  it("honours --config and refuses stray arguments", async () => {
    const { env, dir } = home("dry-run");
    const other = join(dir, "other.json5");
    writeFileSync(other, "{ contacts: {} }", { mode: 0o600 });
    const run = await doctor(["--json", "--config", other], env);
    expect((JSON.parse(run.stdout) as DoctorReport).checks[0]).toMatchObject({ id: "config.file", status: "warn", summary: expect.stringContaining(other) });
    const usage = await doctor(["now"], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: openclaw-guard doctor");
  });
});
