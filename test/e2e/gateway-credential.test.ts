// Who can switch the backstop off, on the real gateway 2026.9.6: `init openclaw --pair` (the built
// CLI) pairs the guard's server as a device whose token carries operator.write only. With that
// credential, which is all a program the agent writes could steal from the guard's side, a vetted
// send is delivered while config.patch and plugins.setEnabled (what disabled the plugin with the
// shared token) are refused, and asking for operator.admin is not granted. doctor names the
// credential kind. Then `init openclaw` installs the plugin into the running gateway's config: it is
// loaded and active, doctor's gateway section agrees on the address book, and an unvetted send over
// the device credential is cancelled by the plugin while a vetted one is delivered.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { GatewayClient } from "@openclaw/gateway-client";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../../src/contacts/config.js";
import { createTransport } from "../../src/gateway/create-transport.js";
import { defaultDeviceCredentialFile, deviceSigning, readDeviceCredential, type DeviceCredential } from "../../src/gateway/device-credential.js";
import { openGatewayClient } from "../../src/gateway/gateway-transport.js";
import { realDoctorIO } from "../../src/setup/doctor-io.js";
import { runDoctor } from "../../src/setup/doctor.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { NODE24, openclawCli, useGatewayWithFakeTelegram } from "../support/openclaw-gateway.js";

const CLI = join(import.meta.dirname, "..", "..", "dist", "cli.js");
const VETTED_CHAT = "700100200";

