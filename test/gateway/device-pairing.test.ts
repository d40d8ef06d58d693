// pairDevice's decisions with a fake connection: which credential it presents, what it stores, and
// what it reports for an approval wait, a revoked token and a gateway that issues no device token.
import { describe, expect, it } from "vitest";
import { createDeviceCredential, type DeviceCredential, type DeviceCredentialRead } from "../../src/gateway/device-credential.js";
import { pairDevice, type OpenClient } from "../../src/gateway/device-pairing.js";
import type { ClientAuth } from "../../src/gateway/gateway-transport.js";

const URL = "ws://127.0.0.1:18789";
const SHARED = { url: URL, token: "shared-secret", source: { url: "test", auth: "test" } };

function harness(existing?: DeviceCredential, answer: (auth: ClientAuth) => { deviceToken?: string; scopes?: string[]; method?: string } | Error = () => ({ deviceToken: "dev-token", scopes: ["operator.write"], method: "token" })) {
  const calls: ClientAuth[] = [];
  const writes: DeviceCredential[] = [];
  const open: OpenClient = async ({ auth }) => {
    calls.push(auth);
    const result = answer(auth);
    if (result instanceof Error) throw result;
    return { connection: { request: async () => ({}) as never, stop: () => {} }, hello: result };
  };
  const read = (file: string): DeviceCredentialRead => ({ file, ...(existing ? { credential: existing } : {}) });
  return { calls, writes, options: { shared: SHARED, file: "/f", open, read, write: (_: string, c: DeviceCredential) => void writes.push(c) } };
}

const gatewayError = (message: string, details: Record<string, unknown>) => Object.assign(new Error(message), { gatewayCode: "NOT_PAIRED", details });

describe("pairDevice", () => {
  it("presents a new identity with the shared token and stores the issued device token and scopes", async () => {
    const h = harness();
    expect(await pairDevice(h.options)).toMatchObject({ status: "paired", scopes: ["operator.write"], reused: false });
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatchObject({ token: "shared-secret", device: { deviceId: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(h.writes.at(-1)).toMatchObject({ gatewayUrl: URL, token: "dev-token", scopes: ["operator.write"] });
    expect(h.writes[0]!.token).toBeUndefined(); // the identity is saved before the request, so a pending approval finds it again
  });

  it("reports a pending approval with its request id, keeping the identity for the re-run", async () => {
    const h = harness(undefined, () => gatewayError("pairing required", { code: "PAIRING_REQUIRED", requestId: "req-1" }));
    const result = await pairDevice(h.options);
    expect(result).toMatchObject({ status: "pending", requestId: "req-1" });
    expect(h.writes).toHaveLength(1);
    const again = harness(h.writes[0]);
    expect(await pairDevice(again.options)).toMatchObject({ status: "paired", deviceId: h.writes[0]!.deviceId });
  });

  it("checks an existing device with its own token alone, and pairs the same identity again when the gateway no longer knows it", async () => {
    const paired = { ...createDeviceCredential(URL), token: "old-token", scopes: ["operator.write"] };
    const ok = harness(paired);
    expect(await pairDevice(ok.options)).toMatchObject({ status: "paired", reused: true });
    expect(ok.calls).toEqual([{ device: paired, deviceToken: "old-token" }]);
    expect(ok.writes).toEqual([]);

    const revoked = harness(paired, (auth) => (auth.deviceToken ? gatewayError("device token mismatch", { code: "AUTH_DEVICE_TOKEN_MISMATCH" }) : { deviceToken: "new-token", scopes: ["operator.write"] }));
    expect(await pairDevice(revoked.options)).toMatchObject({ status: "paired", deviceId: paired.deviceId, reused: false });
    expect(revoked.calls[1]).toMatchObject({ token: "shared-secret" });
    expect(revoked.calls[1]).not.toHaveProperty("deviceToken");
    expect(revoked.writes.at(-1)?.token).toBe("new-token");
  });

  it("does not reuse a device paired with another gateway, fails without a shared credential, and never echoes a token", async () => {
    const elsewhere = { ...createDeviceCredential("ws://10.0.0.9:1"), token: "t", scopes: [] };
    const h = harness(elsewhere);
    await pairDevice(h.options);
    expect(h.calls[0]!.device?.deviceId).not.toBe(elsewhere.deviceId);

    const none = harness();
    expect(await pairDevice({ ...none.options, shared: { url: URL, source: { url: "x", auth: "none" } } })).toMatchObject({ status: "failed", reason: expect.stringContaining("no gateway token") });
    expect(none.calls).toEqual([]);

    const noToken = harness(undefined, () => ({ method: "token", scopes: ["operator.write"] }));
    expect(await pairDevice(noToken.options)).toMatchObject({ status: "failed", reason: expect.stringContaining("issued no device token") });

    const leaky = harness(undefined, () => new Error("refused: shared-secret was wrong"));
    const failed = await pairDevice(leaky.options);
    expect(failed).toMatchObject({ status: "failed" });
    expect(JSON.stringify(failed)).not.toContain("shared-secret");
  });
});
