// The incident's channel for real: openclaw 2026.9.6 with the real @openclaw/whatsapp 2026.9.6 channel
// plugin and openclaw-guard's plugin (this repository's dist/), WhatsApp configured with no linked
// phone and `allowFrom: ["*"]` (OpenClaw's own outbound check off, as in the incident). A send the guard
// lets through is attempted by the channel and fails "No active WhatsApp Web listener"; the gateway
// then keeps it in its durable delivery queue. So each outcome is the gateway's own:
//   attempted  the channel tried to deliver (NO_LISTENER; a queue entry for the resolved target)
//   cancelled  the guard's message_sending hook cancelled it (no queue entry)
//   refused    OpenClaw refused the target itself before any hook (no queue entry)
// Every spelling of a stranger, on every path, must end cancelled or refused; every spelling that
// OpenClaw resolves to a vetted chat is attempted exactly once. One gateway for the file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { startFakeAnthropic, type FakeAnthropic, type ScriptStep } from "../support/fake-anthropic.js";
import { connectGateway, type GatewayRpc, type RpcResult } from "../support/gateway-ws.js";
import { openclawCli, useGatewayWithFakeTelegram } from "../support/openclaw-gateway.js";
import { deliveryAttempts, NO_LISTENER, WHATSAPP_NORMALISER, withWhatsApp } from "../support/openclaw-whatsapp.js";

const VETTED = "+27821234567";
const VETTED_GROUP = "120363000000000001@g.us";
const STRANGER = "+27829999999";
const STRANGER_GROUP = "120363000000000002@g.us";
const HOOK_TOKEN = "hook-token-for-whatsapp-tests-0123";
const TOOL_TURN = "RUN-THE-WHATSAPP-TOOL-SCRIPT";

const fullWidth = (s: string) => s.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const arabicIndic = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(0x0660 + Number(c)));

/** Every way of writing one number that WhatsApp users and OpenClaw's docs use, and some they should not. */
function numberSpellings(e164: string): string[] {
  const d = e164.slice(1); // 27 82 xxx xxxx
  const [cc, area, a, b] = [d.slice(0, 2), d.slice(2, 4), d.slice(4, 7), d.slice(7)];
  return [
    e164,
    `+${cc} ${area} ${a} ${b}`,
    `+${cc}-${area}-${a}-${b}`,
    `+${cc}.${area}.${a}.${b}`,
    `+${cc} (${area}) ${a}-${b}`,
    `(+${cc}) ${area} ${a} ${b}`,
    `+${cc}\u00a0${area}\u2009${a}\u3000${b}`,
    `00${d}`,
    `0${d.slice(2)}`, // national form with its trunk 0
    d, // no plus
    `whatsapp:${e164}`,
    ` WhatsApp: +${cc} ${area} ${a} ${b} `,
    fullWidth(e164),
    arabicIndic(e164),
    `+${cc}${area}${fullWidth(a + b)}`, // mixed digits: OpenClaw keeps only the ASCII ones
    `${d}@s.whatsapp.net`,
    `${d}:7@s.whatsapp.net`,
    `${d}@c.us`,
    `${d}@lid`,
    `${d}@broadcast`,
  ];
}
const groupSpellings = (jid: string) => [jid, `group:${jid}`, `whatsapp:group:${jid}`, jid.toUpperCase(), jid.replace("@g.us", "@broadcast")];
const UNVETTED = [...numberSpellings(STRANGER), ...groupSpellings(STRANGER_GROUP), "status@broadcast", "120363000000000002@newsletter"];
const OF_VETTED = [...numberSpellings(VETTED), ...groupSpellings(VETTED_GROUP)];

