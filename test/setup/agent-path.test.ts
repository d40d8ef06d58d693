// The PATH shim on the agent's PATH only: `init claude-code` / `init codex` write the shims and the
// client's own env setting (no rc file), `init --remove` takes the setting out, and doctor reports, per
// client, whether the agent's PATH starts with the shim directory, and when the absolute value is stale.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentPath, missingDirs } from "../../src/setup/clients/agent-path.js";
import { realDoctorIO } from "../../src/setup/doctor-io.js";
import { formatHuman, type DoctorReport } from "../../src/setup/doctor-report.js";
import { runDoctor } from "../../src/setup/doctor.js";
import { isShimFile } from "../../src/guard/shim.js";
import { fixture, init } from "./init-fixture.js";

const USER_PATH = "/opt/tools/bin:/usr/local/bin:/usr/bin:/bin";
const shimDirOf = (home: string) => join(home, ".local/share/openclaw-guard/bin");
const read = (file: string) => readFileSync(file, "utf8");
const write = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

async function initWith(home: string, cwd: string, args: string[], path = USER_PATH) {
  return init(home, cwd, args, "2.1.330 (Claude Code)", { env: { HOME: home, PATH: path } });
}

async function doctor(home: string, cwd: string, path = USER_PATH): Promise<DoctorReport> {
  const env = { HOME: home, PATH: path };
  return runDoctor({ ...realDoctorIO(env), cwd, managedSettingsDir: join(home, "managed"), shells: [] });
}

