// The pure parts of doctor: each check from crafted facts, the report format, and the scrubber.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { verifyAuditText } from "../../src/audit/store.js";
import { parseConfig } from "../../src/contacts/config.js";
import { checkAuditChain, checkBookToken, checkStateDir } from "../../src/setup/checks/config-checks.js";
import { checkExposure } from "../../src/setup/checks/exposure-checks.js";
import { checkCanary, checkShimOrder, checkTextLimits, matcherCovers, type GuardHook } from "../../src/setup/checks/guard-checks.js";
import { checkOutboundAllowlist, normaliseWhatsappEntry, outboundAllowlistKeys, parseOpenclawVersion, supportsOutboundAllowlist } from "../../src/setup/checks/openclaw-checks.js";
import { checkCli, checkGateway, classifyGatewayError } from "../../src/setup/checks/transport-checks.js";
import { check, exitCodeOf, formatHuman, makeReport, scrubChecks, type Check } from "../../src/setup/doctor-report.js";

const dir = (mode: number, uid = 1000) => ({ mode: 0o040000 | mode, uid, isDirectory: true });
const file = (mode: number, uid = 1000) => ({ mode: 0o100000 | mode, uid, isDirectory: false });

describe("report", () => {
  const checks: Check[] = [
    { id: "a", layer: "config", status: "ok", summary: "fine." },
    { id: "b", layer: "openclaw", status: "fail", summary: 'WhatsApp channels.whatsapp.allowFrom is "*": the gateway allows any recipient.', fix: "list your contacts' numbers in channels.whatsapp.allowFrom." },
    { id: "c", layer: "guard", status: "warn", summary: "no shim.", fix: "install it." },
  ];

  it("prints one line per check with its fix, and a count; exit 1 only when something fails", () => {
    const report = makeReport(checks);
    expect(formatHuman(report)).toBe(
      [
        "ok   config     fine.",
        `FAIL openclaw   WhatsApp channels.whatsapp.allowFrom is "*": the gateway allows any recipient. Fix: list your contacts' numbers in channels.whatsapp.allowFrom.`,
        "WARN guard      no shim. Fix: install it.",
        "",
        "1 fail, 1 warn, 1 ok: fix the FAIL lines first",
        "",
      ].join("\n"),
    );
    expect(exitCodeOf(report)).toBe(1);
    expect(exitCodeOf(makeReport(checks.filter((c) => c.status !== "fail")))).toBe(0);
    expect(makeReport(checks.filter((c) => c.status !== "fail")).ok).toBe(true);
  });

  it("scrubs secrets, longest first, from summaries and fixes", () => {
    const scrubbed = scrubChecks([{ id: "x", layer: "transport", status: "fail", summary: "token abcd1234abcd and +27821234567", fix: "not 27821234567" }], ["abcd1234abcd", "+27821234567", "27821234567", "ab"]);
    expect(scrubbed[0]).toMatchObject({ summary: "token *** and ***", fix: "not ***" });
  });

  it("scrubs credentials written into URLs, with or without other secrets", () => {
    const [c] = scrubChecks([{ id: "x", layer: "transport", status: "fail", summary: "gateway wss://ops:hunter2@gw.example.com:443 is not reachable" }], []);
    expect(c!.summary).toBe("gateway wss://***@gw.example.com:443 is not reachable");
  });
});

