import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSeparation, type SeparationFacts } from "../../src/setup/checks/separation-checks.js";
import { realDoctorIO } from "../../src/setup/doctor-io.js";
import { separateRecipe } from "../../src/setup/separate-recipe.js";
import { execStartPrograms, gatherSeparation, SERVICE_UNITS } from "../../src/setup/separation-facts.js";
import { privateDir } from "../helpers.js";

const clean: SeparationFacts = { separated: true, serviceUser: "openclaw", readable: [], writable: [], registrations: [{ client: "claude-code", file: "/h/.claude.json", kind: "http" }] };

describe("checkSeparation", () => {
  it("says nothing for a same-user deployment", () => {
    expect(checkSeparation({ ...clean, separated: false })).toEqual([]);
  });

  it("is ok when nothing of the service user's is within reach", () => {
    expect(checkSeparation(clean)).toEqual([expect.objectContaining({ id: "exposure.separation", status: "ok", summary: expect.stringMatching(/claude-code reaches the guard over HTTP/) })]);
  });

  it("fails on a readable gateway config, a readable or writable book, writable code, and a stdio server with a credential", () => {
    const checks = checkSeparation({
      ...clean,
      readable: [{ what: "gateway config", path: "/var/lib/openclaw/.openclaw/openclaw.json" }, { what: "address book", path: "/b" }],
      writable: [{ what: "agent tokens", path: "/t" }, { what: "gateway plugin", path: "/opt/openclaw-guard/openclaw.plugin.json" }],
      registrations: [{ client: "codex", file: "/h/.codex/config.toml", kind: "stdio", credential: "$OPENCLAW_GATEWAY_TOKEN" }, { client: "gemini", file: "/g", kind: "stdio" }],
    });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["exposure.separation.gateway", "fail"],
      ["exposure.separation.book", "fail"],
      ["exposure.separation.code", "fail"],
      ["exposure.separation.client", "fail"],
      ["exposure.separation.client", "warn"],
    ]);
    expect(checks[1]!.summary).toMatch(/address book \(\/b\).*agent tokens \(\/t\)/);
  });
});

