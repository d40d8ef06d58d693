// End to end: the real Codex CLI (@openai/codex 0.171.0, scripts/setup-e2e.sh) after
// `openclaw-guard init codex` in a fresh HOME, driven by a fake Responses API model, inside a
// loopback-only network namespace. A fake `openclaw` on the login shell's PATH records every run;
// the address book delivers with the dry-run transport.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { doctorChecks, expectOneDeliveryAndMaskedRefusal, hostileForms, NUMBER, useClientFixture } from "../support/agent-client-fixture.js";
import { REPO_ROOT } from "../support/claude-code.js";
import type { CodexCall } from "../support/fake-codex.ts";
import { clientSuiteSkipReason, E2E_DIR, NODE24, runInLoopbackNamespace, type NetnsStep } from "../support/netns.js";

const skip = clientSuiteSkipReason("codex");
const CLI = join(REPO_ROOT, "dist/cli.js");
const CODEX = join(E2E_DIR, "codex/node_modules/.bin/codex");
const ADVICE = "Use the `send_message` (namespace mcp__openclaw_guard) tool with a contact alias";

// Codex runs commands in a login shell (bash -lc) by default, which resets PATH from /etc/profile
// (init sets allow_login_shell = false and the PATH in [shell_environment_policy.set]; this profile
// is for runs without that).
const fixture = useClientFixture("codex", (f) => writeFile(join(f.home, ".bash_profile"), `export PATH='${f.bin}':"$PATH"\n`));

function step(argv: string[], timeoutMs = 60_000): NetnsStep {
  const { home, cwd, bin } = fixture();
  return {
    argv,
    cwd,
    timeoutMs,
    env: { HOME: home, PATH: `${bin}:${dirname(CODEX)}:${dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin`, FAKE_KEY: "dummy", XDG_CONFIG_HOME: join(home, ".config") },
  };
}

const init = (...extra: string[]) => step([NODE24, CLI, "init", "codex", ...extra]);
const doctor = () => step([NODE24, CLI, "doctor", "--json"]);
const exec = () =>
  step(
    [
      CODEX, "exec", "--skip-git-repo-check", "--ephemeral", "-s", "danger-full-access",
      "-c", "model_provider=fake",
      "-c", 'model_providers.fake={name="fake",base_url="{{MODEL_URL}}/v1",wire_api="responses",env_key="FAKE_KEY"}',
      // exec (approval policy never) refuses MCP calls unless the server's tools are approved.
      "-c", 'mcp_servers.openclaw-guard.default_tools_approval_mode="approve"',
      "-m", "fake-model", "go",
    ],
    180_000,
  );

const shell = (cmd: string): CodexCall => ({ name: "exec_command", arguments: { cmd } });
const send = (to: string): CodexCall => ({ name: "send_message", namespace: "mcp__openclaw_guard", arguments: { to, message: "the quarterly figures" } });

const HOSTILE = hostileForms("BIN");
const hostile = () => hostileForms(fixture().bin);