describe("the guard's paired device on a real gateway", () => {
  const suite = useGatewayWithFakeTelegram();

  const env = (): Record<string, string> => ({ ...suite.gateway.env, PATH: `${dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin` });
  const guardConfig = () => join(suite.gateway.home, ".config", "openclaw-guard", "config.json5");
  const run = async (args: string[], extraEnv: Record<string, string> = {}) =>
    promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...env(), ...extraEnv }, timeout: 90_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
    );
  // In-process, with a gateway timeout a loaded 2-core box can meet (the CLI's is 10 s).
  const doctor = () => runDoctor(realDoctorIO(env()), { configFlag: guardConfig(), gatewayTimeoutMs: 60_000 });
  const stored = (): DeviceCredential => {
    const read = readDeviceCredential(defaultDeviceCredentialFile(env()));
    if (!read.credential) throw new Error(`no device credential: ${read.error ?? "missing"}`);
    return read.credential;
  };
  /** A raw client holding only the stolen device file: what a program the agent writes could do. */
  const connectAsDevice = (credential: DeviceCredential, scopes: string[]) =>
    new Promise<GatewayClient>((resolve, reject) => {
      let settled = false;
      const client = new GatewayClient({
        url: suite.gateway.url,
        deviceIdentity: credential,
        deviceToken: credential.token,
        hostDeps: deviceSigning,
        clientName: "gateway-client",
        mode: "cli",
        role: "operator",
        scopes,
        minProtocol: 4,
        maxProtocol: 4,
        onHelloOk: () => {
          settled = true;
          resolve(client);
        },
        onConnectError: (error) => {
          if (settled) return;
          settled = true;
          client.stop();
          reject(error);
        },
      });
      client.start();
    });

  it("pairs with operator.write only, stores the token privately, and never prints it", async () => {
    mkdirSync(dirname(guardConfig()), { recursive: true, mode: 0o700 });
    writeFileSync(guardConfig(), JSON.stringify({ openclaw: { transport: "gateway" }, contacts: { ops: { channel: "telegram", target: VETTED_CHAT } } }), { mode: 0o600 });

    const first = await run(["init", "openclaw", "--pair"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^\+ paired device [0-9a-f]{12}… \(scopes operator\.write\)$/m);
    const credential = stored();
    expect(credential.token).toBeDefined();
    expect(credential.scopes).toEqual(["operator.write"]);
    const file = defaultDeviceCredentialFile(env());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(first.stdout + first.stderr).not.toContain(credential.token);
    expect(first.stdout).not.toContain(suite.gateway.token);

    const again = await run(["init", "openclaw", "--pair"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^= paired device .*already paired, and the gateway accepts it/m);
    expect(stored().token).toBe(credential.token);

    const devices = JSON.parse((await openclawCli(["devices", "list", "--json"], suite.gateway.env)).stdout) as { paired: { deviceId: string; scopes: string[] }[] };
    expect(devices.paired.find((d) => d.deviceId === credential.deviceId)?.scopes).toEqual(["operator.write"]);
  });

  it("with the device credential alone, a vetted send is delivered; config.patch and plugins.setEnabled are refused", async () => {
    const config = loadConfig(guardConfig(), env());
    const transport = createTransport(config.openclaw, env());
    const before = suite.telegram.delivered().length;
    try {
      const outcome = await transport.deliver({ channel: "telegram", target: VETTED_CHAT, text: "device path", idempotencyKey: "device-send-1" });
      expect(outcome).toMatchObject({ status: "sent" });
    } finally {
      await transport.close?.();
    }
    expect(suite.telegram.delivered().slice(before)).toEqual([{ chat_id: VETTED_CHAT, text: "device path" }]);

    const credential = stored();
    const { connection, hello } = await openGatewayClient({ url: suite.gateway.url, auth: { device: credential, deviceToken: credential.token! }, connectTimeoutMs: 15_000, onClose: () => {} });
    try {
      expect(hello).toMatchObject({ method: "device-token", scopes: ["operator.write"] });
      for (const [method, params] of [
        ["config.patch", { raw: JSON.stringify({ plugins: { entries: { "openclaw-guard": { enabled: false } } } }) }],
        ["plugins.setEnabled", { pluginId: "openclaw-guard", enabled: false }],
        ["config.apply", { raw: "{}" }],
      ] as const) {
        await expect(connection.request(method, params), method).rejects.toMatchObject({ gatewayCode: "FORBIDDEN", details: { code: "MISSING_SCOPE", missingScope: "operator.admin" } });
      }
    } finally {
      connection.stop();
    }
    // Over HTTP the shared token is full operator access (docs/gateway/tools-invoke-http-api.md); the device token is not a bearer there.
    const http = await fetch(`http://127.0.0.1:${suite.gateway.port}/tools/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${credential.token}`, "content-type": "application/json" },
      body: JSON.stringify({ tool: "gateway", args: {} }),
    });
    expect([401, 403]).toContain(http.status);
  });

  it("asking for operator.admin with the device token is not granted (no silent scope upgrade)", async () => {
    const credential = stored();
    await expect(connectAsDevice(credential, ["operator.admin"])).rejects.toMatchObject({ details: { code: expect.stringMatching(/PAIRING_REQUIRED|SCOPE/) } });
    await expect(connectAsDevice(credential, ["operator.write", "operator.pairing"])).rejects.toBeDefined();
    // The device still works for what it was approved for.
    const client = await connectAsDevice(credential, ["operator.write"]);
    client.stop();
  });

  it("doctor says the agent's side holds a paired device token, and that the shared token is still readable here", async () => {
    const report = await doctor();
    const text = JSON.stringify(report);
    const line = (id: string) => report.checks.find((c) => c.id === id);
    expect(line("transport.gateway")).toMatchObject({ status: "ok", summary: expect.stringContaining("credentials from the paired device in") });
    expect(line("gateway.credential")).toMatchObject({ status: "note", summary: expect.stringMatching(/paired device token \(scopes operator\.write\).*cannot switch the plugin off.*still readable from .*\/\.openclaw \(OpenClaw's config and state\)/) });
    expect(text).not.toContain(stored().token!);
    expect(text).not.toContain(suite.gateway.token);
    expect(readFileSync(defaultDeviceCredentialFile(env()), "utf8")).toContain("PRIVATE KEY"); // untouched by doctor
  });

  it("init openclaw loads the plugin into the running gateway: active, same book, and it cancels what the device sends to an unvetted chat", async () => {
    const init = await run(["init", "openclaw"]);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`+ plugins.load.paths: ${REPO_ROOT.replace(/\/$/, "")}`);
    expect(init.stdout).toContain("channels.telegram.actions: poll false, createForumTopic false, editForumTopic false, sticker false (turned off: poll, createForumTopic, editForumTopic, sticker)");
    expect(init.stdout).toContain("+ tools.deny: plugins");

    // The gateway hot-reloads openclaw.json; wait until plugins.list reports the plugin active.
    const credential = stored();
    const state = async () => {
      let connection;
      try {
        // A reloading gateway on a loaded box may not answer a handshake for a while: poll again.
        ({ connection } = await openGatewayClient({ url: suite.gateway.url, auth: { device: credential, deviceToken: credential.token! }, connectTimeoutMs: 60_000, onClose: () => {} }));
        const list = await connection.request<{ plugins: { id: string; runtime?: { state?: string } }[] }>("plugins.list", {}, { timeoutMs: 60_000 });
        return list.plugins.find((p) => p.id === "openclaw-guard")?.runtime?.state;
      } catch (error) {
        return `unanswered (${(error as Error).message})`;
      } finally {
        connection?.stop();
      }
    };
    const deadline = Date.now() + 150_000;
    let seen = await state();
    while (seen !== "active" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      seen = await state();
    }
    expect(seen, suite.gateway.output().slice(-3000)).toBe("active");

    const report = await doctor();
    const line = (id: string) => report.checks.find((c) => c.id === id);
    expect(line("gateway.plugin-config")).toMatchObject({ status: "ok" });
    expect(line("gateway.plugin-active")).toMatchObject({ status: "ok", summary: expect.stringContaining("runtime.state active") });
    expect(line("gateway.book")).toMatchObject({ status: "ok", summary: expect.stringContaining("fingerprints match, reported by the gateway") });
    expect(line("gateway.telegram-actions")).toMatchObject({ status: "ok" });
    expect(line("gateway.poll-rpc")).toMatchObject({ status: "note" });
    expect(line("gateway.pairing-replies")).toMatchObject({ status: "note", summary: expect.stringContaining("channels.telegram") });

    const config = loadConfig(guardConfig(), env());
    const transport = createTransport(config.openclaw, env());
    const before = suite.telegram.delivered().length;
    try {
      expect(await transport.deliver({ channel: "telegram", target: "999000111", text: "not vetted", idempotencyKey: "device-unvetted" })).toMatchObject({ status: "refused" });
      expect(await transport.deliver({ channel: "telegram", target: VETTED_CHAT, text: "still vetted", idempotencyKey: "device-vetted-2" })).toMatchObject({ status: "sent" });
    } finally {
      await transport.close?.();
    }
    expect(suite.telegram.delivered().slice(before)).toEqual([{ chat_id: VETTED_CHAT, text: "still vetted" }]);
  }, 300_000);

  it("the contrast: the shared token gets operator.admin on request and switches the plugin off, and doctor then fails", async () => {
    const { connection, hello } = await new Promise<{ connection: GatewayClient; hello: { auth?: { scopes?: string[] } } }>((resolve, reject) => {
      const client = new GatewayClient({
        url: suite.gateway.url,
        token: suite.gateway.token,
        deviceIdentity: null,
        role: "operator",
        scopes: ["operator.admin"],
        minProtocol: 4,
        maxProtocol: 4,
        onHelloOk: (ok) => resolve({ connection: client, hello: ok as { auth?: { scopes?: string[] } } }),
        onConnectError: reject,
      });
      client.start();
    });
    try {
      expect(hello.auth?.scopes).toContain("operator.admin");
      await connection.request("plugins.setEnabled", { pluginId: "openclaw-guard", enabled: false }, { timeoutMs: 60_000 });
    } finally {
      connection.stop();
    }
    const deadline = Date.now() + 60_000;
    let active = true;
    while (active && Date.now() < deadline) {
      const report = await doctor();
      active = report.checks.find((c) => c.id === "gateway.plugin-active")?.status === "ok";
      if (!active) {
        expect(report.ok).toBe(false);
        expect(report.checks.find((c) => c.id === "gateway.plugin-config")).toMatchObject({ status: "fail", summary: expect.stringContaining("disabled") });
      } else await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(active).toBe(false);
  }, 300_000);

  it("when the gateway wants an approval (autoApproveLocal false), --pair prints the exact approve command, and pairs once it is approved", async () => {
    const config = JSON.parse(readFileSync(suite.gateway.configPath, "utf8")) as { gateway: Record<string, unknown> };
    config.gateway.nodes = { pairing: { autoApproveLocal: false } };
    writeFileSync(suite.gateway.configPath, JSON.stringify(config, null, 2));
    // The gateway hot-reloads the file; until it has, a fresh device is still approved silently.
    const deadline = Date.now() + 120_000;
    let state = "";
    let pending: { stdout: string } | undefined;
    const made: string[] = [];
    onTestFinished(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
    while (pending === undefined && Date.now() < deadline) {
      state = mkdtempSync(join(tmpdir(), "ocg-pair-"));
      made.push(state);
      const attempt = await run(["init", "openclaw", "--pair"], { XDG_STATE_HOME: state });
      expect(attempt.code, attempt.stderr).toBe(0);
      if (attempt.stdout.includes("pairing requested")) pending = attempt;
      else await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    expect(pending?.stdout).toMatch(/the gateway wants an approval/);
    const requestId = /openclaw devices approve ([0-9a-f-]{36})/.exec(pending!.stdout)?.[1];
    expect(requestId).toBeDefined();
    expect(readDeviceCredential(defaultDeviceCredentialFile({ XDG_STATE_HOME: state })).credential?.token).toBeUndefined();

    const approved = await openclawCli(["devices", "approve", requestId!, "--json"], suite.gateway.env);
    expect(approved.exitCode, approved.stderr + approved.stdout).toBe(0);
    const after = await run(["init", "openclaw", "--pair"], { XDG_STATE_HOME: state });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/^\+ paired device [0-9a-f]{12}… \(scopes operator\.write\)$/m);
    expect(readDeviceCredential(defaultDeviceCredentialFile({ XDG_STATE_HOME: state })).credential?.scopes).toEqual(["operator.write"]);
  }, 300_000);
});
