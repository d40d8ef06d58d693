// A gateway-only setup against the real gateway: the plugin with only `allowTo` in its config, no
// configPath and no book file at the default path. The listed Telegram chat gets the message once;
// any other chat gets nothing. (The packed-tarball `openclaw plugins install` route is not covered
// yet: its dependency install did not finish in the sandbox.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { connectGateway } from "../support/gateway-ws.js";
import { useGatewayWithFakeTelegram } from "../support/openclaw-gateway.js";

const LISTED = "555777";
const real = useGatewayWithFakeTelegram((config) => {
  config.plugins = { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { allowTo: { telegram: [LISTED] } } } } };
});
let rpc: Awaited<ReturnType<typeof connectGateway>>;
beforeAll(async () => {
  rpc = await connectGateway(real.gateway.url, real.gateway.token);
}, 60_000);
afterAll(() => rpc?.close());

const send = (to: string) => rpc.request("send", { to, message: "hello", channel: "telegram", idempotencyKey: `k-${Math.random()}` });

describe("a gateway with only allowTo (no book file)", () => {
  it("enforces allowTo: delivers to the listed chat once, cancels others, and reports the list masked", async () => {
    await eventually(async () => {
      const answer = await rpc.request("openclaw-guard.status", {});
      expect(answer.ok ? answer.payload : answer, real.gateway.output().slice(-3000)).toMatchObject({ ok: true, bookFile: "missing", allowTo: { telegram: ["••••77"] } });
    }, 60_000);
    await send("9000000123");
    await send(`telegram:${LISTED}`);
    await eventually(() => expect(real.telegram.delivered().filter((d) => d.chat_id === LISTED)).toHaveLength(1), 60_000);
    expect(real.telegram.callsTo("9000000123")).toEqual([]);
  }, 180_000);
});