describe("gatherSeparation (real files, as this user)", () => {
  function fixture() {
    const root = privateDir();
    const home = join(root, "agent");
    const service = join(root, "svc");
    mkdirSync(join(service, ".openclaw"), { recursive: true });
    mkdirSync(join(service, ".config", "openclaw-guard"), { recursive: true });
    writeFileSync(join(service, ".openclaw", "openclaw.json"), "{}");
    writeFileSync(join(service, ".config", "openclaw-guard", "config.json5"), "{}");
    mkdirSync(home);
    const base = realDoctorIO({ HOME: home, PATH: "/usr/bin:/bin" });
    const io = { ...base, readFile: (p: string) => (p === "/etc/passwd" ? `openclaw:x:990:990::${service}:/usr/sbin/nologin\n` : base.readFile(p)) };
    return { root, home, service, io };
  }

  it("is not the separated deployment until a client reaches the guard over HTTP or a service user is named", () => {
    const { io, home } = fixture();
    expect(gatherSeparation(io, undefined, []).separated).toBe(false);
    writeFileSync(join(home, ".claude.json"), JSON.stringify({ mcpServers: { "openclaw-guard": { type: "http", url: "http://127.0.0.1:8787/mcp", headers: {} } } }));
    const facts = gatherSeparation(io, undefined, []);
    expect(facts).toMatchObject({ separated: true, serviceUser: "openclaw", registrations: [{ client: "claude-code", kind: "http" }] });
  });

  it("finds what this user can reach (as root here everything is: the uid e2e proves the real separation)", () => {
    const { io, service, home } = fixture();
    writeFileSync(join(home, ".claude.json"), JSON.stringify({ mcpServers: { "openclaw-guard": { type: "stdio", command: "node", args: ["cli.js", "serve"], env: { OPENCLAW_GATEWAY_TOKEN: "x" } } } }));
    const facts = gatherSeparation(io, "openclaw", []);
    expect(facts.readable.map((f) => f.path)).toEqual(expect.arrayContaining([join(service, ".openclaw", "openclaw.json"), join(service, ".config", "openclaw-guard", "config.json5")]));
    expect(facts.registrations).toEqual([expect.objectContaining({ kind: "stdio", credential: "$OPENCLAW_GATEWAY_TOKEN" })]);
  });

  it("finds the guard's paired device credential left in this user's home (issue 19 c)", () => {
    const { io, home } = fixture();
    expect(gatherSeparation(io, "openclaw", []).readable.map((f) => f.what)).not.toContain("gateway device credential");
    mkdirSync(join(home, ".local", "state", "openclaw-guard"), { recursive: true });
    writeFileSync(join(home, ".local", "state", "openclaw-guard", "gateway-device.json"), "{}");
    const facts = gatherSeparation(io, "openclaw", []);
    expect(facts.readable).toContainEqual({ what: "gateway device credential", path: join(home, ".local", "state", "openclaw-guard", "gateway-device.json") });
    expect(checkSeparation(facts).map((c) => [c.id, c.status])).toContainEqual(["exposure.separation.gateway", "fail"]);
  });

  it("checks what the service units run, not only the default install folder (issue 19 g)", () => {
    const { io, root } = fixture();
    const nvmNode = join(root, "agent-nvm", "node");
    mkdirSync(dirname(nvmNode));
    writeFileSync(nvmNode, "");
    const unit = `[Service]\nUser=openclaw\nExecStart=${nvmNode} /opt/openclaw-guard/dist/cli.js serve --http\n`;
    const withUnits = { ...io, readFile: (p: string) => (p === SERVICE_UNITS[1] ? unit : io.readFile(p)) };
    expect(execStartPrograms(unit)).toEqual([nvmNode, "/opt/openclaw-guard/dist/cli.js"]);
    expect(execStartPrograms("ExecStart=-'/usr/bin/node' x\nExecStartPre=/bin/true\n")).toEqual(["/usr/bin/node"]);
    const facts = gatherSeparation(withUnits, "openclaw", []);
    expect(facts.writable).toContainEqual({ what: "unit program", path: nvmNode });
    expect(checkSeparation(facts).map((c) => [c.id, c.status])).toContainEqual(["exposure.separation.code", "fail"]);
  });

  it("walks the guard package a unit runs, wherever --code-dir put it (its plugin included)", () => {
    const { io, root } = fixture();
    const code = join(root, "srv-guard");
    mkdirSync(join(code, "dist", "plugin"), { recursive: true });
    writeFileSync(join(code, "dist", "cli.js"), "");
    writeFileSync(join(code, "dist", "plugin", "index.js"), "");
    const unit = `[Service]\nExecStart=/usr/bin/node ${join(code, "dist", "cli.js")} serve --http\n`;
    const withUnits = { ...io, readFile: (p: string) => (p === SERVICE_UNITS[1] ? unit : io.readFile(p)) };
    expect(gatherSeparation(io, "openclaw", []).writable.map((f) => f.path)).not.toContain(join(code, "dist", "plugin", "index.js"));
    expect(gatherSeparation(withUnits, "openclaw", []).writable).toContainEqual({ what: "gateway plugin", path: join(code, "dist", "plugin", "index.js") });
  });

  it("reads the codex table init writes, remote or local", () => {
    const { io, home } = fixture();
    mkdirSync(join(home, ".codex"));
    writeFileSync(join(home, ".codex", "config.toml"), `[mcp_servers.openclaw-guard]\nurl = "http://127.0.0.1:8787/mcp"\nhttp_headers = { Authorization = "Bearer x" }\n`);
    expect(gatherSeparation(io, undefined, []).registrations).toEqual([expect.objectContaining({ client: "codex", kind: "http" })]);
    chmodSync(join(home, ".codex", "config.toml"), 0o600);
  });
});

describe("init openclaw --separate recipe", () => {
  it("names every step: service user, root-owned code, moved state and book 0700/0600, tokens, system services, remote init, doctor", () => {
    const text = separateRecipe({ agentUser: "dev", agentHome: "/home/dev", packageDir: "/home/dev/openclaw-guard", node: "/usr/bin/node", openclawEntry: "/usr/lib/node_modules/openclaw/openclaw.mjs" });
    for (const needle of [
      "useradd --system --create-home --home-dir /var/lib/openclaw --shell /usr/sbin/nologin openclaw",
      "chown -R root:root /opt/openclaw-guard",
      "mv /home/dev/.openclaw /var/lib/openclaw/.openclaw",
      "chmod 600 /var/lib/openclaw/.config/openclaw-guard/config.json5",
      "token add dev --aliases",
      "ExecStart=/opt/openclaw-guard/bin/node /opt/openclaw-guard/dist/cli.js serve --http --host 127.0.0.1 --port 8787",
      "ExecStart=/opt/openclaw-guard/bin/node /opt/openclaw-guard/openclaw/openclaw.mjs gateway run",
      "User=openclaw",
      "init claude-code --remote http://127.0.0.1:8787/mcp",
      "doctor --service-user openclaw",
    ]) expect(text).toContain(needle);
  });
});