describe("config layer", () => {
  it("state directory: owner, group/other write, read", () => {
    expect(checkStateDir({ file: "/s/audit.jsonl", dir: "/s", uid: 1000 })).toMatchObject({ status: "ok" });
    expect(checkStateDir({ file: "/s/audit.jsonl", dir: "/s", dirStat: dir(0o700), uid: 1000 })).toMatchObject({ status: "ok" });
    expect(checkStateDir({ file: "/s/audit.jsonl", dir: "/s", dirStat: dir(0o700, 1001), uid: 1000 })).toMatchObject({ status: "fail", summary: expect.stringContaining("uid 1001") });
    expect(checkStateDir({ file: "/s/audit.jsonl", dir: "/s", dirStat: dir(0o1777), uid: 1000 })).toMatchObject({ status: "fail" });
    expect(checkStateDir({ file: "/s/audit.jsonl", dir: "/s", dirStat: dir(0o700), fileStat: file(0o666), uid: 1000 })).toMatchObject({ status: "fail", fix: 'chmod 600 "/s/audit.jsonl"' });
    expect(checkStateDir({ file: "/s/audit.jsonl", dir: "/s", dirStat: dir(0o700), fileStat: file(0o644), uid: 1000 })).toMatchObject({ status: "warn" });
  });

  it("audit chain: missing is fine, unreadable and torn fail", () => {
    expect(checkAuditChain({ file: "/a", dir: "/" })).toMatchObject({ status: "ok" });
    expect(checkAuditChain({ file: "/a", dir: "/", readError: "EACCES" })).toMatchObject({ status: "fail" });
    expect(checkAuditChain({ file: "/a", dir: "/", chain: verifyAuditText('{"event":"attempt"\n') })).toMatchObject({ status: "fail", summary: expect.stringContaining("line 1") });
  });
});

describe("openclaw layer", () => {
  it("parses versions and normalises WhatsApp entries as WhatsApp does", () => {
    expect(parseOpenclawVersion("OpenClaw 2026.9.6 (eb377ac)\n")).toBe("2026.9.6");
    expect(parseOpenclawVersion("nothing")).toBeUndefined();
    expect(normaliseWhatsappEntry("+1 (555) 000-1111")).toBe("+15550001111");
    expect(normaliseWhatsappEntry("whatsapp:+27821234567")).toBe("+27821234567");
    expect(normaliseWhatsappEntry("*")).toBeUndefined();
  });

  it("finds allowTo-like keys, and knows no version supports them yet", () => {
    expect(outboundAllowlistKeys({ channels: { telegram: { allowTo: [] }, slack: { accounts: { a: { allowSendTo: [] } } } } })).toEqual(["channels.telegram.allowTo", "channels.slack.accounts.a.allowSendTo"]);
    expect(supportsOutboundAllowlist("2026.9.6")).toBe(false);
    expect(supportsOutboundAllowlist("2099.1.1")).toBe(false);
    expect(checkOutboundAllowlist(undefined, "2026.9.6")).toMatchObject({ status: "note", summary: expect.stringContaining("only WhatsApp direct messages are gated") });
  });
});

describe("transport layer", () => {
  it("classifies gateway errors", () => {
    expect(classifyGatewayError(Object.assign(new Error("x"), { details: { code: "AUTH_TOKEN_MISMATCH" } }), "connect")).toMatchObject({ kind: "auth" });
    expect(classifyGatewayError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "connect")).toMatchObject({ kind: "unreachable" });
    expect(classifyGatewayError(Object.assign(new Error("no handshake"), { code: "CONNECT_TIMEOUT" }), "connect")).toMatchObject({ kind: "timeout" });
    expect(classifyGatewayError(Object.assign(new Error("unknown method"), { gatewayCode: "INVALID_REQUEST" }), "health")).toMatchObject({ kind: "error" });
  });

  it("gateway lines", () => {
    expect(checkGateway({ url: "ws://x", urlSource: "s", authSource: "a", outcome: { ok: true, ms: 5 } })).toMatchObject({ status: "ok" });
    expect(checkGateway({ skipped: "dry-run" })).toMatchObject({ status: "warn" });
    expect(checkGateway({ url: "ws://x", urlSource: "s", authSource: "a", outcome: { ok: false, stage: "connect", kind: "timeout", message: "m" } })).toMatchObject({ status: "fail" });
  });

  it("the CLI only matters for the cli transport", () => {
    expect(checkCli({ transport: "gateway", source: "none" })).toMatchObject({ status: "ok" });
    expect(checkCli({ transport: "cli", source: "none" })).toMatchObject({ status: "fail" });
    const run = { stdout: "", stderr: "", timedOut: false };
    expect(checkCli({ transport: "cli", source: "config", argv: ["/x"], exists: true, executable: true, isShim: false, result: { ...run, timedOut: true } })).toMatchObject({ status: "fail", summary: expect.stringContaining("in time") });
    expect(checkCli({ transport: "cli", source: "config", argv: ["/x"], exists: true, executable: true, isShim: false, result: { ...run, spawnError: "EACCES" } })).toMatchObject({ status: "fail" });
    expect(checkCli({ transport: "cli", source: "config", argv: ["/x"], exists: true, executable: false, isShim: false })).toMatchObject({ status: "fail", summary: expect.stringContaining("not executable") });
  });
});

