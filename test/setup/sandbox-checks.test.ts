// doctor's claude-code.sandbox check from crafted settings: on, off, partial, off in a project,
// re-opened by a project's allowRead, and a machine without bubblewrap.
import { describe, expect, it } from "vitest";
import { mergeSandbox, sandboxLayer } from "../../src/setup/clients/claude-sandbox.js";
import { checkClaudeSandbox, type SandboxFacts } from "../../src/setup/checks/sandbox-checks.js";
import type { SettingsFile } from "../../src/setup/checks/guard-checks.js";

const HOME = "/home/u";
const layer = sandboxLayer({ HOME }, HOME, `${HOME}/.config/openclaw-guard/config.json5`, "ws://127.0.0.1:18789");

/** User settings as `init claude-code --sandbox` writes them, then changed by `edit`. */
function installed(edit: (settings: Record<string, any>) => void = () => {}): Record<string, any> {
  const settings: Record<string, any> = {};
  mergeSandbox("settings.json", settings, layer, HOME);
  edit(settings);
  return settings;
}

function facts(user: Record<string, any> | undefined, project?: Record<string, any>, overrides: Partial<SandboxFacts> = {}): SandboxFacts {
  const file = (scope: SettingsFile["scope"], path: string, json: unknown): SettingsFile => (json === undefined ? { scope, path } : { scope, path, text: JSON.stringify(json) });
  return {
    claude: { files: [file("user", `${HOME}/.claude/settings.json`, user), file("project", "/w/.claude/settings.json", project)], claudeDirExists: true, claudeDir: `${HOME}/.claude` },
    layer,
    home: HOME,
    platform: "linux",
    onPath: ["bwrap", "socat"],
    ...overrides,
  };
}

describe("doctor claude-code.sandbox", () => {
  it("on: what init writes, with what it covers and what it does not", () => {
    const check = checkClaudeSandbox(facts(installed()));
    expect(check?.status).toBe("ok");
    expect(check?.summary).toContain("cannot read ~/.openclaw, ~/.config/openclaw-guard, ~/.local/state/openclaw-guard/gateway-device.json and reaches no host on *:18789");
    expect(check?.summary).toContain("a project whose settings set sandbox.enabled: false");
  });

  it("off: a note pointing at init --sandbox; nothing when Claude Code is not set up", () => {
    expect(checkClaudeSandbox(facts({}))).toMatchObject({ status: "note", fix: expect.stringContaining("init claude-code --sandbox") });
    const none = facts(undefined);
    expect(checkClaudeSandbox({ ...none, claude: { ...none.claude, claudeDirExists: false } })).toBeUndefined();
  });

  it("partial: each missing piece is named", () => {
    const check = checkClaudeSandbox(
      facts(
        installed((s) => {
          s.sandbox.filesystem.denyRead = ["~/.openclaw"];
          s.sandbox.network.deniedDomains = ["localhost:18789"];
          delete s.sandbox.allowUnsandboxedCommands;
          s.permissions.deny = [];
        }),
      ),
    );
    expect(check?.status).toBe("warn");
    expect(check?.summary).toMatch(/^partial: /);
    for (const gap of ["denyRead lacks ~/.config/openclaw-guard", "deniedDomains lacks *:18789", "allowUnsandboxedCommands is not false", "permissions.deny lacks Read(~/.openclaw/**)", "the Read tool is not governed by denyRead"]) expect(check?.summary).toContain(gap);
  });

  it("an absolute denyRead path counts as its ~ form", () => {
    const absolute = installed((s) => {
      s.sandbox.filesystem.denyRead = s.sandbox.filesystem.denyRead.map((p: string) => p.replace("~", HOME));
    });
    expect(checkClaudeSandbox(facts(absolute))?.status).toBe("ok");
  });

  it("a project's sandbox.enabled: false turns it off there; a project's allowRead re-opening a guarded path makes it partial", () => {
    expect(checkClaudeSandbox(facts(installed(), { sandbox: { enabled: false } }))).toMatchObject({ status: "warn", summary: expect.stringContaining("off in this project: /w/.claude/settings.json") });
    const reopened = checkClaudeSandbox(facts(installed(), { sandbox: { filesystem: { allowRead: ["~/.openclaw/openclaw.json", "/w/docs"] } } }));
    expect(reopened).toMatchObject({ status: "warn", summary: expect.stringContaining("re-opens ~/.openclaw/openclaw.json") });
    expect(reopened?.summary).not.toContain("/w/docs");
    expect(reopened?.fix).toContain("remove those allowRead entries");
  });

  it("without bwrap: fails with failIfUnavailable (Claude Code will not start), warns without it", () => {
    expect(checkClaudeSandbox(facts(installed(), undefined, { onPath: ["socat"] }))).toMatchObject({ status: "fail", summary: expect.stringContaining("needs bwrap on PATH") });
    expect(checkClaudeSandbox(facts(installed((s) => delete s.sandbox.failIfUnavailable), undefined, { onPath: [] }))?.status).toBe("warn");
    expect(checkClaudeSandbox(facts(installed(), undefined, { platform: "darwin", onPath: [] }))?.status).toBe("ok");
  });
});
