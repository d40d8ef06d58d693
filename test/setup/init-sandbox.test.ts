// `openclaw-guard init claude-code --sandbox` against fixture homes: what it writes into Claude Code's
// user settings (the sandbox, its network rule for the gateway's port, Read deny rules for the same
// paths), that a re-run writes nothing, that --dry-run shows it, and that --remove takes out exactly
// what it added. The real Claude Code runs these settings in test/e2e/claude-code-sandbox.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, init } from "./init-fixture.js";

const read = (file: string) => readFileSync(file, "utf8");
const settingsOf = (home: string) => JSON.parse(read(path.join(home, ".claude/settings.json"))) as Record<string, any>;

describe("init claude-code --sandbox", () => {
  it("turns the sandbox on, denies reading the gateway's state, the book, tokens and device credential, and keeps Bash off the gateway's port", async () => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, ["claude-code", "--sandbox"]);
    expect(result.code, result.stderr).toBe(0);
    const settings = settingsOf(home);
    expect(settings.sandbox).toEqual({
      enabled: true,
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
      filesystem: { denyRead: ["~/.openclaw", "~/.config/openclaw-guard", "~/.local/state/openclaw-guard/gateway-device.json"] },
      network: { deniedDomains: ["*:18789"] },
    });
    expect(settings.permissions.deny).toEqual(expect.arrayContaining(["Read(~/.openclaw/**)", "Read(~/.config/openclaw-guard/**)", "Read(~/.local/state/openclaw-guard/gateway-device.json)"]));
    expect(result.stdout).toContain("The Read tool is not governed by the sandbox");
    expect(result.stdout).toContain("cannot read the gateway's state and token (~/.openclaw), the address book and agent tokens (~/.config/openclaw-guard)");
    expect(result.stdout).toContain("sandbox.enabled: false turns the sandbox off in that project");
  });

  it("denies the gateway's port from OpenClaw's config, absolute paths outside home, and a remote gateway's host only", async () => {
    const { home, cwd } = fixture();
    const state = path.join(path.dirname(home), `${path.basename(home)}-state`);
    mkdirSync(path.join(home, ".openclaw"));
    writeFileSync(path.join(home, ".openclaw/openclaw.json"), "{ gateway: { port: 19001 } }\n");
    await init(home, cwd, ["claude-code", "--sandbox"], undefined, { env: { HOME: home, XDG_STATE_HOME: state } });
    expect(settingsOf(home).sandbox.network.deniedDomains).toEqual(["*:19001"]);
    expect(settingsOf(home).sandbox.filesystem.denyRead).toContain(path.join(state, "openclaw-guard/gateway-device.json"));
    expect(settingsOf(home).permissions.deny).toContain(`Read(/${path.join(state, "openclaw-guard/gateway-device.json")})`);

    const book = fixture();
    writeFileSync(book.config, '{ openclaw: { transport: "gateway", gateway: { url: "ws://localhost:20000" } }, contacts: {} }\n');
    await init(book.home, book.cwd, ["claude-code", "--sandbox"]);
    expect(settingsOf(book.home).sandbox.network.deniedDomains).toEqual(["*:20000"]);

    const other = fixture();
    await init(other.home, other.cwd, ["claude-code", "--sandbox"], undefined, { env: { HOME: other.home, OPENCLAW_GATEWAY_URL: "wss://gw.example.com" } });
    expect(settingsOf(other.home).sandbox.network.deniedDomains).toEqual(["gw.example.com:443"]);
  });

  it("re-runs write nothing, --dry-run shows it and writes nothing, --remove restores the file as it was", async () => {
    const { home, cwd } = fixture();
    const mine = JSON.stringify({ sandbox: { network: { allowedDomains: ["github.com"] } }, permissions: { deny: ["Read(./.env)"] } }, null, 2);
    mkdirSync(path.join(home, ".claude"));
    writeFileSync(path.join(home, ".claude/settings.json"), mine);

    const dry = await init(home, cwd, ["claude-code", "--sandbox", "--dry-run"]);
    expect(dry.stdout).toContain("+ sandbox.network.deniedDomains: *:18789");
    expect(dry.stdout).toContain("+ sandbox.filesystem.denyRead: ~/.openclaw");
    expect(read(path.join(home, ".claude/settings.json"))).toBe(mine);

    await init(home, cwd, ["claude-code", "--sandbox"]);
    const written = read(path.join(home, ".claude/settings.json"));
    const again = await init(home, cwd, ["claude-code", "--sandbox"]);
    expect(again.stdout).toContain("settings.json (unchanged)");
    expect(read(path.join(home, ".claude/settings.json"))).toBe(written);
    // A plain init afterwards keeps the layer: it only ever adds.
    await init(home, cwd, ["claude-code"]);
    expect(read(path.join(home, ".claude/settings.json"))).toBe(written);

    const removed = await init(home, cwd, ["--remove", "claude-code"]);
    expect(removed.stdout).toContain("- sandbox.enabled");
    expect(removed.stdout).toContain("- sandbox.network.deniedDomains: *:18789");
    expect(JSON.parse(read(path.join(home, ".claude/settings.json")))).toEqual(JSON.parse(mine));
  });

  it("--remove leaves a sandbox the user turned on without init", async () => {
    const { home, cwd } = fixture();
    await init(home, cwd, ["claude-code"]);
    const settings = settingsOf(home);
    settings.sandbox = { enabled: true, allowUnsandboxedCommands: false };
    writeFileSync(path.join(home, ".claude/settings.json"), JSON.stringify(settings, null, 2));
    await init(home, cwd, ["--remove", "claude-code"]);
    expect(settingsOf(home).sandbox).toEqual({ enabled: true, allowUnsandboxedCommands: false });
  });

  it("refuses where the sandbox cannot run (nothing written), and outside claude-code", async () => {
    const { home, cwd } = fixture();
    const missing = await init(home, cwd, ["claude-code", "--sandbox"], undefined, { findProgram: (name) => (name === "socat" ? "/usr/bin/socat" : undefined) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("needs bwrap on PATH");
    expect(missing.stderr).toContain("Nothing was written.");
    const dry = await init(home, cwd, ["claude-code", "--sandbox", "--dry-run"], undefined, { findProgram: () => undefined });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain("needs bwrap and socat on PATH");
    const mac = await init(home, cwd, ["claude-code", "--sandbox", "--dry-run"], undefined, { platform: "darwin", findProgram: () => undefined });
    expect(mac.stderr).not.toContain("sandbox");
    await expect(init(home, cwd, ["codex", "--sandbox"])).rejects.toThrow(/--sandbox is for claude-code only/);
    await expect(init(home, cwd, ["--remove", "claude-code", "--sandbox"])).rejects.toThrow(/--sandbox is for claude-code only/);
  });
});
