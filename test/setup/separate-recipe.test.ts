// init openclaw --separate: the printed recipe closes the holes of issue 19 (a)-(g) that a printed
// recipe can close; the init command resolves the agent's user from /etc/passwd, never from $HOME.
import { describe, expect, it } from "vitest";
import { passwdUser, resolveAgentUser, separateRecipe } from "../../src/setup/separate-recipe.js";
import { fixture, init } from "./init-fixture.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1000:Dev:/home/dev:/bin/bash\nopenclaw:x:998:998::/var/lib/openclaw:/usr/sbin/nologin\n";
const recipe = (o: Partial<Parameters<typeof separateRecipe>[0]> = {}) =>
  separateRecipe({ agentUser: "dev", agentHome: "/home/dev", packageDir: "/home/dev/openclaw-guard", node: "/home/dev/.nvm/versions/node/v24.21.0/bin/node", openclawEntry: "/home/dev/.npm-global/lib/node_modules/openclaw/openclaw.mjs", ...o });
const units = (text: string) => text.split("[Service]").slice(1).map((u) => u.split("[Install]")[0] ?? "");

describe("agent user from the passwd database (a)", () => {
  it("reads name, uid and home from /etc/passwd", () => {
    expect(passwdUser(PASSWD, "dev")).toEqual({ name: "dev", uid: 1000, home: "/home/dev" });
    expect(passwdUser(PASSWD, "de")).toBeUndefined();
  });
  it("under sudo takes SUDO_USER, not root; refuses root, unknown and missing users", () => {
    expect(resolveAgentUser(undefined, { USER: "root", HOME: "/root", SUDO_USER: "dev" }, PASSWD).home).toBe("/home/dev");
    expect(resolveAgentUser("dev", { USER: "root", HOME: "/root" }, PASSWD).home).toBe("/home/dev");
    expect(() => resolveAgentUser(undefined, { USER: "root", HOME: "/root" }, PASSWD)).toThrow(/cannot be root/);
    expect(() => resolveAgentUser(undefined, {}, PASSWD)).toThrow(/--agent-user/);
    expect(() => resolveAgentUser("ghost", {}, PASSWD)).toThrow(/not in \/etc\/passwd/);
  });
  it("init prints root's-$HOME-free steps for --agent-user, and refuses when the user is unknown", async () => {
    const { home, cwd } = fixture();
    const ok = await init(home, cwd, ["openclaw", "--separate", "--agent-user", "dev", "--service-user", "ocsvc"], undefined, { env: { HOME: "/root", USER: "root" }, readSystemFile: () => PASSWD });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("mv /home/dev/.openclaw /var/lib/ocsvc/.openclaw");
    expect(ok.stdout).not.toContain("/root/");
    expect(ok.stdout).not.toContain("<agent user>");
    const bad = await init(home, cwd, ["openclaw", "--separate"], undefined, { env: { HOME: "/root" }, readSystemFile: () => PASSWD });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--agent-user/);
    await expect(init(home, cwd, ["openclaw", "--separate", "--service-user", "a b"], undefined, { readSystemFile: () => PASSWD, env: { USER: "dev" } })).rejects.toThrow(/plain user name/);
    await expect(init(home, cwd, ["claude-code", "--agent-user", "dev"])).rejects.toThrow(/--separate only/);
  });
});

describe("the recipe's steps", () => {
  it("units run root-owned copies of node and openclaw, never the agent's nvm or npm prefix (b)", () => {
    const text = recipe();
    for (const u of units(text)) {
      expect(u).toMatch(/ExecStart=\/opt\/openclaw-guard\/bin\/node /);
      expect(u).not.toContain("/home/dev");
    }
    expect(text).toContain("install -m 0755 -o root -g root /home/dev/.nvm/versions/node/v24.21.0/bin/node /opt/openclaw-guard/bin/node");
    expect(text).toContain("cp -a /home/dev/.npm-global/lib/node_modules/openclaw/. /opt/openclaw-guard/openclaw");
    expect(text).toContain("ExecStart=/opt/openclaw-guard/bin/node /opt/openclaw-guard/openclaw/openclaw.mjs gateway run");
    // the copies are made before the code is chowned to root
    expect(text.indexOf("/opt/openclaw-guard/openclaw\n")).toBeLessThan(text.indexOf("chown -R root:root /opt/openclaw-guard"));
  });
  it("removes the guard's paired device credential from the agent's home and checks it is gone (c)", () => {
    expect(recipe()).toContain("rm -f /home/dev/.local/state/openclaw-guard/gateway-device.json\n     test '!' -e /home/dev/.local/state/openclaw-guard/gateway-device.json");
  });
  it("re-points the plugin at the root-owned code and checks no path into the agent's home is left (d)", () => {
    const text = recipe();
    expect(text).toContain("sudo -u openclaw -H -- /opt/openclaw-guard/bin/node /opt/openclaw-guard/dist/cli.js init openclaw");
    expect(text).toContain("! grep -F /home/dev /var/lib/openclaw/.openclaw/openclaw.json");
  });
  it("stops the old gateway before moving its state and checks ~/.openclaw is gone (e)", () => {
    const text = recipe();
    const stop = text.indexOf("systemctl --user -M dev@ disable --now openclaw-gateway.service");
    const still = text.indexOf("! pgrep -u dev -f");
    const move = text.indexOf("mv /home/dev/.openclaw");
    expect(stop).toBeGreaterThan(0);
    expect(stop).toBeLessThan(still);
    expect(still).toBeLessThan(move);
    expect(text).toContain("test '!' -e /home/dev/.openclaw");
  });
  it("writes system units with User=, NoNewPrivileges, ProtectHome and UMask=0077, no user manager (f)", () => {
    const text = recipe({ user: "ocsvc", home: "/var/lib/ocsvc" });
    const us = units(text);
    expect(us).toHaveLength(2);
    for (const u of us) for (const line of ["User=ocsvc", "NoNewPrivileges=yes", "ProtectHome=yes", "UMask=0077", "Environment=HOME=/var/lib/ocsvc"]) expect(u).toContain(line);
    expect(text).toContain("cat > /etc/systemd/system/openclaw-guard.service");
    expect(text).toContain("systemctl enable --now openclaw-gateway.service openclaw-guard.service");
    expect(text).not.toContain("enable-linger");
    expect(text).not.toContain("systemctl --user enable");
  });
});