describe("guard layer", () => {
  it("matchers as Claude Code reads them", () => {
    for (const m of [undefined, "", "*", "Bash", "Bash|Write", ".*", "Ba.*"]) expect(matcherCovers(m, "Bash")).toBe(true);
    for (const m of ["Write|Edit", "bash", "Bas", "mcp__.*"]) expect(matcherCovers(m, "Bash")).toBe(false);
  });

  it("shim order: the PATH advice is correct when pasted into bash (no literal ~)", () => {
    const { fix } = checkShimOrder([{ shell: "this environment", found: [{ file: "/r/openclaw", isShim: false }] }]);
    const line = /export PATH=\S+/.exec(fix ?? "")?.[0];
    expect(line).toBeDefined();
    const home = "/home/someone";
    const pasted = spawnSync("bash", ["-c", `${line}; printf %s "$PATH"`], { encoding: "utf8", env: { HOME: home, PATH: "/usr/bin:/bin" } });
    expect(pasted.stdout).toBe(`${home}/.local/share/openclaw-guard/bin:/usr/bin:/bin`);
    const install = /--dir ("[^"]+"|\S+)/.exec(fix ?? "")?.[1];
    expect(spawnSync("bash", ["-c", `printf %s ${install}`], { encoding: "utf8", env: { HOME: home } }).stdout).toBe(`${home}/.local/share/openclaw-guard/bin`);
  });

  it("shim order: a shell whose lookup failed is a warning, never silently ok", () => {
    const shim = { file: "/s/openclaw", isShim: true };
    expect(checkShimOrder([{ shell: "this environment", found: [shim] }, { shell: "bash -l", found: [], error: "timed out" }])).toMatchObject({ status: "warn", summary: expect.stringContaining("bash -l (timed out)") });
    expect(checkShimOrder([{ shell: "this environment", found: [shim, { file: "/r/openclaw", isShim: false }] }])).toMatchObject({ status: "ok" });
    expect(checkShimOrder([{ shell: "this environment", found: [{ file: "/r/openclaw", isShim: false }, shim] }])).toMatchObject({ status: "fail", summary: expect.stringContaining("before the shim") });
  });

  it("canary outcomes", () => {
    const hook: GuardHook = { scope: "user", path: "/h/.claude/settings.json", matcher: "Bash", form: "command", command: "node /x/cli.js hook claude-code", onFailure: "block" };
    const result = { stdout: "", stderr: "", timedOut: false };
    expect(checkCanary(undefined)).toBeUndefined();
    expect(checkCanary({ hook, ms: 1, result: { ...result, exitCode: 2 } })).toMatchObject({ status: "ok" });
    expect(checkCanary({ hook, ms: 1, result: { ...result, exitCode: 0 } })).toMatchObject({ status: "fail" });
    const timedOut = checkCanary({ hook, ms: 1, result: { ...result, timedOut: true } });
    expect(timedOut).toMatchObject({ status: "fail", summary: expect.stringContaining("timed out") });
    expect(timedOut?.summary).toContain("Claude Code blocks every Bash command");
    expect(checkCanary({ hook, ms: 1, result: { ...result, exitCode: 1, stderr: "sent to +15551234567" } })?.summary).not.toContain("15551234567");
  });
});

