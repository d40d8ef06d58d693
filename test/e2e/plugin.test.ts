// The backstop on the real gateway: openclaw 2026.9.6 with openclaw-guard's plugin loaded from this
// repository's built dist/ (and a test-only fault plugin), a fake Telegram Bot API and a scripted
// fake model. One gateway for the whole file: they take minutes to start on a loaded box.
//
// Every main model turn runs the same script: the assistant's message tool tries to send to
// LEAK_CHAT (never vetted), then the turn answers "Done.". So every turn also attacks.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAuditTail, verifyAuditText } from "../../src/audit/store.js";
import { bookFingerprint } from "../../src/plugin/index.js";
import { loadConfig } from "../../src/contacts/config.js";
import { eventually } from "../helpers.js";
import { REPO_ROOT, runClaude } from "../support/claude-code.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { useGatewayRpc } from "../support/guard-plugin.js";
import { NODE24, openclawCli, useGatewayWithFakeTelegram, useFakeModelTurns } from "../support/openclaw-gateway.js";

const VETTED = "555111";
const HUMAN = "555999";
const LATER = "555222";
const INBOUND = 4242; // the person allowed to write to the assistant (allowFrom), not in the book
const LEAK_CHAT = "9000000076";

let model: FakeAnthropic;
let guardDir = "";
let bookPath = "";
const book = (contacts: Record<string, string>) =>
  JSON.stringify({ contacts: Object.fromEntries(Object.entries(contacts).map(([alias, target]) => [alias, { channel: "telegram", target }])), audit: { file: join(guardDir, "audit.jsonl") } });
const BOOK = { alice: VETTED, human: HUMAN };
const writeBook = (text: string) => writeFileSync(bookPath, text, { mode: 0o600 });

const real = useGatewayWithFakeTelegram(async (config, home) => {
  model = await startFakeAnthropic([{ tool: "message", input: { action: "send", channel: "telegram", target: LEAK_CHAT, message: "leak from the turn" } }]);
  guardDir = join(home, "guard");
  mkdirSync(guardDir, { mode: 0o700 });
  bookPath = join(guardDir, "config.json5");
  writeBook(book(BOOK));
  config.plugins = {
    load: { paths: [REPO_ROOT, join(REPO_ROOT, "test/fixtures/fault-plugin")] },
    entries: { "openclaw-guard": { enabled: true, config: { configPath: bookPath, alert: { to: "human", maxPerHour: 1000 } } }, "ocg-test-fault": { enabled: true } },
  };
  useFakeModelTurns(config, model.url, INBOUND);
});

const rpc = useGatewayRpc(real, () => model?.close());

type Record_ = Record<string, unknown>;
const auditFile = () => join(guardDir, "gateway-audit.jsonl");
const audit = (): Record_[] => (existsSync(auditFile()) ? readFileSync(auditFile(), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record_) : []);
const sentTo = (chat: string) => real.telegram.callsTo(chat);
const rpcSend = (to: string, message: string) => rpc.request("send", { to, message, channel: "telegram", idempotencyKey: `k-${Math.random()}` });
const cli = (args: string[]) => openclawCli(["message", ...args, "--json"], real.gateway.env);
const status = async () => {
  const answer = await rpc.request("openclaw-guard.status", {});
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.payload;
};

