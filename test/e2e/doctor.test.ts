// `openclaw-guard doctor` against the real thing: the pinned openclaw CLI from .cache/e2e and a real
// gateway on loopback (Telegram pointed at a fake Bot API). Version detection, a Node the CLI refuses,
// the gateway's `health` with the right token, a wrong token (never printed), and the gateway down.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realDoctorIO } from "../../src/setup/doctor-io.js";
import { runDoctor } from "../../src/setup/doctor.js";
import type { DoctorReport } from "../../src/setup/doctor-report.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram.js";
import { NODE20, NODE24, OPENCLAW, startGateway, type Gateway } from "../support/openclaw-gateway.js";

const CLI = join(import.meta.dirname, "..", "..", "dist", "cli.js");
const WRONG_TOKEN = "wrong-token-5f4dcc3b5aa765d6";
const NUMBER = "+27821234567";

type Run = { code: number; report: DoctorReport; stdout: string; stderr: string };

describe("doctor against a real OpenClaw", () => {
  let telegram: FakeTelegram;
  let gateway: Gateway;
  let dir: string;

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    gateway = await startGateway({ fakeTelegramUrl: telegram.url });
    dir = mkdtempSync(join(tmpdir(), "ocg-doctor-e2e-"));
    chmodSync(dir, 0o700);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await telegram?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = (): Record<string, string> => ({
    PATH: `${dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: gateway.home,
    OPENCLAW_HOME: gateway.home,
    OPENCLAW_DISABLE_BONJOUR: "1",
    OPENCLAW_NO_AUTO_UPDATE: "1",
    OPENCLAW_OFFLINE: "1",
    XDG_STATE_HOME: join(dir, "state"),
  });

  function writeConfig(name: string, openclaw: Record<string, unknown>): string {
    const file = join(dir, `${name}.json5`);
    const contacts = { ops: { channel: "telegram", target: "123456789" }, alice: { channel: "whatsapp", target: NUMBER } };
    writeFileSync(file, JSON.stringify({ openclaw, contacts, audit: { file: join(dir, "state", "audit.jsonl") } }), { mode: 0o600 });
    return file;
  }

  async function doctor(openclaw: Record<string, unknown>, name: string, extraEnv: Record<string, string> = {}): Promise<Run> {
    const config = writeConfig(name, openclaw);
    const result = await promisify(execFile)(process.execPath, [CLI, "doctor", "--json", "--config", config], { env: { ...env(), ...extraEnv }, timeout: 90_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
    );
    expect(result.stderr).toBe("");
    return { ...result, report: JSON.parse(result.stdout) as DoctorReport };
  }

  const find = (run: Run, id: string) => {
    const found = run.report.checks.find((c) => c.id === id);
    expect(found, `${id} in ${run.stdout}`).toBeDefined();
    return found!;
  };

  const neverLeaks = (run: Run) => {
    expect(run.stdout).not.toContain(gateway.token);
    expect(run.stdout).not.toContain(WRONG_TOKEN);
    expect(run.stdout).not.toContain(NUMBER);
    expect(run.stdout).not.toContain("123456789");
  };

  it("detects the installed version, runs the CLI under Node 24 and reaches the gateway with its token", async () => {
    const run = await doctor({ transport: "cli", bin: [NODE24, OPENCLAW] }, "cli-ok");
    // The harness gateway runs without the openclaw-guard plugin, with the Telegram actions no hook sees left on and the assistant's
    // plugins/gateway tools not denied: only the backstop fails (gateway-credential.test.ts installs it).
    expect(run.code, run.stdout).toBe(1);
    expect(run.report.checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual(["gateway.plugin-config", "gateway.plugin-active", "gateway.telegram-actions", "gateway.guard-tools"]);
    expect(find(run, "openclaw.version")).toMatchObject({ status: "ok" });
    expect(find(run, "openclaw.version").summary).toContain("openclaw 2026.9.6");
    expect(find(run, "transport.cli")).toMatchObject({ status: "ok" });
    expect(find(run, "transport.gateway")).toMatchObject({ status: "ok" });
    expect(find(run, "transport.gateway").summary).toMatch(/reachable, credentials from .*openclaw\.json gateway\.auth\.token accepted, health answered/);
    // The harness gateway configures Telegram and no WhatsApp: Telegram is listed as ungated.
    expect(find(run, "openclaw.ungated-channels")).toMatchObject({ status: "note" });
    expect(find(run, "openclaw.ungated-channels").summary).toContain("telegram (1 contact)");
    expect(find(run, "openclaw.outbound-allowlist").summary).toContain("no outbound allowlist in openclaw 2026.9.6");
    expect(find(run, "exposure.openclaw-state")).toMatchObject({ status: "note" });
    neverLeaks(run);
  });

  it("fails the cli transport when the CLI runs under a Node it refuses (Node 20)", async () => {
    // The pinned Node 20 from .cache/e2e, not the runner's Node: the suite runs on any Node.
    // openclaw's launcher re-runs itself under a newer Node it finds (PATH, nvm, Homebrew) and
    // would pass: its own marker for "already re-run" turns that search off.
    const run = await doctor({ transport: "cli", bin: [NODE20, OPENCLAW] }, "cli-node20", { PATH: "/usr/bin:/bin", OPENCLAW_NODE_UPDATE_RESPAWNED: "1" });
    expect(run.code).toBe(1);
    expect(find(run, "transport.cli")).toMatchObject({ status: "fail" });
    expect(find(run, "transport.cli").summary).toMatch(/refuses the Node it runs under .*node:sqlite/);
    expect(find(run, "openclaw.version")).toMatchObject({ status: "warn" });
  });

  it("fails with a wrong token and never prints either token", async () => {
    const run = await doctor({ transport: "gateway", gateway: { token: WRONG_TOKEN } }, "wrong-token");
    expect(run.code).toBe(1);
    expect(find(run, "transport.gateway")).toMatchObject({ status: "fail" });
    expect(find(run, "transport.gateway").summary).toMatch(/rejected the credentials from openclaw\.gateway\.token/);
    neverLeaks(run);
  });

  it("detects a wrong RPC method name as a failure (the health probe is checked, not assumed)", async () => {
    const io = realDoctorIO(env());
    const renamed: typeof io.connect = async (options) => {
      const connection = await realDoctorIO().connect(options);
      return { request: (_method, params, opts) => connection.request("no.such.health", params, opts), stop: () => connection.stop() };
    };
    const report = await runDoctor({ ...io, connect: renamed, shells: [] }, { configFlag: writeConfig("renamed", { transport: "gateway" }) });
    const gatewayCheck = report.checks.find((c) => c.id === "transport.gateway");
    expect(gatewayCheck).toMatchObject({ status: "fail" });
    expect(gatewayCheck?.summary).toMatch(/accepted the connection but health failed/);
    expect(JSON.stringify(report)).not.toContain(gateway.token);
  });

  it("fails when the gateway is down, and recovers when it is back", async () => {
    await gateway.pause();
    try {
      const run = await doctor({ transport: "gateway" }, "down");
      expect(run.code).toBe(1);
      expect(find(run, "transport.gateway")).toMatchObject({ status: "fail" });
      expect(find(run, "transport.gateway").summary).toMatch(/not reachable.*ECONNREFUSED/);
      neverLeaks(run);
    } finally {
      await gateway.resume();
    }
    const run = await doctor({ transport: "gateway" }, "back");
    expect(find(run, "transport.gateway")).toMatchObject({ status: "ok" });
  });
});