describe.skipIf(skip !== undefined)("Codex CLI 0.171.0 for real", () => {
  it("after init --trust-hook: the server is connected, the hook refuses every disguise and names the tool, send_message delivers once and refuses a number", async () => {
    const script = [...hostile().map(shell), shell("openclaw --version"), send("alice"), send(NUMBER)];
    const result = await runInLoopbackNamespace({ model: "codex", script, steps: [init("--trust-hook"), step([CODEX, "mcp", "list"]), doctor(), exec()] });
    const [initRun, list, , codexRun] = result.steps;

    expect(initRun, initRun?.stderr).toMatchObject({ exitCode: 0 });
    expect(initRun!.stdout).toMatch(/Codex hook trust .*\n {2}\+ trusted ~\/\.codex\/hooks\.json:pre_tool_use:0:0 \(sha256:/);
    expect(list!.stdout).toMatch(/openclaw-guard\s+\S+node\s+\S+cli\.js serve --config \S+\s.*enabled/);
    expect(doctorChecks(result, 2)["guard.codex-hook"]).toMatchObject({ status: "ok" });
    expect(doctorChecks(result, 2)["guard.agent-path-codex"]).toMatchObject({ status: "ok" });
    expect(codexRun, codexRun?.stderr).toMatchObject({ exitCode: 0, timedOut: false });

    // Connected: Codex started our server and offered its tools, described in Codex's spelling.
    const offered = result.offeredTools.filter((t) => t.name.startsWith("mcp__openclaw_guard."));
    expect(offered.map((t) => t.name).sort()).toEqual(["mcp__openclaw_guard.list_contacts", "mcp__openclaw_guard.send_message"]);
    expect(offered.find((t) => t.name.endsWith("send_message"))!.description).toContain("`list_contacts` (namespace mcp__openclaw_guard) lists the aliases");

    expect(result.toolResults).toHaveLength(script.length);
    const shown = result.toolResults.slice(0, HOSTILE.length).map((r, i) => ({ command: HOSTILE[i], blocked: r.text.startsWith("Command blocked by PreToolUse hook"), advised: r.text.includes(ADVICE) }));
    expect(shown).toEqual(HOSTILE.map((command) => ({ command, blocked: true, advised: true })));
    // Only harmless commands reached the fake openclaw: the control (and doctor's own version probe).
    expect(await fixture().ranOpenclaw()).toEqual(["--version", "--version"]);

    const [sent, refused] = result.toolResults.slice(-2);
    expect(JSON.parse(sent!.text.slice(sent!.text.indexOf("{")))).toMatchObject({ status: "sent", to: "alice", dryRun: true });
    expect(refused!.text).toMatch(/"status":"refused".*raw numbers are never accepted/);
    expectOneDeliveryAndMaskedRefusal(await fixture().auditRecords());
  });

  it("a hook changed after it was trusted is skipped silently: doctor fails, and only Codex's prefix rules and the PATH shim still apply", async () => {
    const script = hostile().map(shell);
    const result = await runInLoopbackNamespace({ model: "codex", script, steps: [init("--trust-hook")] });
    expect(result.steps[0]).toMatchObject({ exitCode: 0 });
    // Any change to the entry, e.g. a longer timeout, makes Codex treat it as modified.
    const hooksFile = join(fixture().home, ".codex", "hooks.json");
    await writeFile(hooksFile, (await readFile(hooksFile, "utf8")).replace('"timeout": 10', '"timeout": 11'));

    const after = await runInLoopbackNamespace({ model: "codex", script, steps: [doctor(), exec()] });
    const check = doctorChecks(after, 0)["guard.codex-hook"];
    expect(check).toMatchObject({ status: "fail" });
    expect(check!.summary).toMatch(/Codex skips the guard hook, silently: .*hooks\.json:pre_tool_use:0:0 changed since it was trusted/);
    expect(check!.fix).toContain("init codex --trust-hook");

    // Nothing reached the fake openclaw: what the rules let through, the PATH shim init put first in
    // [shell_environment_policy.set] refused (no login shell resets PATH: allow_login_shell = false).
    expect((await fixture().ranOpenclaw()).filter((args) => args.includes("message send"))).toEqual([]);
    // The rules' justification tells the model what to use instead, in Codex's spelling.
    const shim = "openclaw-guard: raw `openclaw message send` is disabled here.";
    const blockedByRules = after.toolResults.map((r, i) => ({ command: HOSTILE[i], rejected: /forbidden|rejected/i.test(r.text) && !r.text.includes("Process exited"), advised: r.text.includes(ADVICE), shim: r.text.includes(shim) }));
    expect(blockedByRules).toEqual([
      { command: HOSTILE[0], rejected: true, advised: true, shim: false },
      { command: HOSTILE[1], rejected: false, advised: false, shim: true },
      { command: HOSTILE[2], rejected: false, advised: false, shim: true },
      { command: HOSTILE[3], rejected: false, advised: false, shim: true },
      { command: HOSTILE[4], rejected: true, advised: true, shim: false },
      { command: HOSTILE[5], rejected: false, advised: false, shim: true },
    ]);
  });
});

if (skip !== undefined) {
  describe("Codex CLI 0.171.0 for real", () => {
    it.skip(skip, () => {});
  });
}