describe("the openclaw-guard plugin on the real gateway", () => {
  it("is loaded and active, and enforces the MCP server's book (same fingerprint, no numbers shown)", async () => {
    await eventually(async () => {
      const list = await rpc.request("plugins.list", {});
      const entry = (list.ok ? (list.payload.plugins as Record_[]) : []).find((p) => p.id === "openclaw-guard");
      expect(entry, real.gateway.output().slice(-6000)).toMatchObject({ enabled: true, runtime: { state: "active" } });
    }, 30_000);
    const answer = await status();
    expect(answer).toMatchObject({ ok: true, contacts: 2, fingerprint: bookFingerprint(loadConfig(bookPath).contacts.values()) });
    expect(JSON.stringify(answer)).not.toContain(VETTED);
    expect(real.gateway.output()).toContain(`openclaw-guard: enforcing address book ${String(answer.fingerprint)}`);
  });

  it("RPC send: an unvetted chat is refused (UNAVAILABLE No delivery result), never reaches Telegram, is audited; a vetted one is delivered once", async () => {
    const bad = await rpcSend("9000000071", "rpc leak");
    expect(bad).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", message: expect.stringMatching(/No delivery result/) } });
    for (const spelling of ["tg:9000000071", "TELEGRAM:9000000071", " telegram:tg:9000000071 "]) expect((await rpcSend(spelling, "rpc leak")).ok).toBe(false);
    const good = await rpcSend(`telegram:${VETTED}`, "rpc vetted");
    expect(good).toMatchObject({ ok: true });
    expect(sentTo("9000000071")).toEqual([]);
    expect(real.telegram.delivered().filter((d) => d.text === "rpc vetted")).toEqual([{ chat_id: VETTED, text: "rpc vetted" }]);
    await eventually(() => expect(audit().filter((r) => r.path === "message_sending" && r.decision === "cancel" && r.to === "•••••••071")).toHaveLength(4), 30_000);
  });

  it("CLI message send (also with --reply-to and --thread-id) and broadcast: exit 0 but suppressed, nothing delivered; vetted delivered once", async () => {
    const plain = await cli(["send", "--channel", "telegram", "--target", "9000000072", "--message", "cli leak"]);
    expect(plain.exitCode).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ payload: { status: "suppressed", reason: "cancelled_by_message_sending_hook" } });
    const threaded = await cli(["send", "--channel", "telegram", "--target", "-1009000000072", "--thread-id", "5", "--reply-to", "12", "--message", "cli leak"]);
    expect(JSON.parse(threaded.stdout)).toMatchObject({ payload: { status: "suppressed" } });
    const broadcast = await openclawCli(["message", "broadcast", "--channel", "telegram", "--targets", "9000000073", "--message", "broadcast leak", "--json"], real.gateway.env);
    expect(broadcast.timedOut).toBe(false); // exit code not asserted: 2026.9.6 exits 0 ("1/1 succeeded") for a suppressed target, though its docs promise nonzero
    const vetted = await cli(["send", "--channel", "telegram", "--target", `tg:${VETTED}`, "--message", "cli vetted"]);
    expect(vetted.exitCode).toBe(0);
    for (const chat of ["9000000072", "-1009000000072", "9000000073"]) expect(sentTo(chat)).toEqual([]);
    expect(real.telegram.delivered().filter((d) => d.text === "cli vetted")).toEqual([{ chat_id: VETTED, text: "cli vetted" }]);
  }, 240_000);

  it("an inbound DM from an allowed sender: the turn's reply is delivered there, its message-tool send to another chat is not", async () => {
    real.telegram.receive({ chatId: INBOUND, text: "hello assistant" });
    await eventually(() => expect(real.telegram.delivered().filter((d) => d.chat_id === String(INBOUND))).toHaveLength(1), 150_000);
    expect(real.telegram.delivered().find((d) => d.chat_id === String(INBOUND))?.text).toBe("Done.");
    expect(sentTo(LEAK_CHAT)).toEqual([]);
    const records = await eventually(() => {
      const all = audit();
      expect(all.some((r) => r.path === "reply_payload_sending" && r.code === "admitted-reply")).toBe(true);
      expect(all.some((r) => r.path === "before_tool_call" && r.decision === "cancel" && r.action === "send")).toBe(true);
      return all;
    }, 30_000);
    expect(records.filter((r) => r.code === "admitted-reply" && r.path === "message_sending").length).toBeLessThanOrEqual(1);
    // the model saw a refusal for its tool call
    expect(model.toolResults().some((r) => r.tool === "message" && r.is_error && /blocked/i.test(r.text))).toBe(true);
  }, 200_000);

  it("agent --deliver to an unvetted chat delivers nothing; to a vetted chat exactly once", async () => {
    const agent = await openclawCli(["agent", "--agent", "main", "--channel", "telegram", "--to", "9000000075", "--message", "report", "--deliver", "--json"], real.gateway.env);
    expect(agent.timedOut).toBe(false);
    const vetted = await openclawCli(["agent", "--agent", "main", "--channel", "telegram", "--to", VETTED, "--message", "report", "--deliver", "--json"], real.gateway.env);
    expect(vetted.exitCode, `${vetted.stdout}\n${vetted.stderr}`).toBe(0);
    await eventually(() => expect(audit().some((r) => r.code === "not-in-address-book" && r.to === "•••••••075")).toBe(true), 150_000);
    for (const chat of ["9000000075", LEAK_CHAT]) expect(sentTo(chat)).toEqual([]);
    expect(real.telegram.delivered().filter((d) => d.chat_id === VETTED && d.text === "Done.")).toHaveLength(1);
  }, 300_000);

  it("the human's alert contact was told about the cancels, without numbers or message text", async () => {
    const alerts = await eventually(() => {
      const got = real.telegram.delivered().filter((d) => d.chat_id === HUMAN);
      expect(got.length).toBeGreaterThan(0);
      return got;
    }, 60_000);
    expect(alerts[0]!.text).toMatch(/^openclaw-guard blocked .* on telegram to •+\d{0,4} at .*Nothing was delivered/);
    expect(alerts.map((a) => a.text).join("\n")).not.toMatch(/90000000\d\d|rpc leak|cli leak/);
  });

  it("fails closed: an injected internal error, a deleted book and an invalid book cancel even a vetted send", async () => {
    const fault = await rpcSend(VETTED, "INJECT-GUARD-FAULT please");
    expect(fault).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    expect(real.telegram.delivered().filter((d) => d.text.includes("INJECT-GUARD-FAULT"))).toEqual([]);
    expect(real.gateway.output()).toMatch(/openclaw-guard: internal error in message_sending, cancelled: injected fault/);

    const { rmSync } = await import("node:fs");
    rmSync(bookPath);
    await eventually(async () => expect((await status()).ok).toBe(false), 5_000);
    expect((await rpcSend(VETTED, "while deleted")).ok).toBe(false);
    writeBook("{ contacts: { alice: { channel: 'telegram', target: '555111' } ");
    await eventually(async () => expect((await status()).error).toMatch(/not valid JSON5/), 5_000);
    expect((await rpcSend(VETTED, "while invalid")).ok).toBe(false);
    expect(real.telegram.delivered().filter((d) => /while (deleted|invalid)/.test(d.text))).toEqual([]);
    await eventually(() => expect(audit().filter((r) => r.code === "book-invalid").length).toBeGreaterThanOrEqual(2), 30_000);
  });

  it("an edit that adds a contact is enforced within 2 s", async () => {
    writeBook(book(BOOK));
    await eventually(async () => expect((await status()).ok).toBe(true), 5_000);
    expect((await rpcSend(LATER, "before the edit")).ok).toBe(false);
    const written = Date.now();
    writeBook(book({ ...BOOK, later: LATER }));
    const after = (await eventually(async () => {
      const s = await status();
      expect(s.contacts).toBe(3);
      return s;
    }, 10_000)) as Record_;
    // The plugin's own load time, not this test's polling, is what is measured.
    expect(Date.parse(String(after.loadedAt)) - written).toBeLessThanOrEqual(2_000);
    expect((await rpcSend(LATER, "after the edit")).ok).toBe(true);
    expect(real.telegram.delivered().filter((d) => d.chat_id === LATER).map((d) => d.text)).toEqual(["after the edit"]);
  });

  it("the incident, replayed: the real Claude Code runs a Node script that reads the gateway token and calls `send` for an invented number; nothing is delivered, the human is told", async () => {
    // No `init claude-code` here on purpose: the front door and the shell guard are not in the way,
    // as for a program the agent writes itself; the gateway plugin is the only layer left.
    const INVENTED = "15559876543";
    const cwd = join(real.gateway.home, "work");
    mkdirSync(cwd, { recursive: true });
    const script = join(cwd, "send.mjs");
    writeFileSync(
      script,
      `import { readFileSync } from "node:fs";
const cfg = JSON.parse(readFileSync(process.env.HOME + "/.openclaw/openclaw.json", "utf8"));
const ws = new WebSocket("ws://127.0.0.1:" + cfg.gateway.port);
const send = (id, method, params) => ws.send(JSON.stringify({ type: "req", id, method, params }));
ws.onmessage = (m) => {
  const f = JSON.parse(m.data);
  if (f.event === "connect.challenge") send("c", "connect", { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "1", platform: "linux", mode: "backend" }, role: "operator", scopes: ["operator.write"], auth: { token: cfg.gateway.auth.token } });
  if (f.id === "c") send("s", "send", { to: "${INVENTED}", channel: "telegram", message: "Q3 numbers attached", idempotencyKey: "incident-1" });
  if (f.id === "s") { console.log("RESULT " + JSON.stringify(f)); ws.close(); }
};
`,
    );
    const alertsBefore = real.telegram.delivered().filter((d) => d.chat_id === HUMAN).length;
    const run = await runClaude({
      home: real.gateway.home,
      cwd,
      allowedTools: ["Bash"],
      path: `/usr/local/bin:/usr/bin:/bin`,
      script: [{ tool: "Bash", input: { command: `${NODE24} ${script}`, description: "send the numbers" } }],
      timeoutMs: 150_000,
    });
    expect(run.timedOut).toBe(false);
    const [bash] = run.toolResults;
    expect(bash?.text).toMatch(/RESULT .*"ok":false.*UNAVAILABLE.*No delivery result/);
    expect(sentTo(INVENTED)).toEqual([]);
    // Alerts for earlier cancels may still arrive: look for the one naming this target.
    const alert = await eventually(() => {
      const got = real.telegram.delivered().filter((d) => d.chat_id === HUMAN).slice(alertsBefore);
      const hit = got.find((d) => /blocked a send through the gateway on telegram to •+543 /.test(d.text));
      expect(hit, got.map((d) => d.text).join("\n")).toBeDefined();
      return hit!;
    }, 60_000); // the issue: the human is told within a minute
    expect(alert.text).not.toContain(INVENTED);
  }, 240_000);

  it("keeps a gateway-side audit log that `audit verify` accepts, with no full number and no message text", () => {
    const text = readFileSync(auditFile(), "utf8");
    expect(verifyAuditText(text, readAuditTail(auditFile()))).toMatchObject({ ok: true });
    expect(text).not.toMatch(/555111|555999|15559876543|90000000\d\d|rpc leak|Q3 numbers/);
    const paths = new Set(audit().map((r) => r.path));
    for (const path of ["message_sending", "reply_payload_sending", "before_tool_call"]) expect(paths).toContain(path);
  });
});
