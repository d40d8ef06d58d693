// The incident, replayed start to finish in the real Claude Code CLI (pinned, fake model):
// `openclaw-guard init claude-code` into a temp HOME, then one scripted session in which the model
// 1. runs `openclaw message send --target +<invented number>` in Bash  -> denied by the installed hook, nothing runs;
// 2. calls send_message with that invented number                      -> refused, audited with the number masked;
// 3. calls send_message with the vetted alias                          -> delivered to the vetted target only.
// Nothing here is configured by the test except through `init`: no --settings, no --mcp-config.
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "../helpers.js";
import { INCIDENT, incidentEnv, REPO_ROOT, runClaude } from "../support/claude-code.js";

const { cli: CLI, claudeBinDir: CLAUDE_BIN_DIR, fakeOpenclaw: FAKE_OPENCLAW, sendTool: SEND, inventedNumber: INVENTED, aliceNumber: ALICE } = INCIDENT;

let root: string;
let home: string;
let cwd: string;
let binDir: string;
let calls: string;
let audit: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ocg-incident-"));
  home = join(root, "home");
  cwd = join(root, "work");
  binDir = join(root, "bin");
  calls = join(root, "openclaw-calls.jsonl");
  audit = join(root, "audit.jsonl");
  await Promise.all([mkdir(home, { mode: 0o700 }), mkdir(cwd), mkdir(binDir)]);
  await writeFile(calls, "");
  // The agent's shell finds this `openclaw` on PATH; the server runs the same fake by absolute argv.
  await writeFile(join(binDir, "openclaw"), `#!/bin/sh\nexec '${process.execPath}' '${FAKE_OPENCLAW}' "$@"\n`);
  await chmod(join(binDir, "openclaw"), 0o755);
  const configDir = join(home, ".config", "openclaw-guard");
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFile(
    join(configDir, "config.json5"),
    JSON.stringify({
      openclaw: { transport: "cli", bin: [process.execPath, FAKE_OPENCLAW] },
      contacts: { alice: { channel: "whatsapp", target: ALICE, description: "Alice, co-founder" } },
      audit: { file: audit },
    }),
    { mode: 0o600 },
  );
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const env = () => incidentEnv(home, binDir, calls);

function fakeCalls(): string[][] {
  return readFileSync(calls, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
}

describe("the incident, replayed in the real Claude Code CLI after `init claude-code`", () => {
  it("the raw CLI is denied, the invented number is refused and audited masked, the alias is delivered", async () => {
    // init, exactly as a user would run it
    const init = await execa(process.execPath, [CLI, "init", "claude-code"], { cwd, env: env(), extendEnv: false, reject: false });
    expect(init.stderr).toBe(""); // no version warning: the pinned Claude Code is new enough
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain("+ hooks.PreToolUse[Bash]");
    expect(init.stdout).toContain("+ mcpServers.openclaw-guard");

    // Claude Code itself sees the server and can start it
    const list = await execa(join(CLAUDE_BIN_DIR, "claude"), ["mcp", "list"], { cwd, env: env(), extendEnv: false, reject: false, timeout: 60_000 });
    expect(list.stdout).toMatch(/openclaw-guard:.*Connected/);

    const run = await runClaude({
      home,
      cwd,
      allowedTools: ["Bash", SEND],
      path: env().PATH,
      env: { OPENCLAW_FAKE_LOG: calls, OPENCLAW_FAKE_MODE: "ok-core" },
      script: [
        { tool: "Bash", input: { command: `openclaw message send --channel whatsapp --target ${INVENTED} --message "Q3 numbers attached"`, description: "send the numbers" } },
        { tool: SEND, input: { to: INVENTED, message: "Q3 numbers attached" } },
        { tool: SEND, input: { to: "alice", message: "Q3 numbers attached" } },
      ],
      timeoutMs: 150_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.toolResults.map((r) => r.tool)).toEqual(["Bash", SEND, SEND]);
    const [bash, refused, sent] = run.toolResults;

    // 1. denied by the hook (its advice names send_message), and the fake CLI never ran
    expect(bash!.is_error).toBe(true);
    expect(bash!.text).toMatch(/^PreToolUse:Bash hook error: \[.*--liftoff-only .*dist\/guard\/hook-main\.cjs hook claude-code --config .*\]: Raw `openclaw message send` is disabled/);
    expect(bash!.text).toContain("mcp__openclaw-guard__send_message");

    // 2. refused; the model is not shown the number back, the audit has it masked only
    expect(refused!.is_error).toBe(true);
    expect(refused!.text).toMatch(/refused|alias/i);
    expect(refused!.text).not.toContain("9876543");
    const auditText = await readFile(audit, "utf8");
    expect(auditText).not.toContain("9876543");
    expect(auditText).not.toContain(ALICE);
    const records = readAudit(audit);
    const refusal = records.find((r) => r.decision === "refuse");
    expect(refusal).toMatchObject({ status: "refused", origin: "mcp", code: "phone-number" });
    expect(String(refusal!.to)).toMatch(/^\+•+43$/);

    // 3. delivered to the vetted target, once, and that is the only time the fake CLI ran
    expect(sent!.is_error).toBeFalsy();
    expect(sent!.text).toMatch(/"status":"sent"/);
    const argvs = fakeCalls();
    expect(argvs).toHaveLength(1);
    const argv = argvs[0]!;
    expect(argv.filter((a) => a.startsWith("--target"))).toEqual([`--target=${ALICE}`]);
    expect(argv.join(" ")).not.toContain(INVENTED);
    expect(records.filter((r) => r.event === "outcome").map((r) => r.status)).toEqual(["sent"]);
  });

  it("with CLAUDE_CONFIG_DIR set, init registers the server where Claude Code looks for it", async () => {
    const configDir = join(root, "claude-config");
    const withDir = { ...env(), CLAUDE_CONFIG_DIR: configDir };
    const init = await execa(process.execPath, [CLI, "init", "claude-code"], { cwd, env: withDir, extendEnv: false, reject: false });
    expect(init.exitCode).toBe(0);
    expect(existsSync(join(configDir, "settings.json"))).toBe(true);
    expect(existsSync(join(home, ".claude.json"))).toBe(false);
    expect(existsSync(join(home, ".claude"))).toBe(false);
    const get = await execa(join(CLAUDE_BIN_DIR, "claude"), ["mcp", "get", "openclaw-guard"], { cwd, env: withDir, extendEnv: false, reject: false, timeout: 60_000 });
    expect(get.stdout).toContain("Scope: User config");
    expect(get.stdout).toMatch(/Status: .*Connected/);
  });
});
