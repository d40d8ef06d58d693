// The packed tarball, installed globally as a user would (`npm install -g ./openclaw-guard-*.tgz`),
// into a temporary npm prefix (never the real global one) and from npm's cache only (--offline: the
// test sends nothing off the machine). The installed `openclaw-guard` runs: `setup --help`, and a
// dry-run setup in a fresh HOME that finds Claude Code's folder and plans its files.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/claude-code.js";

const made: string[] = [];
const temp = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), name));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("installs globally into a temporary prefix and runs", async () => {
    const packs = temp("ocg-pack-");
    const prefix = temp("ocg-prefix-");
    // The node running this suite, and its npm, first on PATH (npm's shebang is `env node`).
    const path = `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
    const env = { PATH: path, HOME: process.env.HOME ?? "/", npm_config_update_notifier: "false" };
    const pack = await execa("npm", ["pack", "--ignore-scripts", "--pack-destination", packs], { cwd: REPO_ROOT, env, extendEnv: false, reject: false, timeout: 120_000 });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tarballs = readdirSync(packs).filter((f) => /^openclaw-guard-.*\.tgz$/.test(f));
    expect(tarballs).toHaveLength(1);
    const install = await execa("npm", ["install", "-g", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", prefix, join(packs, tarballs[0]!)], { env, extendEnv: false, reject: false, timeout: 240_000 });
    expect(install.exitCode, install.stderr).toBe(0);

    const bin = join(prefix, "bin", "openclaw-guard");
    const help = await execa(bin, ["setup", "--help"], { env, extendEnv: false, reject: false });
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: openclaw-guard setup /);

    const home = temp("ocg-home-");
    mkdirSync(join(home, ".claude"));
    const dry = await execa(bin, ["setup", "--yes", "--dry-run", "--contact", "ops=telegram:123456789"], { env: { ...env, HOME: home }, extendEnv: false, reject: false, timeout: 60_000 });
    expect(dry.exitCode, dry.stderr).toBe(0);
    // The registration it plans runs the installed copy, not this checkout.
    expect(dry.stdout).toContain(`+ mcpServers.openclaw-guard: ${process.execPath} ${join(prefix, "lib", "node_modules", "openclaw-guard", "dist", "cli.js")} serve`);
    expect(readdirSync(home)).toEqual([".claude"]); // a dry run writes nothing
  }, 400_000);
});
