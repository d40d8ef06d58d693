// `openclaw-guard init <client>` against fixture homes (a fresh temp HOME per test), through the
// real command entry point and the real file I/O: fresh files, files with other settings, re-runs,
// malformed files, dry runs and --print.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/contacts/config.js";
import { applyPlans, readText } from "../../src/setup/init-files.js";
import { CLI, fixture, init, NODE } from "./init-fixture.js";

const read = (file: string) => readFileSync(file, "utf8");
/** The per-file summary lines, without the notes and limits that follow them. */
const summaryOf = (stdout: string) => stdout.split("\nnotes:")[0]!.split("\nwhat this client")[0]!;
const count = (text: string, needle: string) => text.split(needle).length - 1;

interface Case {
  client: string;
  /** Files init writes (relative to HOME), with how often our install dir appears in each. */
  files: Record<string, number>;
  /** Existing files holding other settings that must survive. */
  existing: Record<string, string>;
  preserved: (home: string) => void;
  malformed: { file: string; text: string; where: RegExp };
}

const CLAUDE_JSON = JSON.stringify({ numStartups: 3, projects: { "/w": { allowedTools: ["Bash(ls)"] } }, mcpServers: { other: { type: "stdio", command: "/bin/other", args: [] } } }, null, 2);
const CLAUDE_SETTINGS = JSON.stringify(
  { model: "opus", permissions: { allow: ["Bash(ls)"], deny: ["Read(./.env)"] }, hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "/bin/mine" }] }], Stop: [{ hooks: [{ type: "command", command: "/bin/stop" }] }] } },
  null,
  2,
);