// The assistant's message tool, in one turn (the conversation that starts with TOOL_TURN): each step
// with the outcome it must have ("blocked" by the guard's before_tool_call, or "attempted").
const FILE = { buffer: "aGVsbG8=", filename: "a.txt" };
const TOOL_SCRIPT: [ScriptStep, "blocked" | "attempted"][] = [
  [{ tool: "message", input: { action: "send", channel: "whatsapp", target: "+27 82 999 9999", message: "tool leak 1" } }, "blocked"],
  [{ tool: "message", input: { action: "send", channel: "whatsapp", target: "27829999999@s.whatsapp.net", message: "tool leak 2" } }, "blocked"],
  [{ tool: "message", input: { action: "send", channel: "whatsapp", target: STRANGER_GROUP, message: "tool leak 3" } }, "blocked"],
  [{ tool: "message", input: { action: "send", channel: "whatsapp", targets: [VETTED, STRANGER], message: "tool leak 4" } }, "blocked"],
  [{ tool: "message", input: { action: "poll", channel: "whatsapp", target: STRANGER, pollQuestion: "tool poll?", pollOption: ["a", "b"] } }, "blocked"],
  [{ tool: "message", input: { action: "upload-file", channel: "whatsapp", target: STRANGER, ...FILE } }, "blocked"],
  [{ tool: "message", input: { action: "react", channel: "whatsapp", target: STRANGER, messageId: "3EB0ABCDEF", emoji: "👍" } }, "blocked"],
  // WhatsApp's upload-file and react read `chatJid` before `to`: a vetted target beside a stranger's chatJid.
  [{ tool: "message", input: { action: "upload-file", channel: "whatsapp", target: VETTED, chatJid: "27829999999@s.whatsapp.net", ...FILE } }, "blocked"],
  [{ tool: "message", input: { action: "react", channel: "whatsapp", target: VETTED, chatJid: "27829999999@s.whatsapp.net", messageId: "3EB0ABCDEF", emoji: "👍" } }, "blocked"],
  [{ tool: "message", input: { action: "send", channel: "whatsapp", target: "+27 82 123 4567", message: "tool vetted" } }, "attempted"],
];

let model: FakeAnthropic;
let guardDir = "";
const real = useGatewayWithFakeTelegram(async (config, home) => {
  model = await startFakeAnthropic((first) => (first.includes(TOOL_TURN) ? TOOL_SCRIPT.map(([step]) => step) : []));
  guardDir = join(home, "guard");
  mkdirSync(guardDir, { mode: 0o700 });
  const book = { contacts: { alice: { channel: "whatsapp", target: VETTED }, team: { channel: "whatsapp", target: VETTED_GROUP } }, audit: { file: join(guardDir, "audit.jsonl") } };
  writeFileSync(join(guardDir, "config.json5"), JSON.stringify(book), { mode: 0o600 });
  config.plugins = { load: { paths: [REPO_ROOT] }, entries: { "openclaw-guard": { enabled: true, config: { configPath: join(guardDir, "config.json5") } } } };
  withWhatsApp(config);
  config.models = { mode: "merge", providers: { fake: { baseUrl: model.url, apiKey: "dummy", api: "anthropic-messages", models: [{ id: "claude-fake", name: "Fake" }] } } };
  config.agents = { defaults: { model: { primary: "fake/claude-fake" } } };
  config.tools = { toolSearch: false };
  config.hooks = { enabled: true, token: HOOK_TOKEN, path: "/hooks", allowedAgentIds: ["main"] };
});

let rpc: GatewayRpc;
let resolve: (raw: string) => string | null;
beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, "dist/plugin/index.js"))) throw new Error("dist/plugin/index.js is missing: run `npm run build` first");
  resolve = ((await import(WHATSAPP_NORMALISER)) as { c: typeof resolve }).c;
  rpc = await connectGateway(real.gateway.url, real.gateway.token);
}, 60_000);
afterAll(async () => {
  rpc?.close();
  await model?.close();
});

type Outcome = "attempted" | "cancelled" | "refused" | `other: ${string}`;
const attempts = (text: string) => deliveryAttempts(real.gateway.home).filter((a) => a.channel === "whatsapp" && a.text === text);
const audit = (): Record<string, unknown>[] => {
  const file = join(guardDir, "gateway-audit.jsonl");
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
};
let key = 0;
const idempotencyKey = () => `wa-${++key}-${Date.now()}`;

