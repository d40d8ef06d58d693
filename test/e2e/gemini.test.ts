// End to end: the real Gemini CLI (@google/gemini-cli 0.61.0, scripts/setup-e2e.sh) after
// `openclaw-guard init gemini` in a fresh HOME, driven by a fake Gemini API model, inside a
// loopback-only network namespace. A fake `openclaw` on PATH records every run; the address book
// delivers with the dry-run transport.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { doctorChecks, expectOneDeliveryAndMaskedRefusal, hostileForms, NUMBER, useClientFixture } from "../support/agent-client-fixture.js";
import { REPO_ROOT } from "../support/claude-code.js";
import type { GeminiCall } from "../support/fake-gemini.ts";
import { clientSuiteSkipReason, E2E_DIR, NODE24, runInLoopbackNamespace, type NetnsStep } from "../support/netns.js";

const skip = clientSuiteSkipReason("gemini");
const CLI = join(REPO_ROOT, "dist/cli.js");
const GEMINI = join(E2E_DIR, "gemini/node_modules/.bin/gemini");
const ADVICE = "Use the `mcp_openclaw-guard_send_message` tool with a contact alias; `mcp_openclaw-guard_list_contacts` shows them.";

const fixture = useClientFixture("gemini");

function step(argv: string[], timeoutMs = 60_000): NetnsStep {
  const { home, cwd, bin } = fixture();
  return {
    argv,
    cwd,
    timeoutMs,
    env: { HOME: home, PATH: `${bin}:${dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin`, GEMINI_API_KEY: "dummy", GOOGLE_GEMINI_BASE_URL: "{{MODEL_URL}}", XDG_CONFIG_HOME: join(home, ".config") },
  };
}

/** `init gemini`, then what a user does once: pick API-key auth and trust the project folder. */
async function initGemini(): Promise<void> {
  const { home, cwd } = fixture();
  const result = await runInLoopbackNamespace({ model: "gemini", script: [], steps: [step([NODE24, CLI, "init", "gemini"])] });
  expect(result.steps[0], result.steps[0]?.stderr).toMatchObject({ exitCode: 0 });
  const settingsFile = join(home, ".gemini", "settings.json");
  const settings = JSON.parse(await readFile(settingsFile, "utf8")) as Record<string, unknown>;
  await writeFile(settingsFile, JSON.stringify({ ...settings, security: { auth: { selectedType: "gemini-api-key" } } }, null, 2));
  await writeFile(join(home, ".gemini", "trustedFolders.json"), JSON.stringify({ [cwd]: "TRUST_FOLDER" }));
}

const doctor = () => step([NODE24, CLI, "doctor", "--json"]);
// Without --yolo, headless Gemini offers the model neither the shell nor MCP tools.
const prompt = () => step([GEMINI, "--yolo", "-p", "go"], 180_000);

const shell = (command: string): GeminiCall => ({ name: "run_shell_command", args: { command, description: "test command" } });
const send = (to: string): GeminiCall => ({ name: "mcp_openclaw-guard_send_message", args: { to, message: "the quarterly figures" } });

const HOSTILE = hostileForms("BIN");
const hostile = () => hostileForms(fixture().bin);



