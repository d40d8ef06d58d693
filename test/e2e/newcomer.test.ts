// The newcomer, played end to end: a fresh HOME holding only OpenClaw's config (a real gateway on
// loopback, Telegram pointed at a fake Bot API), the real openclaw CLI and the real Claude Code on
// PATH. One command, `openclaw-guard setup` with flags only, and nothing else by hand: then the
// model's send_message to the alias is delivered once, its raw `openclaw message send` is refused
// by the hook, and doctor exits 0 with no WARN. A second setup changes nothing. The command count
// and wall times are printed for BENCHMARKS.md ("First run").
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { INCIDENT, runClaude } from "../support/claude-code.js";
import { NODE24, OPENCLAW, useGatewayWithFakeTelegram } from "../support/openclaw-gateway.js";

const VETTED_CHAT = "700100200";
const INVENTED_CHAT = "999888777";
const SEND = INCIDENT.sendTool;
// No WARN is left: the PATH shim is on Claude Code's PATH through its settings env.PATH (issue 18 item 2).
const PENDING_WARNS: string[] = [];
/** The ids of the WARN lines in a human doctor report (ids come from the --json run). */
const warnLines = (stdout: string) => stdout.split("\n").filter((l) => l.startsWith("WARN "));

describe("a newcomer's first run: setup, then a protected first send", () => {
  const suite = useGatewayWithFakeTelegram();

  it("setup with flags only registers everything; the alias is delivered once, the raw CLI refused, doctor clean, a re-run changes nothing", async () => {
    const home = suite.gateway.home;
    const bin = join(home, "bin");
    const work = join(home, "work");
    mkdirSync(bin);
    mkdirSync(work);
    // The real openclaw CLI, as `npm install -g openclaw` would put it on PATH.
    writeFileSync(join(bin, "openclaw"), `#!/bin/sh\nexec '${NODE24}' '${OPENCLAW}' "$@"\n`);
    chmodSync(join(bin, "openclaw"), 0o755);
    const env = { ...suite.gateway.env, PATH: `${bin}:${INCIDENT.claudeBinDir}:${suite.gateway.env.PATH}`, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", DISABLE_AUTOUPDATER: "1" };
    const setup = (extra: string[] = []) => execa(process.execPath, [INCIDENT.cli, "setup", "--yes", "--contact", `ops=telegram:${VETTED_CHAT}`, ...extra], { cwd: work, env, extendEnv: false, reject: false, timeout: 240_000 });
    const commands: string[] = [];

    const started = performance.now();
    commands.push("openclaw-guard setup --yes --contact ops=telegram:<chat id>");
    const first = await setup();
    const setupMs = performance.now() - started;
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("agents: claude-code");
    expect(first.stdout).toContain("+ contact ops (telegram)");
    expect(first.stdout).toContain("+ mcpServers.openclaw-guard");
    expect(first.stdout).toContain("+ permissions.allow: mcp__openclaw-guard__send_message");
    expect(first.stdout).toContain(`+ plugins.entries.openclaw-guard`);
    expect(first.stdout).toMatch(/^\+ paired device [0-9a-f]{12}… \(scopes operator\.write\)$/m);
    expect(warnLines(first.stdout)).toHaveLength(PENDING_WARNS.length);
    expect(first.stdout).not.toMatch(/^FAIL /m);
    expect(first.exitCode, first.stdout).toBe(0);
    expect(statSync(join(home, ".config/openclaw-guard/config.json5")).mode & 0o777).toBe(0o600);

    // The first send, as the model does it in a headless session: nothing approved by hand (setup allowed the guard's tools).
    const session = await runClaude({
      home,
      cwd: work,
      allowedTools: ["Bash"],
      path: env.PATH,
      script: [
        { tool: "Bash", input: { command: `openclaw message send --channel telegram --target ${INVENTED_CHAT} --message "hello"`, description: "send" } },
        { tool: SEND, input: { to: "ops", message: "first protected send" } },
      ],
      timeoutMs: 180_000,
    });
    commands.push("(in the agent) send_message to ops");
    const totalMs = performance.now() - started;
    expect(session.timedOut).toBe(false);
    expect(session.toolResults.map((r) => r.tool)).toEqual(["Bash", SEND]);
    const [raw, sent] = session.toolResults;
    expect(raw!.is_error).toBe(true);
    expect(raw!.text).toContain("Raw `openclaw message send` is disabled");
    expect(sent!.is_error, sent!.text).toBeFalsy();
    expect(sent!.text).toMatch(/"status":"sent"/);
    expect(suite.telegram.delivered()).toEqual([{ chat_id: VETTED_CHAT, text: "first protected send" }]);
    expect(suite.telegram.callsTo(INVENTED_CHAT)).toEqual([]);

    const doctorStarted = performance.now();
    const doctor = await execa(process.execPath, [INCIDENT.cli, "doctor", "--json"], { cwd: work, env, extendEnv: false, reject: false, timeout: 120_000 });
    const doctorMs = performance.now() - doctorStarted;
    expect(doctor.exitCode, doctor.stdout).toBe(0);
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string }[] }).checks;
    expect(checks.filter((c) => c.status === "fail" || c.status === "warn").map((c) => c.id), doctor.stdout).toEqual(PENDING_WARNS);
    expect(checks.find((c) => c.id === "gateway.plugin-active")).toMatchObject({ status: "ok" });
    expect(checks.find((c) => c.id === "client.claude-code-server")).toMatchObject({ status: "ok" });
    expect(checks.find((c) => c.id === "client.claude-code-tools")).toMatchObject({ status: "ok" });
    expect(checks.find((c) => c.id === "guard.agent-path-claude-code")).toMatchObject({ status: "ok" });

    // Idempotent: the second run writes nothing.
    const files = [".claude.json", ".claude/settings.json", ".openclaw/openclaw.json", ".config/openclaw-guard/config.json5", ".local/share/openclaw-guard/bin/openclaw"].map((f) => join(home, f));
    const before = files.map((f) => readFileSync(f, "utf8"));
    const again = await setup();
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.stdout).not.toMatch(/\((new file|changed)[,)]/);
    expect(again.stdout).toMatch(/^= paired device /m);
    expect(files.map((f) => readFileSync(f, "utf8"))).toEqual(before);

    console.log(`newcomer: ${commands.length} commands (${commands.join("; ")}); setup ${Math.round(setupMs)} ms; to the first delivered send ${Math.round(totalMs)} ms; baseline, doctor alone ${Math.round(doctorMs)} ms (setup/doctor ${(setupMs / doctorMs).toFixed(2)}x)`);
  }, 600_000);
});
