// The webhook path (POST /hooks/agent with deliver) against the plugin, on its own gateway with
// `hooks` enabled in openclaw.json. (One run of plugin.test.ts with hooks enabled saw the plugin stay
// runtime.state "unloaded" for the whole run; this file, and later runs, saw it active. Cause unknown:
// the reason `doctor` must check runtime.state.) The audit log is at its default place here.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { connectGateway } from "../support/gateway-ws.js";
import { useGatewayWithFakeTelegram } from "../support/openclaw-gateway.js";

const HOOK_TOKEN = "hook-token-for-tests-0123456789";
const VETTED = "555111";
let model: FakeAnthropic;

const real = useGatewayWithFakeTelegram(async (config, home) => {
  model = await startFakeAnthropic([]);
  const dir = join(home, "guard");
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, "config.json5"), JSON.stringify({ contacts: { alice: { channel: "telegram", target: VETTED } } }), { mode: 0o600 });
  config.plugins = { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: join(dir, "config.json5") } } } };
  config.models = { mode: "merge", providers: { fake: { baseUrl: model.url, apiKey: "dummy", api: "anthropic-messages", models: [{ id: "claude-fake", name: "Fake" }] } } };
  config.agents = { defaults: { model: { primary: "fake/claude-fake" } } };
  config.hooks = { enabled: true, token: HOOK_TOKEN, path: "/hooks", allowedAgentIds: ["main"] };
});
afterAll(() => model?.close());

const hook = (to: string) =>
  fetch(`http://127.0.0.1:${real.gateway.port}/hooks/agent`, {
    method: "POST",
    headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ message: "summarise", agentId: "main", channel: "telegram", to, deliver: true }),
  });

describe("the plugin with webhooks enabled", () => {
  it("is active, and a webhook turn delivers to a vetted chat once and to an unvetted one never", async () => {
    const rpc = await connectGateway(real.gateway.url, real.gateway.token);
    try {
      await eventually(async () => {
        const list = await rpc.request("plugins.list", {});
        const entry = (list.ok ? (list.payload.plugins as Record<string, unknown>[]) : []).find((p) => p.id === "openclaw-guard");
        expect(entry, real.gateway.output().slice(-4000)).toMatchObject({ runtime: { state: "active" } });
      }, 30_000);
    } finally {
      rpc.close();
    }
    expect((await hook("9000000075")).status).toBeLessThan(300);
    expect((await hook(VETTED)).status).toBeLessThan(300);
    await eventually(() => expect(real.telegram.delivered().filter((d) => d.chat_id === VETTED)).toHaveLength(1), 150_000);
    await new Promise((r) => setTimeout(r, 5_000)); // the unvetted turn ran first; give its delivery time to show
    expect(real.telegram.callsTo("9000000075")).toEqual([]);
    const auditFile = join(real.gateway.home, ".local/state/openclaw-guard/gateway-audit.jsonl");
    await eventually(() => {
      const records = existsSync(auditFile) ? readFileSync(auditFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      expect(records.some((r) => r.decision === "cancel" && r.to === "•••••••075")).toBe(true);
    }, 30_000);
  }, 240_000);
});