const cases: Case[] = [
  {
    client: "claude-code",
    files: { ".claude.json": 1, ".claude/settings.json": 2 },
    existing: { ".claude.json": CLAUDE_JSON, ".claude/settings.json": CLAUDE_SETTINGS },
    preserved(home) {
      const top = JSON.parse(read(path.join(home, ".claude.json")));
      expect(top.numStartups).toBe(3);
      expect(top.projects).toEqual({ "/w": { allowedTools: ["Bash(ls)"] } });
      expect(Object.keys(top.mcpServers)).toEqual(["other", "openclaw-guard"]);
      const settings = JSON.parse(read(path.join(home, ".claude/settings.json")));
      expect(settings.model).toBe("opus");
      // The user's own rules stay first; init adds the guard's two MCP tools (headless -p mode refuses unapproved ones).
      expect(settings.permissions.allow).toEqual(["Bash(ls)", "mcp__openclaw-guard__send_message", "mcp__openclaw-guard__list_contacts"]);
      expect(settings.permissions.deny[0]).toBe("Read(./.env)");
      expect(settings.hooks.PreToolUse[0]).toEqual({ matcher: "Bash", hooks: [{ type: "command", command: "/bin/mine" }] });
      expect(settings.hooks.Stop).toEqual([{ hooks: [{ type: "command", command: "/bin/stop" }] }]);
    },
    malformed: { file: ".claude/settings.json", text: '{\n  "model": "opus",\n  "hooks": {,\n}\n', where: /settings\.json:3:/ },
  },
  {
    client: "codex",
    files: { ".codex/config.toml": 1, ".codex/hooks.json": 1, ".codex/rules/openclaw-guard.rules": 0 },
    existing: {
      ".codex/config.toml": 'model = "o4"\n\n[mcp_servers.other]\ncommand = "/bin/other"\nargs = [\n  "a",\n  "[not.a.header]",\n]\n\n# a comment\n[profiles.fast]\nmodel = "o4-mini"\n',
      ".codex/hooks.json": JSON.stringify({ hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "/bin/mine" }] }] } }),
    },
    preserved(home) {
      // The user's text stays byte for byte, but for the one root key init adds (marked, so --remove takes only it).
      const toml = read(path.join(home, ".codex/config.toml")).replace(/^allow_login_shell = false # openclaw-guard: .*\n/m, "");
      expect(toml.startsWith('model = "o4"\n\n[mcp_servers.other]\ncommand = "/bin/other"\nargs = [\n  "a",\n  "[not.a.header]",\n]\n\n# a comment\n[profiles.fast]\nmodel = "o4-mini"\n')).toBe(true);
      expect(toml).toContain(`[mcp_servers.openclaw-guard]\ncommand = "${NODE}"\nargs = ["${CLI}", "serve", "--config", `);
      const hooks = JSON.parse(read(path.join(home, ".codex/hooks.json")));
      expect(hooks.hooks.PreToolUse[0]).toEqual({ matcher: "Bash", hooks: [{ type: "command", command: "/bin/mine" }] });
    },
    malformed: { file: ".codex/config.toml", text: 'model = "o4"\n[mcp_servers.other]\ncommand = "/bin/other\n', where: /config\.toml:3: unterminated string/ },
  },
  {
    client: "gemini",
    files: { ".gemini/settings.json": 2, ".gemini/policies/openclaw-guard.toml": 0 },
    existing: { ".gemini/settings.json": JSON.stringify({ theme: "Dracula", mcpServers: { other: { command: "/bin/other" } }, hooks: { BeforeTool: [{ matcher: "write_file", hooks: [{ type: "command", command: "/bin/mine" }] }] } }, null, 4) },
    preserved(home) {
      const text = read(path.join(home, ".gemini/settings.json"));
      expect(text).toMatch(/^\{\n {4}"theme"/); // indentation kept
      const settings = JSON.parse(text);
      expect(settings.theme).toBe("Dracula");
      expect(settings.mcpServers.other).toEqual({ command: "/bin/other" });
      expect(settings.hooks.BeforeTool[0]).toEqual({ matcher: "write_file", hooks: [{ type: "command", command: "/bin/mine" }] });
      expect(settings.hooks.BeforeTool[1].matcher).toBe("run_shell_command|write_file|replace");
    },
    malformed: { file: ".gemini/settings.json", text: '{\n  "theme": "Dracula"\n  "x": 1\n}\n', where: /settings\.json:3:/ },
  },
  {
    client: "cursor",
    files: { ".cursor/mcp.json": 1, ".cursor/hooks.json": 1 },
    existing: {
      ".cursor/mcp.json": JSON.stringify({ mcpServers: { other: { command: "/bin/other" } } }),
      ".cursor/hooks.json": JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: "/bin/mine" }], afterFileEdit: [{ command: "/bin/fmt" }] } }),
    },
    preserved(home) {
      expect(JSON.parse(read(path.join(home, ".cursor/mcp.json"))).mcpServers.other).toEqual({ command: "/bin/other" });
      const hooks = JSON.parse(read(path.join(home, ".cursor/hooks.json")));
      expect(hooks.hooks.beforeShellExecution[0]).toEqual({ command: "/bin/mine" });
      expect(hooks.hooks.afterFileEdit).toEqual([{ command: "/bin/fmt" }]);
    },
    malformed: { file: ".cursor/hooks.json", text: '{"version": 1, "hooks": [}', where: /hooks\.json:1:/ },
  },
  {
    client: "vscode",
    files: { ".config/Code/User/mcp.json": 1, ".claude/settings.json": 2 },
    existing: { ".config/Code/User/mcp.json": JSON.stringify({ servers: { other: { type: "http", url: "http://localhost:1" } }, inputs: [] }), ".claude/settings.json": CLAUDE_SETTINGS },
    preserved(home) {
      const mcp = JSON.parse(read(path.join(home, ".config/Code/User/mcp.json")));
      expect(mcp.servers.other).toEqual({ type: "http", url: "http://localhost:1" });
      expect(mcp.inputs).toEqual([]);
      const settings = JSON.parse(read(path.join(home, ".claude/settings.json")));
      expect(settings.permissions.deny).toEqual(["Read(./.env)"]); // deny rules are Claude Code's, not added here
      expect(settings.hooks.PreToolUse[0].hooks[0].command).toBe("/bin/mine");
    },
    malformed: { file: ".config/Code/User/mcp.json", text: '{ "servers": { "a": 1 } ', where: /mcp\.json:1:/ },
  },
];

function writeAll(home: string, files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
    writeFileSync(path.join(home, rel), text, { mode: 0o644 });
  }
}

function backups(home: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.bak-\d{8}T\d{9}Z$/.test(entry.name)) found.push(path.relative(home, full));
    }
  };
  walk(home);
  return found.sort();
}

/** A home where `init` ran from an install at /old/ocg/ (since moved to /opt/ocg/), over the case's existing files. */
async function initFromOldPath(c: Case) {
  const { home, cwd } = fixture();
  writeAll(home, c.existing);
  await init(home, cwd, [c.client]);
  for (const rel of Object.keys(c.files)) {
    const file = path.join(home, rel);
    writeFileSync(file, read(file).replaceAll("/opt/ocg/", "/old/ocg/"));
  }
  return { home, cwd };
}

