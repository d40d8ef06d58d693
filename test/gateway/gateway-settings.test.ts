import { describe, expect, it } from "vitest";
import { displayUrl, resolveGatewaySettings } from "../../src/gateway/gateway-settings.js";
import { openclawConfigPath, readOpenclawConfig } from "../../src/gateway/openclaw-config.js";

const fileWith = (text: string | Error) => (env: NodeJS.ProcessEnv) =>
  readOpenclawConfig(env, () => {
    if (text instanceof Error) throw text;
    return text;
  });
const FILE = `{ // JSON5, as OpenClaw accepts it
  gateway: { port: 19001, auth: { mode: "token", token: "\${GW_TOKEN}" } },
}`;

describe("resolveGatewaySettings", () => {
  it("prefers our config, then OPENCLAW_GATEWAY_*, then ~/.openclaw/openclaw.json", () => {
    const env = { HOME: "/h", GW_TOKEN: "from-file", OPENCLAW_GATEWAY_URL: "ws://10.0.0.2:1", OPENCLAW_GATEWAY_TOKEN: "from-env" };
    expect(resolveGatewaySettings({ url: "ws://127.0.0.1:2", token: "ours" }, env, fileWith(FILE))).toMatchObject({ url: "ws://127.0.0.1:2", token: "ours", source: { url: "openclaw.gateway.url", auth: "openclaw.gateway.token" } });
    expect(resolveGatewaySettings({}, env, fileWith(FILE))).toMatchObject({ url: "ws://10.0.0.2:1", token: "from-env" });
    expect(resolveGatewaySettings({}, { HOME: "/h", GW_TOKEN: "from-file" }, fileWith(FILE))).toMatchObject({ url: "ws://127.0.0.1:19001", token: "from-file", source: { auth: "/h/.openclaw/openclaw.json gateway.auth.token" } });
    expect(resolveGatewaySettings({}, { HOME: "/h", OPENCLAW_GATEWAY_PORT: "19999" }, fileWith(FILE)).url).toBe("ws://127.0.0.1:19999");
  });

  it("never sends the local gateway's token to a URL given for another host", () => {
    const env = { HOME: "/h", GW_TOKEN: "local-secret", OPENCLAW_GATEWAY_URL: "wss://gw.example.com" };
    expect(resolveGatewaySettings({}, env, fileWith(FILE))).not.toHaveProperty("token");
    expect(resolveGatewaySettings({ url: "ws://10.0.0.5:18789" }, { HOME: "/h", GW_TOKEN: "local-secret" }, fileWith(FILE))).not.toHaveProperty("token");
    expect(resolveGatewaySettings({ url: "ws://127.0.0.1:19002" }, { HOME: "/h", GW_TOKEN: "local-secret" }, fileWith(FILE))).toMatchObject({ token: "local-secret" });
    expect(resolveGatewaySettings({ url: "wss://gw.example.com", token: "explicit" }, { HOME: "/h" }, fileWith(FILE))).toMatchObject({ token: "explicit" });
  });

  it("masks credentials written into a URL for display", () => {
    expect(displayUrl("wss://ops:hunter2@gw.example.com/x")).toBe("wss://***@gw.example.com/x");
    expect(displayUrl("ws://127.0.0.1:18789")).toBe("ws://127.0.0.1:18789");
  });

  it("treats an empty token variable as unset", () => {
    expect(resolveGatewaySettings({}, { HOME: "/h", GW_TOKEN: "from-file", OPENCLAW_GATEWAY_TOKEN: "" }, fileWith(FILE))).toMatchObject({ token: "from-file" });
  });

  it("falls back to the default port without a config file", () => {
    const missing = Object.assign(new Error("nope"), { code: "ENOENT" });
    expect(resolveGatewaySettings({}, { HOME: "/h" }, fileWith(missing))).toEqual({ url: "ws://127.0.0.1:18789", source: { url: "the default port", auth: "none" } });
  });

  it("uses gateway.remote.* when the OpenClaw config is in remote mode", () => {
    const remote = `{ gateway: { mode: "remote", remote: { url: "wss://gw.example.com", token: "rt" } } }`;
    expect(resolveGatewaySettings({}, { HOME: "/h" }, fileWith(remote))).toMatchObject({ url: "wss://gw.example.com", token: "rt" });
  });

  it("uses a password only when there is no token", () => {
    expect(resolveGatewaySettings({}, { HOME: "/h", OPENCLAW_GATEWAY_PASSWORD: "pw" }, fileWith("{}"))).toMatchObject({ password: "pw" });
    expect(resolveGatewaySettings({}, { HOME: "/h", OPENCLAW_GATEWAY_PASSWORD: "pw", OPENCLAW_GATEWAY_TOKEN: "t" }, fileWith("{}"))).not.toHaveProperty("password");
  });

  it("finds the config via OPENCLAW_CONFIG_PATH, then OPENCLAW_HOME, then HOME", () => {
    expect(openclawConfigPath({ OPENCLAW_CONFIG_PATH: "/c.json", OPENCLAW_HOME: "/o", HOME: "/h" })).toBe("/c.json");
    expect(openclawConfigPath({ OPENCLAW_HOME: "/o", HOME: "/h" })).toBe("/o/.openclaw/openclaw.json");
    expect(openclawConfigPath({ HOME: "/h" })).toBe("/h/.openclaw/openclaw.json");
  });
});
