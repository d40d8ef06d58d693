// `openclaw-guard setup` with real file I/O in a fixture HOME: flags only, the book it writes (loaded
// by the server's own config module), every detected client registered through `init`, dry runs that
// write nothing, a second run that changes nothing, and clear refusals of bad input.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/contacts/config.js";
import { validateTarget, CHANNELS } from "../../src/contacts/targets.js";
import { applyPlans, readText, writePrivateFile } from "../../src/setup/init-files.js";
import type { InitDeps } from "../../src/setup/init-command.js";
import { runSetup } from "../../src/setup/setup-command.js";
import { bookText, parseContactFlag } from "../../src/setup/setup-plan.js";
import { privateDir, REPO_ROOT } from "../helpers.js";
import { CLI, NODE } from "./init-fixture.js";

type Run = { code: number; stdout: string; stderr: string; doctor: number; pairs: number; waits: number };

async function setup(home: string, args: string[], options: { interactive?: boolean } = {}): Promise<Run> {
  const run: Run = { code: -1, stdout: "", stderr: "", doctor: 0, pairs: 0, waits: 0 };
  const init: InitDeps = {
    env: { HOME: home, PATH: path.join(home, "bin") },
    cwd: home,
    node: NODE,
    cli: CLI,
    platform: "linux",
    read: readText,
    applyPlans,
    claudeVersion: async () => "2.1.330 (Claude Code)",
    pair: async () => {
      run.pairs++;
      return { status: "paired", deviceId: "0123456789abcdef", scopes: ["operator.write"], reused: run.pairs > 1 };
    },
    trustCodexHooks: async () => ({ trusted: [], already: [] }),
    out: (t) => void (run.stdout += t),
    err: (t) => void (run.stderr += t),
    now: () => new Date("2026-12-07T06:00:00.000Z"),
    exampleConfig: () => readFileSync(path.join(REPO_ROOT, "examples", "config.json5"), "utf8"),
    readSystemFile: (file) => readFileSync(file, "utf8"),
    findOpenclaw: () => undefined,
    runOpenclaw: async () => ({ exitCode: undefined, output: "not expected in this test" }),
    writeState: writePrivateFile,
    findProgram: (name) => `/usr/bin/${name}`,
  };
  run.code = await runSetup(args, {
    init,
    exists: existsSync,
    interactive: options.interactive ?? false,
    doctor: async () => {
      run.doctor++;
      return 0;
    },
    pluginLoaded: async () => {
      run.waits++;
      return "ok: active";
    },
  });
  return run;
}

const book = (home: string) => path.join(home, ".config", "openclaw-guard", "config.json5");
const snapshot = (home: string, files: string[]) => files.map((f) => (existsSync(path.join(home, f)) ? readFileSync(path.join(home, f), "utf8") : undefined));