describe.each(cases)("init $client", (c) => {
  it("writes fresh files with absolute commands, and a re-run changes nothing", async () => {
    const { home, cwd, config } = fixture();
    const first = await init(home, cwd, [c.client]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const texts: Record<string, string> = {};
    for (const [rel, n] of Object.entries(c.files)) {
      const file = path.join(home, rel);
      texts[rel] = read(file);
      expect(count(texts[rel]!, "/opt/ocg/dist/"), rel).toBe(n);
      if (n > 0) expect(texts[rel]).toContain(config);
      if (rel.endsWith(".json")) JSON.parse(texts[rel]!);
      expect(statSync(file).mode & 0o077, `${rel} is private`).toBe(0);
      expect(first.stdout).toMatch(new RegExp(`~/${rel.replace(/[.]/g, "\\.")} \\(new file\\)`));
    }
    expect(backups(home)).toEqual([]);

    const second = await init(home, cwd, [c.client]);
    expect(second.code).toBe(0);
    expect(summaryOf(second.stdout)).not.toMatch(/^ {2}[+~-] /m);
    expect(summaryOf(second.stdout)).toMatch(/^ {2}= /m);
    for (const rel of Object.keys(c.files)) expect(read(path.join(home, rel)), rel).toBe(texts[rel]);
    expect(backups(home)).toEqual([]);
  });

  it("keeps everything else in existing files, backs them up, and a re-run adds no duplicates", async () => {
    const { home, cwd } = fixture();
    writeAll(home, c.existing);
    const first = await init(home, cwd, [c.client]);
    expect(first.code).toBe(0);
    c.preserved(home);
    const bak = backups(home);
    expect(bak).toEqual(Object.keys(c.existing).map((rel) => `${rel}.bak-20261122T100000000Z`).sort());
    for (const rel of Object.keys(c.existing)) {
      expect(read(path.join(home, `${rel}.bak-20261122T100000000Z`))).toBe(c.existing[rel]);
      expect(statSync(path.join(home, rel)).mode & 0o777, `${rel} keeps its mode`).toBe(0o644);
    }
    const after = Object.fromEntries(Object.keys(c.files).map((rel) => [rel, read(path.join(home, rel))]));

    const second = await init(home, cwd, [c.client]);
    expect(second.code).toBe(0);
    for (const [rel, n] of Object.entries(c.files)) {
      expect(read(path.join(home, rel)), rel).toBe(after[rel]);
      expect(count(after[rel]!, "/opt/ocg/dist/"), rel).toBe(n);
    }
    c.preserved(home);
    expect(backups(home)).toEqual(bak);
  });

  it("replaces its own entries when the install moved, without duplicating them", async () => {
    const { home, cwd } = await initFromOldPath(c);
    const moved = await init(home, cwd, [c.client]);
    expect(moved.code).toBe(0);
    expect(summaryOf(moved.stdout)).toMatch(/^ {2}~ /m);
    for (const [rel, n] of Object.entries(c.files)) {
      const text = read(path.join(home, rel));
      expect(count(text, "/opt/ocg/dist/"), rel).toBe(n);
      expect(text, rel).not.toContain("/old/ocg/dist/cli.js serve");
      expect(text, rel).not.toContain("/old/ocg/dist/cli.js hook");
    }
    c.preserved(home);
  });

  it("refuses a malformed file, naming file and line, and writes nothing at all", async () => {
    const { home, cwd } = fixture();
    writeAll(home, { [c.malformed.file]: c.malformed.text });
    const result = await init(home, cwd, [c.client]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(c.malformed.where);
    expect(result.stderr).toContain("Nothing was written");
    expect(read(path.join(home, c.malformed.file))).toBe(c.malformed.text);
    for (const rel of Object.keys(c.files)) if (rel !== c.malformed.file) expect(existsSync(path.join(home, rel)), rel).toBe(false);
    expect(backups(home)).toEqual([]);
  });

  it("--dry-run reports the changes and writes nothing", async () => {
    const { home, cwd } = fixture();
    writeAll(home, c.existing);
    const result = await init(home, cwd, [c.client, "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: nothing is written");
    expect(summaryOf(result.stdout)).toMatch(/^ {2}\+ /m);
    for (const rel of Object.keys(c.files)) {
      const file = path.join(home, rel);
      expect(readText(file), rel).toBe(c.existing[rel]);
    }
    expect(backups(home)).toEqual([]);
  });

  it("--remove after a fresh init deletes every file init created, with a backup of each", async () => {
    const { home, cwd } = fixture();
    await init(home, cwd, [c.client]);
    const written = Object.fromEntries(Object.keys(c.files).map((rel) => [rel, read(path.join(home, rel))]));
    const removed = await init(home, cwd, ["--remove", c.client]);
    expect(removed.stderr).toBe("");
    expect(removed.code).toBe(0);
    for (const rel of Object.keys(c.files)) {
      expect(existsSync(path.join(home, rel)), rel).toBe(false);
      expect(removed.stdout).toContain(`~/${rel} (deleted, backup: ~/${rel}.bak-20261122T100000000Z)`);
      expect(read(path.join(home, `${rel}.bak-20261122T100000000Z`))).toBe(written[rel]);
    }
    expect(removed.stdout).toMatch(/^ {2}- /m);
  });

  it("--remove takes out exactly what init added to existing files, and a second --remove changes nothing", async () => {
    const { home, cwd } = fixture();
    writeAll(home, c.existing);
    await init(home, cwd, [c.client]);
    const removed = await init(home, cwd, ["--remove", c.client, "--config", path.join(home, ".config/openclaw-guard/config.json5")]);
    expect(removed.code).toBe(0);
    for (const [rel, original] of Object.entries(c.existing)) {
      const text = read(path.join(home, rel));
      if (rel.endsWith(".json")) {
        expect(JSON.parse(text), rel).toEqual(JSON.parse(original));
        expect(Object.keys(JSON.parse(text)), rel).toEqual(Object.keys(JSON.parse(original)));
      } else expect(text, rel).toBe(original);
      expect(statSync(path.join(home, rel)).mode & 0o777, `${rel} keeps its mode`).toBe(0o644);
    }
    for (const rel of Object.keys(c.files)) if (!(rel in c.existing)) expect(existsSync(path.join(home, rel)), rel).toBe(false);
    const after = Object.fromEntries(Object.keys(c.existing).map((rel) => [rel, read(path.join(home, rel))]));
    const bak = backups(home);

    const again = await init(home, cwd, ["--remove", c.client]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^ {2}- /m);
    for (const rel of Object.keys(c.existing)) expect(read(path.join(home, rel)), rel).toBe(after[rel]);
    expect(backups(home)).toEqual(bak);
  });

  it("--remove also takes out entries an install from another path wrote", async () => {
    const { home, cwd } = await initFromOldPath(c);
    expect((await init(home, cwd, ["--remove", c.client])).code).toBe(0);
    for (const rel of Object.keys(c.files)) {
      const text = readText(path.join(home, rel)) ?? "";
      expect(text, rel).not.toMatch(/\/(old|opt)\/ocg\/|openclaw-guard/);
    }
  });

  it("--remove --dry-run reports and writes nothing", async () => {
    const { home, cwd } = fixture();
    writeAll(home, c.existing);
    await init(home, cwd, [c.client]);
    const before = Object.fromEntries(Object.keys(c.files).map((rel) => [rel, read(path.join(home, rel))]));
    const bak = backups(home);
    const result = await init(home, cwd, ["--remove", c.client, "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: nothing is written");
    expect(result.stdout).toMatch(/\((would change|would be deleted)\)/);
    for (const rel of Object.keys(c.files)) expect(read(path.join(home, rel)), rel).toBe(before[rel]);
    expect(backups(home)).toEqual(bak);
  });

  it("--print shows the snippets and writes nothing", async () => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, ["--print", c.client]);
    expect(result.code).toBe(0);
    for (const rel of Object.keys(c.files)) {
      expect(result.stdout).toContain(`# ~/${rel}\n`);
      expect(existsSync(path.join(home, rel)), rel).toBe(false);
    }
    expect(result.stdout).toContain("what this client cannot block:");
  });
});

describe("init: scopes, comments and warnings", () => {
  it("--scope project puts the server in the repository but never the hook, and says why", async () => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, ["claude-code", "--scope", "project"]);
    expect(result.code).toBe(0);
    const mcp = JSON.parse(read(path.join(cwd, ".mcp.json")));
    expect(mcp.mcpServers["openclaw-guard"]).toEqual({ type: "stdio", command: NODE, args: [CLI, "serve", "--config", path.join(home, ".config/openclaw-guard/config.json5")], env: {} });
    expect(existsSync(path.join(cwd, ".claude"))).toBe(false);
    expect(existsSync(path.join(home, ".claude.json"))).toBe(false);
    expect(JSON.parse(read(path.join(home, ".claude/settings.json"))).hooks.PreToolUse).toHaveLength(2);
    expect(result.stdout).toMatch(/NOT put into .*\.claude\/settings\.json: the agent can edit files in its repository/);
  });

  it.each([
    ["codex", ".codex/hooks.json"],
    ["gemini", ".gemini/settings.json"],
    ["cursor", ".cursor/hooks.json"],
    ["vscode", ".claude/settings.json"],
  ])("--scope project for %s keeps the hook in the user's home", async (client, homeHookFile) => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, [client, "--scope", "project"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("the agent can edit files in its repository");
    // Any of the guard's hook commands: the bundled Claude Code style one (per client) and Cursor's.
    const hook = /hook-main\.cjs hook (?:claude-code|codex|gemini|cursor)/;
    expect(read(path.join(home, homeHookFile))).toMatch(hook);
    const inProject = readdirSync(cwd, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    expect(inProject.length).toBeGreaterThan(0);
    for (const file of inProject) expect(read(file), file).not.toMatch(hook);
    expect(inProject.some((f) => /mcp\.json$|config\.toml$|settings\.json$/.test(f) && read(f).includes("serve"))).toBe(true);
  });

  it.each(["claude-code", "codex", "gemini", "cursor", "vscode"])("--remove --scope project for %s takes the server out of the repository and the hook out of home", async (client) => {
    const { home, cwd } = fixture();
    await init(home, cwd, [client, "--scope", "project"]);
    const removed = await init(home, cwd, ["--remove", client, "--scope", "project"]);
    expect(removed.code).toBe(0);
    const left = [cwd, home].flatMap((dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !/\.bak-/.test(e.name)).map((e) => path.join(e.parentPath, e.name)));
    // The PATH shims stay (another client may point its PATH at them): `shim uninstall` removes them.
    const shims = ["claude-code", "codex"].includes(client) ? [".local/share/openclaw-guard/bin/clawdbot", ".local/share/openclaw-guard/bin/moltbot", ".local/share/openclaw-guard/bin/openclaw"] : [];
    expect(left.map((f) => path.relative(home, f)).sort()).toEqual([".config/openclaw-guard/config.json5", ...shims]);
    if (shims.length > 0) expect(removed.stdout).toMatch(/bin\/openclaw \(kept\)\n {2}= kept \(other clients may use it\): `openclaw-guard shim uninstall --dir \S+\/\.local\/share\/openclaw-guard\/bin` removes it/);
  });

  it("refuses to run on Windows, saying so, and writes nothing", async () => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, ["claude-code"], undefined, { platform: "win32" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Windows is not supported/);
    expect(readdirSync(home).sort()).toEqual([".config", "project"]);
  });

  it("refuses to rewrite a JSONC file with comments (they would be lost)", async () => {
    const { home, cwd } = fixture();
    const text = '{\n  // my servers\n  "servers": {},\n}\n';
    writeAll(home, { ".config/Code/User/mcp.json": text });
    const result = await init(home, cwd, ["vscode"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mcp\.json(:\d+:\d+)?: is JSON5, not JSON \(comments, trailing commas\); refusing to rewrite it/);
    expect(read(path.join(home, ".config/Code/User/mcp.json"))).toBe(text);
    expect(JSON5.parse(text)).toEqual({ servers: {} });
  });

  it("refuses a Codex rules file it did not write", async () => {
    const { home, cwd } = fixture();
    writeAll(home, { ".codex/rules/openclaw-guard.rules": 'prefix_rule(pattern=["rm"], decision="forbidden")\n' });
    const result = await init(home, cwd, ["codex"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/openclaw-guard\.rules: exists and was not written by openclaw-guard/);
    expect(existsSync(path.join(home, ".codex/config.toml"))).toBe(false);
  });

  it.each([
    ["2.1.294 (Claude Code)", /2\.1\.294 is older than 2\.1\.295: it ignores "onFailure": "block"/],
    [null, /`claude` was not found on PATH/],
    ["2.1.295 (Claude Code)", undefined],
  ])("claude --version %s", async (version, warning) => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, ["claude-code"], version);
    expect(result.code).toBe(0);
    if (warning) expect(result.stderr).toMatch(warning);
    else expect(result.stderr).toBe("");
  });

  it("starts a missing address book from the example, private whatever the umask, and serve accepts it", async () => {
    const { home, cwd } = fixture();
    const config = path.join(home, "new", "dir", "config.json5");
    const umask = process.umask(0o002);
    try {
      const result = await init(home, cwd, ["cursor", "--config", config]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/new\/dir\/config\.json5 \(new file\)\n {2}\+ address book from examples\/config\.json5/);
    } finally {
      process.umask(umask);
    }
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(config)).mode & 0o777).toBe(0o700);
    expect(loadConfig(config, { HOME: home }).openclaw.transport).toBe("dry-run");
    expect(read(path.join(home, ".cursor/mcp.json"))).toContain(config);
    const again = await init(home, cwd, ["cursor", "--config", config]);
    expect(again.stdout).not.toContain("address book");
  });

  it("warns, with the one fixing command, when the existing config is writable by a shared group", async () => {
    const { home, cwd, config } = fixture();
    chmodSync(config, 0o664);
    const sharedGroup = (file: string) => (file === "/etc/passwd" ? `me:x:${process.getuid!()}:${statSync(config).gid}::/h:/bin/sh\nyou:x:4242:${statSync(config).gid}::/h:/bin/sh\n` : `me:x:${statSync(config).gid}:\n`);
    const result = await init(home, cwd, ["cursor"], undefined, { readSystemFile: sharedGroup });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: the server refuses to start with this config: ${config}: the config file is writable by other users`);
    expect(result.stderr).toContain(`Fix: chmod go-w ${JSON.stringify(config)}`);
  });

  it("rejects unknown clients and scopes as usage errors", async () => {
    const { home, cwd } = fixture();
    await expect(init(home, cwd, ["emacs"])).rejects.toThrow(/unknown client "emacs"/);
    await expect(init(home, cwd, ["codex", "--scope", "global"])).rejects.toThrow(/--scope must be user or project/);
    await expect(init(home, cwd, [])).rejects.toThrow(/which client/);
    await expect(init(home, cwd, ["claude-code", "--separate"])).rejects.toThrow(/--separate is for the openclaw target only/);
    await expect(init(home, cwd, ["codex", "--remove", "--trust-hook"])).rejects.toThrow(/--remove does not go with/);
  });
});

describe("init: the user's own fields in our server entry", () => {
  const entryFiles = [
    { client: "claude-code", file: ".claude.json", key: "mcpServers" },
    { client: "cursor", file: ".cursor/mcp.json", key: "mcpServers" },
    { client: "gemini", file: ".gemini/settings.json", key: "mcpServers" },
    { client: "vscode", file: ".config/Code/User/mcp.json", key: "servers" },
  ];
  it.each(entryFiles)("$client: a re-run updates command and args only, keeping env and other fields in place", async ({ client, file, key }) => {
    const { home, cwd } = fixture();
    const mine = { command: "/old/node", env: { OPENCLAW_GATEWAY_TOKEN: "secret" }, args: ["/old/ocg/dist/cli.js", "serve"], timeout: 30000 };
    writeAll(home, { [file]: JSON.stringify({ [key]: { "openclaw-guard": mine } }, null, 2) });
    const first = await init(home, cwd, [client]);
    expect(first.code).toBe(0);
    const entry = JSON.parse(read(path.join(home, file)))[key]["openclaw-guard"];
    expect(Object.keys(entry).slice(0, 4)).toEqual(["command", "env", "args", "timeout"]);
    expect(entry).toMatchObject({ command: NODE, env: mine.env, args: [CLI, "serve", "--config", path.join(home, ".config/openclaw-guard/config.json5")], timeout: 30000 });
    expect(summaryOf(first.stdout)).toMatch(/^ {2}~ \S*openclaw-guard: .*\(changed: (type, )?command, args; kept: env, timeout\)$/m);

    const text = read(path.join(home, file));
    const second = await init(home, cwd, [client]);
    expect(read(path.join(home, file))).toBe(text);
    expect(summaryOf(second.stdout)).toMatch(/^ {2}= \S*openclaw-guard: .* unchanged$/m);
  });

  it("codex: a re-run updates command and args only, keeping the table's other keys and its env sub-table", async () => {
    const { home, cwd } = fixture();
    const toml = '[mcp_servers.openclaw-guard]\ncommand = "/old/node"\nstartup_timeout_sec = 30\nargs = ["/old/ocg/dist/cli.js"]\n\n[mcp_servers.openclaw-guard.env]\nOPENCLAW_GATEWAY_TOKEN = "secret"\n';
    writeAll(home, { ".codex/config.toml": toml });
    const first = await init(home, cwd, ["codex"]);
    expect(first.code).toBe(0);
    const text = read(path.join(home, ".codex/config.toml"));
    expect(text).toMatch(/^allow_login_shell = false # openclaw-guard: .*\n\[mcp_servers\.openclaw-guard\]\ncommand = "\/opt\/node\/bin\/node"\nstartup_timeout_sec = 30\nargs = \["\/opt\/ocg\/dist\/cli\.js", .*\]\n\n\[mcp_servers\.openclaw-guard\.env\]\nOPENCLAW_GATEWAY_TOKEN = "secret"\n\n\[shell_environment_policy\.set\]\nPATH = ".*"\nOPENCLAW_GUARD_AGENT = "codex"\n$/);
    expect(summaryOf(first.stdout)).toMatch(/^ {2}~ \[mcp_servers\.openclaw-guard\]: .*\(changed: command, args; kept: startup_timeout_sec\)$/m);
    await init(home, cwd, ["codex"]);
    expect(read(path.join(home, ".codex/config.toml"))).toBe(text);
  });
});

describe("init: failures part-way", () => {
  it("writes the guard before the server registration, and a failing write reports what was already written", async () => {
    const { home, cwd } = fixture();
    writeAll(home, { ".claude.json": CLAUDE_JSON, ".claude/settings.json": CLAUDE_SETTINGS });
    const renamed: string[] = [];
    const rename = (from: string, to: string) => {
      if (to.endsWith(".claude.json")) throw Object.assign(new Error(`EACCES: permission denied, rename '${from}' -> '${to}'`), { code: "EACCES" });
      renameSync(from, to);
      renamed.push(path.relative(home, to));
    };
    const result = await init(home, cwd, ["claude-code"], undefined, { applyPlans: (plans, now) => applyPlans(plans, now, rename) });
    expect(result.code).toBe(1);
    const shims = ["openclaw", "clawdbot", "moltbot"].map((name) => `.local/share/openclaw-guard/bin/${name}`);
    expect(renamed).toEqual([...shims, ".claude/settings.json"]);
    expect(result.stderr).toContain("openclaw-guard init claude-code: EACCES: permission denied");
    expect(result.stderr).toContain(`Already written: ${shims.map((f) => `~/${f} (new file)`).join(", ")}, ~/.claude/settings.json (backup: ~/.claude/settings.json.bak-20261122T100000000Z). Not written: ~/.claude.json.`);
    expect(read(path.join(home, ".claude.json"))).toBe(CLAUDE_JSON);
    expect(read(path.join(home, ".claude/settings.json"))).toContain("hook claude-code");
    expect(backups(home)).toEqual([".claude/settings.json.bak-20261122T100000000Z"]);
    expect(readdirSync(home).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("an I/O error before anything is replaced writes nothing and exits non-zero", async () => {
    const { home, cwd } = fixture();
    writeAll(home, { ".codex/rules": "a file where init needs a directory" });
    const result = await init(home, cwd, ["codex"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openclaw-guard init codex: .*rules.*\nNothing was written\.\n/);
    expect(readdirSync(path.join(home, ".codex"))).toEqual(["rules"]);
  });

  it("refuses a dangling symlink instead of replacing it, and writes nothing", async () => {
    const { home, cwd } = fixture();
    mkdirSync(path.join(home, ".claude"));
    symlinkSync(path.join(home, "dotfiles", "settings.json"), path.join(home, ".claude", "settings.json"));
    const result = await init(home, cwd, ["claude-code"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`.claude/settings.json: is a symbolic link to ${path.join(home, "dotfiles", "settings.json")}, which does not exist; refusing to replace the link`);
    expect(result.stderr).toContain("Nothing was written.");
    expect(existsSync(path.join(home, ".claude.json"))).toBe(false);
    expect(existsSync(path.join(home, "dotfiles"))).toBe(false);
  });
});

describe("init: CLAUDE_CONFIG_DIR", () => {
  it("claude-code writes settings.json and .claude.json where Claude Code reads them: in $CLAUDE_CONFIG_DIR", async () => {
    const { home, cwd } = fixture();
    const dir = path.join(home, "claude-config");
    const result = await init(home, cwd, ["claude-code"], undefined, { env: { HOME: home, CLAUDE_CONFIG_DIR: dir } });
    expect(result.code).toBe(0);
    expect(JSON.parse(read(path.join(dir, ".claude.json"))).mcpServers["openclaw-guard"].command).toBe(NODE);
    expect(JSON.parse(read(path.join(dir, "settings.json"))).hooks.PreToolUse).toHaveLength(2);
    expect(existsSync(path.join(home, ".claude.json"))).toBe(false);
    expect(existsSync(path.join(home, ".claude"))).toBe(false);
  });

  it("vscode puts the hook into $CLAUDE_CONFIG_DIR/settings.json and names it", async () => {
    const { home, cwd } = fixture();
    const dir = path.join(home, "claude-config");
    const result = await init(home, cwd, ["vscode"], undefined, { env: { HOME: home, CLAUDE_CONFIG_DIR: dir } });
    expect(result.code).toBe(0);
    expect(read(path.join(dir, "settings.json"))).toContain("hook claude-code");
    expect(existsSync(path.join(home, ".claude"))).toBe(false);
    expect(result.stdout).toContain("check that ~/claude-config/settings.json is among the hook file locations");
  });
});

describe("init: existing files a rewrite would damage", () => {
  it("codex refuses a config.toml whose mcp_servers is an inline table, naming the line", async () => {
    const { home, cwd } = fixture();
    const toml = 'model = "o4"\nmcp_servers = { other = { command = "/bin/other" } }\n';
    writeAll(home, { ".codex/config.toml": toml });
    const result = await init(home, cwd, ["codex"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/config\.toml:2: mcp_servers is set here as a value/);
    expect(result.stderr).toContain("Nothing was written");
    expect(read(path.join(home, ".codex/config.toml"))).toBe(toml);
  });

  it("keeps a byte order mark and CRLF line endings in a JSON file", async () => {
    const { home, cwd } = fixture();
    const text = '\uFEFF{\r\n  "mcpServers": {\r\n    "other": { "command": "/bin/other" }\r\n  }\r\n}\r\n';
    writeAll(home, { ".cursor/mcp.json": text });
    const result = await init(home, cwd, ["cursor"]);
    expect(result.code).toBe(0);
    const after = read(path.join(home, ".cursor/mcp.json"));
    expect(after.startsWith('\uFEFF{\r\n  "mcpServers": {\r\n    "other": {\r\n')).toBe(true);
    expect(after.replaceAll("\r\n", "")).not.toContain("\n");
    expect(JSON.parse(after.slice(1)).mcpServers["openclaw-guard"].command).toBe(NODE);
  });
});

describe("init codex --trust-hook", () => {
  const hook = (home: string, trustStatus: string) => ({
    key: `${home}/.codex/hooks.json:pre_tool_use:0:0`,
    command: `${NODE} ${CLI} hook codex`,
    sourcePath: `${home}/.codex/hooks.json`,
    trustStatus,
    currentHash: "sha256:0123456789abcdef0123456789abcdef",
  });

  it("without it, the summary says Codex skips an untrusted hook silently and how to trust it", async () => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, ["codex"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Codex SKIPS a hook it has not been told to trust, silently.*any later change to the hook entry.*untrusted again.*--trust-hook/);
    expect(result.stdout).not.toContain("Codex hook trust");
  });

  it("trusts the hook through Codex after writing the files, and reports what it trusted", async () => {
    const { home, cwd } = fixture();
    const asked: unknown[] = [];
    const result = await init(home, cwd, ["codex", "--trust-hook"], null, {
      trustCodexHooks: async (dir, written) => {
        asked.push(dir, written);
        expect(read(path.join(home, ".codex/hooks.json"))).toContain("hook codex"); // written before trust is asked
        return { trusted: [hook(home, "trusted")], already: [] };
      },
    });
    expect(result.code).toBe(0);
    expect(asked).toEqual([cwd, { sourcePath: path.join(home, ".codex/hooks.json"), command: `${NODE} --liftoff-only ${path.join(path.dirname(CLI), "guard", "hook-main.cjs")} hook codex --config ${path.join(home, ".config/openclaw-guard/config.json5")}` }]);
    expect(result.stdout).toContain("Codex hook trust (recorded by Codex in its config.toml, hooks.state)\n  + trusted ~/.codex/hooks.json:pre_tool_use:0:0 (sha256:0123456789ab…)");
  });

  it("fails (exit 1) when Codex cannot record the trust, saying the hook is not trusted", async () => {
    const { home, cwd } = fixture();
    const result = await init(home, cwd, ["codex", "--trust-hook"], null, {
      trustCodexHooks: async () => {
        throw new Error("could not run codex: ENOENT");
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the files were written, but the guard hook is NOT trusted: could not run codex: ENOENT/);
    expect(existsSync(path.join(home, ".codex/hooks.json"))).toBe(true);
  });

  it("does nothing in a dry run, and is refused for other clients", async () => {
    const { home, cwd } = fixture();
    const dry = await init(home, cwd, ["codex", "--trust-hook", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would trust the guard hook");
    await expect(init(home, cwd, ["gemini", "--trust-hook"])).rejects.toThrow(/--trust-hook is for codex only/);
  });
});

describe("init cursor: the hook entry", () => {
  it.each([
    ["the earlier cursor-hook.js entry", "/opt/node/bin/node /opt/ocg/dist/setup/clients/cursor-hook.js --config /c"],
    ["the earlier `cli.js hook cursor` entry", "/opt/node/bin/node /opt/ocg/dist/cli.js hook cursor --config /c"],
  ])("is `hook cursor` through the bundled hook entry, and replaces %s instead of adding a second", async (_, command) => {
    const { home, cwd } = fixture();
    writeAll(home, { ".cursor/hooks.json": JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: "/bin/mine" }, { command }] } }) });
    expect((await init(home, cwd, ["cursor"])).code).toBe(0);
    const list = JSON.parse(read(path.join(home, ".cursor/hooks.json"))).hooks.beforeShellExecution as { command: string }[];
    expect(list.map((h) => h.command)).toEqual(["/bin/mine", `${NODE} --liftoff-only ${path.join(path.dirname(CLI), "guard", "hook-main.cjs")} hook cursor --config ${path.join(home, ".config/openclaw-guard/config.json5")}`]);
  });
});