describe.skipIf(skip !== undefined)("Gemini CLI 0.61.0 for real", () => {
  it("after init: the server is connected, the hook and policy refuse every disguise and name the tool, send_message delivers once and refuses a number", async () => {
    await initGemini();
    const { cwd } = fixture();
    // Gemini's own file tools refuse paths outside the workspace; the hook sees writes inside it.
    const notifyScript = join(cwd, "notify.sh");
    const script = [
      ...hostile().map(shell),
      shell("openclaw --version"),
      { name: "write_file", args: { file_path: notifyScript, content: `#!/bin/sh\nopenclaw message send --target ${NUMBER} --message hi\n` } },
      send("alice"),
      send(NUMBER),
    ];
    const result = await runInLoopbackNamespace({ model: "gemini", script, steps: [step([GEMINI, "mcp", "list"]), doctor(), prompt()] });
    const [list, , run] = result.steps;

    expect(list!.stdout + list!.stderr).toMatch(/✓ openclaw-guard: \S+node \S+cli\.js serve --config \S+ \(stdio\) - Connected/);
    const checks = doctorChecks(result, 1);
    expect(checks["guard.gemini-hook"]).toMatchObject({ status: "ok" });
    expect(checks["guard.gemini-trust"]).toBeUndefined();
    expect(run, run?.stderr).toMatchObject({ exitCode: 0, timedOut: false });

    const offered = result.offeredTools.filter((t) => t.name.startsWith("mcp_openclaw-guard_"));
    expect(offered.map((t) => t.name).sort()).toEqual(["mcp_openclaw-guard_list_contacts", "mcp_openclaw-guard_send_message"]);
    expect(offered.find((t) => t.name.endsWith("send_message"))!.description).toContain("`mcp_openclaw-guard_list_contacts` lists the aliases");

    expect(result.toolResults.map((r) => r.tool)).toEqual(script.map((s) => s.name));
    const shown = result.toolResults.slice(0, HOSTILE.length).map((r, i) => ({ command: HOSTILE[i], refused: /blocked|denied/.test(r.text) && r.text.includes("disabled here"), advised: r.text.includes(ADVICE) }));
    expect(shown).toEqual(HOSTILE.map((command) => ({ command, refused: true, advised: true })));
    expect(await fixture().ranOpenclaw()).toEqual(["--version", "--version"]); // the control, and doctor's version probe

    const write = result.toolResults[HOSTILE.length + 1]!;
    expect(write.text).toMatch(/blocked.*disabled here/);
    expect(existsSync(notifyScript)).toBe(false);

    const [sent, refused] = result.toolResults.slice(-2);
    expect(sent!.text).toMatch(/\\"status\\":\\"sent\\",\\"to\\":\\"alice\\".*\\"dryRun\\":true/);
    expect(refused!.text).toMatch(/Refused, nothing was sent: The recipient looks like a phone number/);
    expectOneDeliveryAndMaskedRefusal(await fixture().auditRecords());
  });

  it("a workspace .gemini/settings.json that disables the hook: doctor fails, and only the policy still applies", async () => {
    await initGemini();
    const { cwd } = fixture();
    await mkdir(join(cwd, ".gemini"));
    await writeFile(join(cwd, ".gemini", "settings.json"), JSON.stringify({ hooksConfig: { disabled: ["openclaw-guard"] } }));

    const result = await runInLoopbackNamespace({ model: "gemini", script: hostile().map(shell), steps: [doctor(), prompt()] });
    const hook = doctorChecks(result, 0)["guard.gemini-hook"];
    expect(hook).toMatchObject({ status: "fail" });
    expect(hook!.summary).toContain(`${join(cwd, ".gemini", "settings.json")} switches the guard hook off for this project: hooksConfig.disabled lists "openclaw-guard"`);

    // What reached the fake openclaw is what the policy let through (the README's table says so).
    const denied = result.toolResults.map((r, i) => ({ command: HOSTILE[i], denied: r.text.includes("Tool execution denied by policy") }));
    expect(denied).toEqual([
      { command: HOSTILE[0], denied: true },
      { command: HOSTILE[1], denied: true },
      { command: HOSTILE[2], denied: true },
      { command: HOSTILE[3], denied: false },
      { command: HOSTILE[4], denied: false },
      { command: HOSTILE[5], denied: false },
    ]);
    expect((await fixture().ranOpenclaw()).filter((args) => args.includes("message send"))).toEqual([
      `message send --target ${NUMBER} --message hi`,
      `message send --target ${NUMBER} --message hi`,
      `--profile x message send --target ${NUMBER} --message hi`,
    ]);
  });

  it("an untrusted folder: doctor warns that Gemini loads neither the server nor the guard hook there", async () => {
    await initGemini();
    const { home } = fixture();
    await writeFile(join(home, ".gemini", "trustedFolders.json"), JSON.stringify({}));
    const result = await runInLoopbackNamespace({ model: "gemini", script: [], steps: [doctor(), step([GEMINI, "mcp", "list"])] });
    expect(doctorChecks(result, 0)["guard.gemini-trust"]).toMatchObject({ status: "warn" });
    const list = result.steps[1]!.stdout + result.steps[1]!.stderr;
    expect(list).toMatch(/openclaw-guard: .*Disabled/);
    expect(list).not.toContain("Connected");
  });
});

if (skip !== undefined) {
  describe("Gemini CLI 0.61.0 for real", () => {
    it.skip(skip, () => {});
  });
}