const check = (report: DoctorReport, id: string) => {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} in:\n${formatHuman(report)}`);
  return found;
};

describe("agentPath", () => {
  it("puts the shim directory first, keeps the existing order, appends what the user's PATH gained, and never repeats a directory", () => {
    expect(agentPath("/s", "/a:/b")).toBe("/s:/a:/b");
    expect(agentPath("/s", "/a:/b", "/s:/a:/b")).toBe("/s:/a:/b");
    expect(agentPath("/s", "/a:/c:/b", "/s:/a:/b")).toBe("/s:/a:/b:/c");
    expect(agentPath("/s", "/s:/a:/a", "/a:/s")).toBe("/s:/a");
    expect(agentPath("/s", undefined)).toBe("/s:/usr/local/bin:/usr/bin:/bin");
    expect(missingDirs("/s:/a", "/s:/a:/b:/b", "/s")).toEqual(["/b"]);
  });
});

describe("init claude-code: env.PATH in the user settings", () => {
  it("writes the shims (755) and an absolute env.PATH with the shim directory first; a re-run changes nothing; no rc file is touched", async () => {
    const { home, cwd } = fixture();
    const result = await initWith(home, cwd, ["claude-code"]);
    expect(result.code, result.stderr).toBe(0);
    const dir = shimDirOf(home);
    for (const name of ["openclaw", "clawdbot", "moltbot"]) {
      expect(isShimFile(join(dir, name)), name).toBe(true);
      expect((await import("node:fs")).statSync(join(dir, name)).mode & 0o777).toBe(0o755);
    }
    const settings = JSON.parse(read(join(home, ".claude/settings.json")));
    expect(settings.env).toEqual({ PATH: `${dir}:${USER_PATH}`, OPENCLAW_GUARD_AGENT: "claude-code" });
    expect(settings.env.PATH).not.toContain("$");
    expect(result.stdout).toContain(`+ env.PATH: ${dir} first, then the PATH init ran with`);
    for (const rc of [".bashrc", ".profile", ".zshrc", ".bash_profile"]) expect(() => read(join(home, rc)), rc).toThrow();

    const before = read(join(home, ".claude/settings.json"));
    const again = await initWith(home, cwd, ["claude-code"]);
    expect(again.stdout).toContain("= env.PATH: the shim directory first (unchanged)");
    expect(read(join(home, ".claude/settings.json"))).toBe(before);
  });

  it("keeps the user's other env variables, and --remove takes out only PATH and the marker; a second --remove changes nothing", async () => {
    const { home, cwd } = fixture();
    const original = JSON.stringify({ env: { FOO: "bar" }, model: "opus" }, null, 2) + "\n";
    write(join(home, ".claude/settings.json"), original);
    await initWith(home, cwd, ["claude-code"]);
    expect(JSON.parse(read(join(home, ".claude/settings.json"))).env).toEqual({ FOO: "bar", PATH: `${shimDirOf(home)}:${USER_PATH}`, OPENCLAW_GUARD_AGENT: "claude-code" });
    const removed = await initWith(home, cwd, ["--remove", "claude-code"]);
    expect(removed.stdout).toContain("- env.PATH (the shim directory first)");
    expect(read(join(home, ".claude/settings.json"))).toBe(original);
    const second = await initWith(home, cwd, ["--remove", "claude-code"]);
    expect(second.stdout).not.toMatch(/\((changed|deleted)[,)]/);
    expect(read(join(home, ".claude/settings.json"))).toBe(original);
  });

  it("a PATH the user had set there is kept after the shim directory, and --remove takes the whole value (init rewrote it)", async () => {
    const { home, cwd } = fixture();
    write(join(home, ".claude/settings.json"), JSON.stringify({ env: { PATH: "/mine:/usr/bin" } }));
    const result = await initWith(home, cwd, ["claude-code"]);
    expect(result.stdout).toContain("then the PATH you had set there");
    expect(JSON.parse(read(join(home, ".claude/settings.json"))).env.PATH).toBe(`${shimDirOf(home)}:/mine:/usr/bin:/opt/tools/bin:/usr/local/bin:/bin`);
    await initWith(home, cwd, ["--remove", "claude-code"]);
    expect(() => read(join(home, ".claude/settings.json"))).toThrow(); // nothing else was in it
  });

  it("refuses to overwrite a file in the shim directory it did not write, and writes nothing", async () => {
    const { home, cwd } = fixture();
    write(join(shimDirOf(home), "openclaw"), "#!/bin/sh\necho mine\n");
    const result = await initWith(home, cwd, ["claude-code"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bin\/openclaw: exists and is not an openclaw-guard shim/);
    expect(() => read(join(home, ".claude/settings.json"))).toThrow();
  });

  it("the shims embed the book's guard.allowOpenclawCommands, and a re-run after changing it regenerates them", async () => {
    const { home, cwd, config } = fixture();
    await initWith(home, cwd, ["claude-code"]);
    const first = read(join(shimDirOf(home), "openclaw"));
    writeFileSync(config, `{ contacts: {}, guard: { allowOpenclawCommands: ["status"] } }\n`);
    const again = await initWith(home, cwd, ["claude-code"]);
    expect(again.stdout).toContain("~ PATH shim openclaw (regenerated from guard.allowOpenclawCommands)");
    expect(read(join(shimDirOf(home), "openclaw"))).not.toBe(first);
  });
});

describe("init codex: shell_environment_policy.set and allow_login_shell in the user's config.toml", () => {
  it("writes both, keeps the user's TOML, a re-run changes nothing, and --remove gives the file back byte for byte", async () => {
    const { home, cwd } = fixture();
    const original = '# my settings\nmodel = "o4"\n\n[shell_environment_policy]\ninherit = "core"\n\n[profiles.fast]\nmodel = "o4-mini"\n';
    write(join(home, ".codex/config.toml"), original);
    const result = await initWith(home, cwd, ["codex"]);
    expect(result.code, result.stderr).toBe(0);
    const text = read(join(home, ".codex/config.toml"));
    expect(text).toContain(`[shell_environment_policy.set]\nPATH = "${shimDirOf(home)}:${USER_PATH}"\nOPENCLAW_GUARD_AGENT = "codex"\n`);
    expect(text).toMatch(/^# my settings\nallow_login_shell = false # openclaw-guard: .*\nmodel = "o4"\n/);
    expect(text).toContain('[shell_environment_policy]\ninherit = "core"\n');
    await initWith(home, cwd, ["codex"]);
    expect(read(join(home, ".codex/config.toml"))).toBe(text);
    const removed = await initWith(home, cwd, ["--remove", "codex"]);
    expect(removed.code).toBe(0);
    expect(read(join(home, ".codex/config.toml"))).toBe(original);
  });

  it("a user's own allow_login_shell line is replaced by ours (marked), and a set = {...} inline table is refused naming its line", async () => {
    const { home, cwd } = fixture();
    write(join(home, ".codex/config.toml"), 'allow_login_shell = true\n[x]\ny = 1\n');
    await initWith(home, cwd, ["codex"]);
    expect(read(join(home, ".codex/config.toml"))).toMatch(/^allow_login_shell = false # openclaw-guard: /);
    const other = fixture();
    const inline = '[shell_environment_policy]\nset = { FOO = "1" }\n';
    write(join(other.home, ".codex/config.toml"), inline);
    const refused = await initWith(other.home, other.cwd, ["codex"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/config\.toml:2: shell_environment_policy\.set is already set here/);
    expect(read(join(other.home, ".codex/config.toml"))).toBe(inline);
  });

  it("--scope project keeps the PATH setting in the user's config, never in the repository's", async () => {
    const { home, cwd } = fixture();
    await initWith(home, cwd, ["codex", "--scope", "project"]);
    expect(read(join(cwd, ".codex/config.toml"))).not.toMatch(/shell_environment_policy|allow_login_shell/);
    expect(read(join(home, ".codex/config.toml"))).toContain("[shell_environment_policy.set]");
  });
});

describe("init gemini: no PATH setting exists", () => {
  it("writes no shim and says why", async () => {
    const { home, cwd } = fixture();
    const result = await initWith(home, cwd, ["gemini"]);
    expect(result.stdout).toContain("No PATH shim: Gemini CLI 0.61 has no setting for its shells' PATH");
    expect(() => read(join(shimDirOf(home), "openclaw"))).toThrow();
  });
});

describe("doctor: the agents' PATH", () => {
  it("after init claude-code and codex: both ok, and guard.shim is ok without the shim on the user's own PATH", async () => {
    const { home, cwd } = fixture();
    await initWith(home, cwd, ["claude-code"]);
    await initWith(home, cwd, ["codex"]);
    const report = await doctor(home, cwd);
    expect(check(report, "guard.agent-path-claude-code")).toMatchObject({ status: "ok", summary: expect.stringContaining(`start PATH with the shim directory ${shimDirOf(home)}`) });
    expect(check(report, "guard.agent-path-codex")).toMatchObject({ status: "ok" });
    expect(check(report, "guard.shim")).toMatchObject({ status: "ok", summary: expect.stringContaining("not in your shells'") });
  });

  it("is stale when the user's PATH gained a directory: warns, names it, and re-running init (the fix) clears it", async () => {
    const { home, cwd } = fixture();
    await initWith(home, cwd, ["claude-code"]);
    const grown = `/new/tools:${USER_PATH}`;
    const stale = check(await doctor(home, cwd, grown), "guard.agent-path-claude-code");
    expect(stale).toMatchObject({ status: "warn", summary: expect.stringContaining("is stale") });
    expect(stale.summary).toContain("lacks /new/tools");
    expect(stale.fix).toMatch(/^openclaw-guard init claude-code /);
    await initWith(home, cwd, ["claude-code"], grown);
    expect(check(await doctor(home, cwd, grown), "guard.agent-path-claude-code")).toMatchObject({ status: "ok" });
  });

  it("fails when env.PATH does not start with the shims (hand-edited, or the shims deleted), and when a project setting overrides it", async () => {
    const { home, cwd } = fixture();
    await initWith(home, cwd, ["claude-code"]);
    const file = join(home, ".claude/settings.json");
    const settings = JSON.parse(read(file));
    writeFileSync(file, JSON.stringify({ ...settings, env: { PATH: USER_PATH } }));
    const edited = check(await doctor(home, cwd), "guard.agent-path-claude-code");
    expect(edited).toMatchObject({ status: "fail", summary: expect.stringContaining('starts with "/opt/tools/bin", which holds no openclaw-guard shim') });
    await initWith(home, cwd, ["claude-code"]);
    expect(check(await doctor(home, cwd), "guard.agent-path-claude-code")).toMatchObject({ status: "ok" });
    write(join(cwd, ".claude/settings.local.json"), JSON.stringify({ env: { PATH: "/usr/bin:/bin" } }));
    const overridden = check(await doctor(home, cwd), "guard.agent-path-claude-code");
    expect(overridden).toMatchObject({ status: "fail", summary: expect.stringContaining(join(cwd, ".claude/settings.local.json")) });
  });

  it("codex: fails when a login shell is allowed (it resets PATH)", async () => {
    const { home, cwd } = fixture();
    await initWith(home, cwd, ["codex"]);
    const file = join(home, ".codex/config.toml");
    writeFileSync(file, read(file).replace(/^allow_login_shell = false.*\n/m, ""));
    expect(check(await doctor(home, cwd), "guard.agent-path-codex")).toMatchObject({ status: "fail", summary: expect.stringContaining("allows login shells") });
  });

  it("a Claude Code set up before this (hook, no env.PATH) warns, with init as the fix", async () => {
    const { home, cwd } = fixture();
    await initWith(home, cwd, ["claude-code"]);
    const file = join(home, ".claude/settings.json");
    const { env: _env, ...rest } = JSON.parse(read(file)) as { env: unknown };
    writeFileSync(file, JSON.stringify(rest));
    chmodSync(file, 0o600);
    const report = await doctor(home, cwd);
    expect(check(report, "guard.agent-path-claude-code")).toMatchObject({ status: "warn", fix: expect.stringContaining("openclaw-guard init claude-code") });
    expect(check(report, "guard.shim").summary).not.toContain("on the agents' PATH");
  });
});
