import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareVersions, MIN_NODE_VERSION, nodeVersionProblem } from "../src/version.js";
import { CLI, privateDir, REPO_ROOT } from "./helpers.js";

describe("the supported Node range", () => {
  it("is engines.node, and every runtime dependency's engines accept its lowest version", () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    expect(manifest.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
    // Every installed runtime dependency (not dev) that states a `>=X.Y.Z` floor asks for no more.
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> };
    const floors = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== "" && entry.dev !== true && entry.engines?.node !== undefined)
      .flatMap(([path, entry]) => [...(entry.engines!.node!.matchAll(/>=\s*(\d+(?:\.\d+){0,2})/g))].map((m) => ({ path, floor: m[1]! })));
    expect(floors.length).toBeGreaterThan(10);
    const highest = floors.reduce((a, b) => (compareVersions(a.floor, b.floor) >= 0 ? a : b));
    expect(highest.floor).toBe(MIN_NODE_VERSION);
  });

  it("refuses versions below the floor with the fix, and accepts the floor and above", () => {
    for (const old of ["20.20.2", "v22.18.9", "22.9.0", "18.0.0"]) {
      const problem = nodeVersionProblem(old, "/usr/bin/node");
      expect(problem).toContain(`needs Node >= ${MIN_NODE_VERSION}`);
      expect(problem).toContain("/usr/bin/node");
      expect(problem).toMatch(/Fix: install Node 24/);
    }
    for (const ok of [MIN_NODE_VERSION, "22.20.0", "v24.21.0", "26.1.0"]) expect(nodeVersionProblem(ok, "/x/node")).toBeUndefined();
  });

  it("compares dotted versions numerically", () => {
    expect(compareVersions("22.19.0", "22.9.1")).toBeGreaterThan(0);
    expect(compareVersions("2.1.295", "2.1.295")).toBe(0);
    expect(compareVersions("2.1", "2.1.1")).toBeLessThan(0);
  });
});

// This machine's system Node (20) is below the floor: doctor and init refuse it, serve only warns.
const SYSTEM_NODE = "/usr/bin/node";
const systemNodeVersion = existsSync(SYSTEM_NODE) ? execFileSync(SYSTEM_NODE, ["--version"], { encoding: "utf8" }).trim() : "";
const systemNodeTooOld = systemNodeVersion !== "" && nodeVersionProblem(systemNodeVersion, SYSTEM_NODE) !== undefined;

describe.skipIf(!systemNodeTooOld)(`the CLI on an unsupported Node (${SYSTEM_NODE} ${systemNodeVersion || "missing"})`, () => {
  it("doctor and init refuse with the fix and write nothing", () => {
    const home = privateDir();
    for (const args of [["doctor"], ["init", "codex"]]) {
      const result = spawnSync(SYSTEM_NODE, [CLI, ...args], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: home } });
      expect(result.status, args.join(" ")).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`needs Node >= ${MIN_NODE_VERSION}`);
      expect(result.stderr).toContain(`this is Node ${systemNodeVersion.slice(1)}`);
    }
    expect(existsSync(join(home, ".codex"))).toBe(false);
  });

  it("serve starts anyway, with the warning on stderr only", () => {
    const result = spawnSync(SYSTEM_NODE, [CLI, "serve", "--config", join(REPO_ROOT, "examples", "config.json5")], {
      encoding: "utf8",
      input: "",
      env: { PATH: "/usr/bin:/bin", HOME: privateDir() },
      timeout: 20_000,
    });
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("unsupported Node");
    expect(result.stderr).toContain("MCP server starting on stdio");
  });
});