describe("exposure layer", () => {
  const base = { dir: "/h/.openclaw", configPath: "/h/.openclaw/openclaw.json", tokenInOurConfig: false, tokenInEnv: false, uid: 1000 };
  it("notes that the agent's user can read OpenClaw's state (the single-user limit), warns when the token was copied to the book or the environment, ok otherwise", () => {
    expect(checkExposure({ ...base, dirExists: true, dirReadable: true, configReadable: true })).toMatchObject({ status: "note", summary: expect.stringContaining("/h/.openclaw is readable by this user (uid 1000)") });
    expect(checkExposure({ ...base, dirExists: true, dirReadable: true, configReadable: true, tokenInEnv: true })).toMatchObject({ status: "warn", summary: expect.stringContaining("the environment (OPENCLAW_GATEWAY_TOKEN/PASSWORD)") });
    expect(checkExposure({ ...base, dirExists: false, dirReadable: false, configReadable: false, tokenInOurConfig: true })).toMatchObject({ status: "warn" });
    expect(checkExposure({ ...base, dirExists: true, dirReadable: false, configReadable: false })).toMatchObject({ status: "ok" });
    expect(checkExposure({ ...base, dirExists: false, dirReadable: false, configReadable: false })).toMatchObject({ status: "ok" });
    expect(checkExposure({ ...base, dirExists: false, dirReadable: false, configReadable: false, tokenInEnv: true })).toMatchObject({ status: "warn" });
  });
});

describe("config layer: a gateway token in the book", () => {
  const withToken = parseConfig('{ openclaw: { gateway: { token: "tok-123456789" } }, contacts: {} }', "/b.json5", {});
  const without = parseConfig("{ contacts: {} }", "/b.json5", {});
  const facts = (config: typeof withToken, mode: number) => ({ path: "/b.json5", config, stat: { mode: 0o100000 | mode, uid: 1000, isDirectory: false } });
  it("fails when others can read it, and says nothing for a private book or one without a token", () => {
    expect(checkBookToken(facts(withToken, 0o644))).toMatchObject({ id: "config.token-readable", status: "fail", summary: expect.stringContaining("readable by every user (mode 644)"), fix: expect.stringContaining("chmod 600") });
    expect(checkBookToken(facts(withToken, 0o640))?.summary).toContain("readable by its group");
    expect(checkBookToken(facts(withToken, 0o600))).toBeUndefined();
    expect(checkBookToken(facts(without, 0o644))).toBeUndefined();
  });
});

describe("guard.text-limits: what a text check cannot see, worded by what covers it", () => {
  const sandboxOn = check("claude-code.sandbox", "guard", "ok", "on");
  const separated = [check("exposure.separation", "exposure", "ok", "separated")];

  it("is a note in the guard section naming what the hook cannot see", () => {
    const finding = checkTextLimits(undefined, []);
    expect(finding).toMatchObject({ id: "guard.text-limits", layer: "guard", status: "note" });
    expect(finding.summary).toMatch(/computed at run time.*`ls`, `ss`, octal or hex/);
    expect(finding.summary).toMatch(/neither Claude Code's sandbox nor the separated setup is in place/);
    expect(finding.fix).toMatch(/init claude-code --sandbox.*init openclaw --separate/);
  });

  it("says which of the sandbox and the separated setup is in place, and points at the other", () => {
    const sandboxOnly = checkTextLimits(sandboxOn, []);
    expect(sandboxOnly.summary).toMatch(/Claude Code's sandbox keeps its Bash commands from the gateway's token and port/);
    expect(sandboxOnly.summary).toMatch(/other agents' shells are not covered/);
    expect(sandboxOnly.fix).toBe("openclaw-guard init openclaw --separate (every agent)");
    const separatedOnly = checkTextLimits(check("claude-code.sandbox", "guard", "warn", "partial"), separated);
    expect(separatedOnly.summary).toMatch(/OpenClaw runs as another user/);
    expect(separatedOnly.summary).not.toMatch(/sandbox keeps/);
    expect(separatedOnly.fix).toMatch(/init claude-code --sandbox/);
    const both = checkTextLimits(sandboxOn, separated);
    expect(both.fix).toBeUndefined();
    expect(both.status).toBe("note");
  });

  it("does not count a failing separation as the separated setup", () => {
    const failing = [check("exposure.separation.gateway", "exposure", "fail", "readable")];
    expect(checkTextLimits(undefined, failing).summary).toMatch(/neither/);
  });
});