describe("openclaw-guard setup", () => {
  it("with flags only: a private book with the canonical target, every agent found registered, doctor last; a second run changes nothing", async () => {
    const home = privateDir();
    mkdirSync(path.join(home, ".claude"));
    mkdirSync(path.join(home, ".gemini"));
    const first = await setup(home, ["--yes", "--contact", "alice=whatsapp:+27 82 123 4567"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("agents: claude-code");
    expect(first.stdout).toContain("gemini (");
    expect(first.stdout).not.toContain("codex");
    expect(first.stdout).toContain("== init claude-code");
    expect(first.stdout).toContain("== init gemini");
    expect(first.stdout).toContain("+ permissions.allow: mcp__openclaw-guard__send_message");
    expect(first.stdout).not.toContain("init openclaw"); // no OpenClaw config here
    expect(first).toMatchObject({ doctor: 1, pairs: 0, waits: 0 });
    expect(statSync(book(home)).mode & 0o777).toBe(0o600);
    const config = loadConfig(book(home), { HOME: home });
    expect(config.contacts.get("alice")).toMatchObject({ channel: "whatsapp", target: "+27821234567" });
    expect(config.openclaw.transport).toBe("dry-run");
    // The server entry serves the book setup wrote.
    expect(readFileSync(path.join(home, ".claude.json"), "utf8")).toContain(book(home));

    const files = [".claude.json", ".claude/settings.json", ".gemini/settings.json", ".config/openclaw-guard/config.json5"];
    const before = snapshot(home, files);
    const again = await setup(home, ["--yes", "--contact", "alice=whatsapp:+27821234567"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("config.json5 (unchanged)");
    expect(again.stdout).not.toMatch(/\((new file|changed)[,)]/);
    expect(snapshot(home, files)).toEqual(before);
  });

  it("--sandbox turns on Claude Code's sandbox with init claude-code --sandbox, and only there", async () => {
    const home = privateDir();
    mkdirSync(path.join(home, ".claude"));
    mkdirSync(path.join(home, ".gemini"));
    const result = await setup(home, ["--yes", "--sandbox", "--contact", "alice=whatsapp:+27821234567"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(home, ".claude/settings.json"), "utf8")).sandbox).toMatchObject({ enabled: true, allowUnsandboxedCommands: false, network: { deniedDomains: ["*:18789"] } });
    expect(readFileSync(path.join(home, ".gemini/settings.json"), "utf8")).not.toContain("sandbox");
    const plain = privateDir();
    mkdirSync(path.join(plain, ".claude"));
    await setup(plain, ["--yes", "--contact", "alice=whatsapp:+27821234567"]);
    expect(readFileSync(path.join(plain, ".claude/settings.json"), "utf8")).not.toContain("sandbox");
    const noClaude = privateDir();
    mkdirSync(path.join(noClaude, ".gemini"));
    expect((await setup(noClaude, ["--yes", "--sandbox", "--contact", "alice=whatsapp:+27821234567"])).stdout).toContain("--sandbox: Claude Code is not among the agents set up here");
  });

  it("with OpenClaw's config: transport gateway, the plugin registered, the device paired, the reload awaited, then doctor", async () => {
    const home = privateDir();
    mkdirSync(path.join(home, ".openclaw"));
    writeFileSync(path.join(home, ".openclaw", "openclaw.json"), "{}\n");
    const run = await setup(home, ["--yes", "--contact", "ops=telegram:-1001234567890"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("agents: none found");
    expect(run.stdout).toContain("== init openclaw (the gateway plugin)");
    expect(run.stdout).toContain("+ plugins.entries.openclaw-guard");
    expect(run.stdout).toContain("+ paired device 0123456789ab…");
    expect(run).toMatchObject({ pairs: 1, waits: 1, doctor: 1 });
    expect(loadConfig(book(home), { HOME: home }).openclaw.transport).toBe("gateway");
    expect(JSON.parse(readFileSync(path.join(home, ".openclaw", "openclaw.json"), "utf8")).plugins.entries["openclaw-guard"].config.configPath).toBe(book(home));
  });

  it("--dry-run names every file it would change and writes none of them, pairs nothing, runs no doctor", async () => {
    const home = privateDir();
    mkdirSync(path.join(home, ".claude"));
    mkdirSync(path.join(home, ".openclaw"));
    writeFileSync(path.join(home, ".openclaw", "openclaw.json"), "{}\n");
    const run = await setup(home, ["--yes", "--dry-run", "--contact", "ops=telegram:123456789"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("~/.config/openclaw-guard/config.json5 (new file, would be written)");
    expect(run.stdout).toContain("~/.claude/settings.json (new file)");
    expect(run.stdout).toContain("~/.claude.json (new file)");
    expect(run.stdout).toContain("~/.openclaw/openclaw.json (would change)");
    expect(run.stdout).toContain("Dry run: nothing was written.");
    // init planned against the book setup would write, not the example book.
    expect(run.stdout).not.toContain("examples/config.json5");
    expect(existsSync(book(home))).toBe(false);
    expect(existsSync(path.join(home, ".claude.json"))).toBe(false);
    expect(readFileSync(path.join(home, ".openclaw", "openclaw.json"), "utf8")).toBe("{}\n");
    expect(run).toMatchObject({ pairs: 0, waits: 0, doctor: 0 });
  });

  it.each([
    [["--yes", "--contact", "ops"], /expected alias=channel:target/],
    [["--yes", "--contact", "Ops=telegram:1234"], /alias "Ops": use 1-32 lower-case/],
    [["--yes", "--contact", "ops=sms:1234"], /channel "sms": one of whatsapp, telegram/],
    [["--yes", "--contact", "ops=telegram:abc"], /not a valid telegram target.*Where to find it: a numeric chat id: send your bot a message/],
    [["--yes", "--contact", "alice=whatsapp:0821234567"], /not a valid whatsapp target.*the full international number with \+/],
    [["--yes", "--contact", "a=telegram:1234", "--contact", "a=telegram:5678"], /--contact a is given twice/],
    [["--contact", "a=telegram:1234"], /not a terminal, so nothing can be asked: pass --yes/],
    [["--yes", "extra"], /unexpected "extra"/],
  ])("refuses %j before writing anything", async (args, message) => {
    const home = privateDir();
    mkdirSync(path.join(home, ".claude"));
    await expect(setup(home, args)).rejects.toThrow(message);
    expect(existsSync(book(home))).toBe(false);
    expect(existsSync(path.join(home, ".claude.json"))).toBe(false);
  });

  it("without a book and without --contact (unattended) says what to pass; an existing book is never rewritten", async () => {
    const home = privateDir();
    mkdirSync(path.join(home, ".claude"));
    const none = await setup(home, ["--yes"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no address book yet .*--contact alias=channel:target/);
    expect(existsSync(path.join(home, ".claude.json"))).toBe(false);

    mkdirSync(path.dirname(book(home)), { recursive: true });
    writeFileSync(book(home), '{ contacts: { bob: { channel: "telegram", target: "4242" } } }\n', { mode: 0o600 });
    const other = await setup(home, ["--yes", "--contact", "bob=telegram:5555"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("holds bob with another channel or target; setup never rewrites your contacts");
    const kept = await setup(home, ["--yes"]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain("= 1 contact(s) kept: bob");
    expect(readFileSync(book(home), "utf8")).toBe('{ contacts: { bob: { channel: "telegram", target: "4242" } } }\n');
  });
});

describe("setup's contact flag and book (property)", () => {
  it("accepts a contact only when the server's validator does, and the book it writes loads back to exactly that contact", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/)), fc.constantFrom(...CHANNELS), fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[+]?[0-9 ]{5,16}$/), fc.stringMatching(/^[@#!][a-z0-9._:"\\\n]{3,20}$/)), (alias, channel, target) => {
        let contact;
        try {
          contact = parseContactFlag(`${alias}=${channel}:${target}`);
        } catch (error) {
          expect((error as Error).name).toBe("UsageError");
          return;
        }
        const checked = validateTarget(channel, target);
        expect(checked.ok).toBe(true);
        const config = parseConfig(bookText([contact], "dry-run"), "/book.json5", {});
        expect([...config.contacts.keys()]).toEqual([alias]);
        expect(config.contacts.get(alias)).toMatchObject({ channel, target: checked.ok ? checked.target : "" });
      }),
      { numRuns: 400 },
    );
  });
});