/** RPC `send` and `message.action` answer each outcome differently; this names which one happened. */
function outcomeOf(answer: RpcResult): Outcome {
  if (answer.ok && answer.payload.deliveryStatus === "suppressed") return "cancelled";
  if (!answer.ok && NO_LISTENER.test(answer.error.message)) return "attempted";
  if (!answer.ok && /No delivery result/.test(answer.error.message)) return "cancelled";
  if (!answer.ok && /requires target/.test(answer.error.message)) return "refused";
  // message.action looks a target OpenClaw cannot read up as a group name; with no linked account there are none.
  if (!answer.ok && /WhatsAppDirectoryUnavailableError/.test(answer.error.message)) return "refused";
  return `other: ${JSON.stringify(answer).slice(0, 300)}`;
}
/** What the guard must make of a spelling: OpenClaw's own resolution decides where it would go. */
function expected(raw: string, vetted: readonly string[]): Outcome {
  const to = resolve(raw);
  return to === null ? "refused" : vetted.includes(to) ? "attempted" : "cancelled";
}

describe("WhatsApp through the real gateway, with the openclaw-guard plugin", () => {
  it("loads the channel and the guard, both active", async () => {
    await eventually(async () => {
      const list = await rpc.request("plugins.list", {});
      const plugins = list.ok ? (list.payload.plugins as Record<string, unknown>[]) : [];
      for (const id of ["openclaw-guard", "whatsapp"]) expect(plugins.find((p) => p.id === id), `${id}\n${real.gateway.output().slice(-4000)}`).toMatchObject({ enabled: true, runtime: { state: "active" } });
    }, 30_000);
  });

  describe.each([
    ["RPC send", (to: string, text: string) => rpc.request("send", { to, channel: "whatsapp", message: text, idempotencyKey: idempotencyKey() })],
    ["message.action send (the CLI's path)", (to: string, text: string) => rpc.request("message.action", { channel: "whatsapp", action: "send", params: { to, message: text }, idempotencyKey: idempotencyKey() })],
  ])("%s", (path, send) => {
    it("every spelling of a stranger is cancelled by the guard or refused by OpenClaw: none is attempted", async () => {
      const seen: Record<string, Outcome> = {};
      for (const [i, to] of UNVETTED.entries()) seen[to] = outcomeOf(await send(to, `${path} stranger ${i}`));
      expect(seen).toEqual(Object.fromEntries(UNVETTED.map((to) => [to, expected(to, [])])));
      expect(Object.values(seen).filter((o) => o === "cancelled").length).toBeGreaterThan(15);
      for (const i of UNVETTED.keys()) expect(attempts(`${path} stranger ${i}`), UNVETTED[i]).toEqual([]);
    });

    it("every spelling OpenClaw resolves to a vetted chat is attempted exactly once, at that chat; the others are not", async () => {
      const seen: Record<string, Outcome> = {};
      for (const [i, to] of OF_VETTED.entries()) seen[to] = outcomeOf(await send(to, `${path} vetted ${i}`));
      expect(seen).toEqual(Object.fromEntries(OF_VETTED.map((to) => [to, expected(to, [VETTED, VETTED_GROUP])])));
      for (const [i, to] of OF_VETTED.entries()) {
        const queued = attempts(`${path} vetted ${i}`);
        if (seen[to] === "attempted") {
          expect(queued, to).toHaveLength(1);
          expect([VETTED, VETTED_GROUP], to).toContain(queued[0]!.target);
          expect(queued[0]!.lastError).toMatch(NO_LISTENER);
        } else expect(queued, to).toEqual([]);
      }
      expect(Object.values(seen).filter((o) => o === "attempted").length).toBeGreaterThan(12);
    });
  });

  it("the guard audited the cancels, with no full number", () => {
    const records = audit();
    expect(records.filter((r) => r.path === "message_sending" && r.channel === "whatsapp" && r.decision === "cancel").length).toBeGreaterThan(30);
    const full = /27829999999|27821234567|120363000000000002/;
    expect(records.filter((r) => full.test(JSON.stringify(r)))).toEqual([]);
  });

  it("CLI message send and broadcast: strangers never attempted, the vetted number once; CLI react (no hook runs) reaches a stranger", async () => {
    const cli = (args: string[]) => openclawCli(["message", ...args, "--json"], real.gateway.env);
    // Side by side: each CLI start costs ~10 s.
    const [stranger, vetted, broadcast, reacted] = await Promise.all([
      cli(["send", "--channel", "whatsapp", "--target", "+27 (82) 999-9999", "--message", "cli stranger"]),
      cli(["send", "--channel", "whatsapp", "--target", "27821234567@s.whatsapp.net", "--message", "cli vetted"]),
      cli(["broadcast", "--channel", "whatsapp", "--targets", STRANGER, "--targets", STRANGER_GROUP, "--targets", VETTED, "--message", "cli broadcast"]),
      // A documented limit (docs/gateway.md): the channel attempted it, so no hook cancelled it; the RPC's react is refused (below).
      cli(["react", "--channel", "whatsapp", "--target", STRANGER, "--message-id", "3EB0ABCDEF", "--emoji", "👍"]),
    ]);
    expect(reacted.stdout).toMatch(NO_LISTENER);
    expect(stranger.exitCode).toBe(1);
    expect(stranger.stdout).toMatch(/No delivery result/);
    expect(vetted.stdout).toMatch(NO_LISTENER);
    expect(broadcast.timedOut).toBe(false);
    expect(attempts("cli stranger")).toEqual([]);
    expect(attempts("cli vetted").map((a) => a.target)).toEqual([VETTED]);
    await eventually(() => expect(attempts("cli broadcast").map((a) => a.target)).toEqual([VETTED]), 10_000);
  }, 150_000);

  it("the assistant's message tool: sends, polls, uploads and reactions to strangers are blocked before the call; a vetted send is attempted once", async () => {
    const turn = await openclawCli(["agent", "--agent", "main", "--session-key", "agent:main:wa-tools", "--message", TOOL_TURN, "--json"], real.gateway.env);
    expect(turn.timedOut, `${turn.stdout}\n${turn.stderr}`).toBe(false);
    const results = await eventually(() => {
      const got = model.toolResults().filter((r) => r.tool === "message");
      expect(got).toHaveLength(TOOL_SCRIPT.length);
      return got;
    }, 60_000);
    const outcomes = results.map((r) => (r.is_error && /openclaw-guard blocked/.test(r.text) ? "blocked" : NO_LISTENER.test(r.text) ? "attempted" : `other: ${r.text.slice(0, 200)}`));
    expect(outcomes).toEqual(TOOL_SCRIPT.map(([, outcome]) => outcome));
    for (const n of [1, 2, 3, 4]) expect(attempts(`tool leak ${n}`)).toEqual([]);
    expect(attempts("tool vetted").map((a) => a.target)).toEqual([VETTED]);
    expect(audit().filter((r) => r.path === "before_tool_call" && r.decision === "cancel").length).toBeGreaterThanOrEqual(TOOL_SCRIPT.filter(([, o]) => o === "blocked").length);
  }, 150_000);

  it("agent --deliver (also --reply-to) and webhooks with deliver: the reply reaches a vetted chat once, a stranger never", async () => {
    const before = (to: string) => deliveryAttempts(real.gateway.home).filter((a) => a.target === to).length;
    const [vettedBefore, groupBefore] = [before(VETTED), before(VETTED_GROUP)];
    const agent = (args: string[]) => openclawCli(["agent", "--agent", "main", "--message", "report", "--deliver", "--json", ...args], real.gateway.env);
    const hook = (to: string) =>
      fetch(`http://127.0.0.1:${real.gateway.port}/hooks/agent`, {
        method: "POST",
        headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ message: "summarise", agentId: "main", channel: "whatsapp", to, deliver: true }),
      });
    expect((await hook("+27 82 999 9999")).status).toBeLessThan(300);
    expect((await hook(`group:${VETTED_GROUP}`)).status).toBeLessThan(300);
    // Independent turns, each its own session: run side by side (each CLI start costs ~10 s).
    const runs = await Promise.all([
      agent(["--channel", "whatsapp", "--to", STRANGER]),
      agent(["--reply-channel", "whatsapp", "--reply-to", "27829999999@c.us", "--session-key", "agent:main:wa-reply"]),
      agent(["--channel", "whatsapp", "--to", VETTED, "--session-key", "agent:main:wa-vetted"]),
    ]);
    for (const run of runs) expect(run.timedOut, `${run.stdout}\n${run.stderr}`).toBe(false);
    await eventually(() => {
      expect(before(VETTED) - vettedBefore).toBe(1);
      expect(before(VETTED_GROUP) - groupBefore).toBe(1);
    }, 120_000);
    await new Promise((r) => setTimeout(r, 3_000)); // a late duplicate or a stranger's turn would show by now
    expect(before(VETTED) - vettedBefore).toBe(1);
    expect(before(VETTED_GROUP) - groupBefore).toBe(1);
    expect(deliveryAttempts(real.gateway.home).filter((a) => a.target === STRANGER || a.target === STRANGER_GROUP)).toEqual([]);
    expect(audit().filter((r) => r.decision === "cancel" && r.to === "+27•••••9999" && r.path !== "before_tool_call").length).toBeGreaterThanOrEqual(2);
  }, 240_000);

  describe("polls, uploads and reactions: paths that run no hook on WhatsApp (measured; docs/gateway.md)", () => {
    const poll = (to: string) => rpc.request("poll", { to, channel: "whatsapp", question: "Q?", options: ["a", "b"], idempotencyKey: idempotencyKey() });
    const action = (name: string, params: Record<string, unknown>) => rpc.request("message.action", { channel: "whatsapp", action: name, params, idempotencyKey: idempotencyKey() });

    it("RPC poll (DM and group), message.action poll and upload-file reach a stranger's chat: attempted, no hook ran", async () => {
      const before = audit().length;
      expect(outcomeOf(await poll(STRANGER))).toBe("attempted");
      expect(outcomeOf(await poll(STRANGER_GROUP))).toBe("attempted");
      expect(outcomeOf(await action("poll", { to: STRANGER, pollQuestion: "Q?", pollOption: ["a", "b"] }))).toBe("attempted");
      expect(outcomeOf(await action("upload-file", { to: STRANGER, ...FILE }))).toBe("attempted");
      // An operator's react is refused by OpenClaw itself (a delegated react needs the current conversation).
      const react = await action("react", { to: STRANGER, messageId: "3EB0ABCDEF", emoji: "👍" });
      expect(react).toMatchObject({ ok: false, error: { message: expect.stringMatching(/requires the exact current conversation/) } });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(audit().slice(before)).toEqual([]);
    });

    it("what init and doctor rely on: actions.reactions false refuses CLI react; allowFrom listing only vetted numbers refuses the rest for DMs, not for groups", async () => {
      const original = readFileSync(real.gateway.configPath, "utf8");
      const config = JSON.parse(original);
      config.channels.whatsapp.allowFrom = [VETTED];
      config.channels.whatsapp.actions = { reactions: false };
      writeFileSync(real.gateway.configPath, JSON.stringify(config, null, 2));
      try {
        await eventually(async () => expect(outcomeOf(await poll(STRANGER))).not.toBe("attempted"), 20_000); // the hot reload
        const dm = await poll(STRANGER);
        expect(dm).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not listed in the configured WhatsApp allowFrom/) } });
        const upload = await action("upload-file", { to: STRANGER, ...FILE });
        expect(upload).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not in the configured allowFrom/) } });
        expect(outcomeOf(await poll(STRANGER_GROUP))).toBe("attempted");
        expect(outcomeOf(await poll(VETTED))).toBe("attempted");
        // A group, which allowFrom does not cover: what refuses it is the actions switch.
        const reacted = await openclawCli(["message", "react", "--channel", "whatsapp", "--target", STRANGER_GROUP, "--message-id", "3EB0ABCDEF", "--emoji", "👍", "--json"], real.gateway.env);
        expect(reacted.stdout).toMatch(/WhatsApp reactions are disabled/);
      } finally {
        writeFileSync(real.gateway.configPath, original);
      }
    });
  });
});
