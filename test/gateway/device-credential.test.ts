import { createPublicKey, verify } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDeviceCredential, defaultDeviceCredentialFile, deviceSigning, readDeviceCredential, writeDeviceCredential } from "../../src/gateway/device-credential.js";
import { resolveGatewaySettings } from "../../src/gateway/gateway-settings.js";
import { readOpenclawConfig } from "../../src/gateway/openclaw-config.js";
import { privateDir } from "../helpers.js";

const noFile = (env: NodeJS.ProcessEnv) => readOpenclawConfig(env, () => Object.assign(new Error("no"), { code: "ENOENT" }) as never);
const FILE_WITH_TOKEN = (env: NodeJS.ProcessEnv) => readOpenclawConfig(env, () => '{ gateway: { port: 19001, auth: { token: "shared-secret" } } }');

describe("device credential", () => {
  it("derives the device id from the raw public key (as OpenClaw does) and signs challenges verifiably", () => {
    const credential = createDeviceCredential("ws://127.0.0.1:1");
    const raw = Buffer.from(deviceSigning.publicKeyRawBase64UrlFromPem(credential.publicKeyPem), "base64url");
    expect(raw).toHaveLength(32);
    expect(credential.deviceId).toMatch(/^[0-9a-f]{64}$/);
    const signature = deviceSigning.signDevicePayload(credential.privateKeyPem, "v3|payload");
    expect(verify(null, Buffer.from("v3|payload"), createPublicKey(credential.publicKeyPem), Buffer.from(signature, "base64url"))).toBe(true);
    expect(createDeviceCredential("ws://127.0.0.1:1").deviceId).not.toBe(credential.deviceId);
  });

  it("is written 0600 in a 0700 directory and read back; a malformed file is an error that does not echo it", () => {
    const home = privateDir();
    const file = defaultDeviceCredentialFile({ HOME: home });
    expect(file).toBe(join(home, ".local/state/openclaw-guard/gateway-device.json"));
    expect(readDeviceCredential(file)).toEqual({ file });
    const credential = { ...createDeviceCredential("ws://127.0.0.1:1"), token: "dev-token", scopes: ["operator.write"] };
    writeDeviceCredential(file, credential);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, ".local/state/openclaw-guard")).mode & 0o777).toBe(0o700);
    expect(readDeviceCredential(file).credential).toEqual(credential);
    writeFileSync(file, readFileSync(file, "utf8").replace('"version": 1', '"version": 2'));
    const bad = readDeviceCredential(file);
    expect(bad.credential).toBeUndefined();
    expect(bad.error).toMatch(/not a valid openclaw-guard device credential/);
    expect(bad.error).not.toContain("dev-token");
  });
});

describe("resolveGatewaySettings with a paired device", () => {
  const paired = (gatewayUrl: string, token: string | null = "dev-token") => (file: string) => ({ file, credential: { ...createDeviceCredential(gatewayUrl), ...(token ? { token } : {}), scopes: ["operator.write"] } });

  it("uses the device alone for the gateway it was paired with: no shared token or password goes out", () => {
    const settings = resolveGatewaySettings({ token: "ours" }, { HOME: "/h", OPENCLAW_GATEWAY_TOKEN: "env", OPENCLAW_GATEWAY_PASSWORD: "pw" }, FILE_WITH_TOKEN, paired("ws://127.0.0.1:19001/"));
    expect(settings.url).toBe("ws://127.0.0.1:19001");
    expect(settings.device?.token).toBe("dev-token");
    expect(settings).not.toHaveProperty("token");
    expect(settings).not.toHaveProperty("password");
    expect(settings.source.auth).toMatch(/^the paired device in \/h\/\.local\/state\/openclaw-guard\/gateway-device\.json \(scopes operator\.write\)$/);
  });

  it("never sends a device token to another gateway, and says why the device is not used", () => {
    const other = resolveGatewaySettings({}, { HOME: "/h" }, FILE_WITH_TOKEN, paired("ws://127.0.0.1:2"));
    expect(other.device).toBeUndefined();
    expect(other.token).toBe("shared-secret");
    expect(other.deviceProblem).toMatch(/was paired with ws:\/\/127\.0\.0\.1:2, not ws:\/\/127\.0\.0\.1:19001/);
    const pending = resolveGatewaySettings({}, { HOME: "/h" }, noFile, paired("ws://127.0.0.1:18789", null));
    expect(pending.device).toBeUndefined();
    expect(pending.deviceProblem).toMatch(/not approved yet/);
  });
});
