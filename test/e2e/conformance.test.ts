// The official MCP conformance suite (pinned @modelcontextprotocol/conformance, on the pinned Node
// 24 it needs) against the built `serve --http`. The runner cannot send a header, so a loopback proxy
// adds this run's agent token and passes Host and Origin through unchanged. Scenarios that apply to
// a tools-only server must pass; test/conformance/expected-failures.yml lists the rest with a reason,
// and the runner also fails when a listed scenario starts passing.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAuthProxy } from "../support/auth-proxy.js";
import { startHttpGuard, type HttpGuardProcess } from "../support/http-guard.js";
import { NODE24 } from "../support/openclaw-gateway.js";
import { REPO_ROOT } from "../support/claude-code.js";

const CLI = join(REPO_ROOT, "dist/cli.js");
const RUNNER = join(REPO_ROOT, ".cache/e2e/conformance/node_modules/.bin/conformance");
const EXPECTED = join(REPO_ROOT, "test/conformance/expected-failures.yml");

describe("MCP conformance suite against serve --http", () => {
  let dir: string;
  let server: HttpGuardProcess;
  let proxy: Awaited<ReturnType<typeof startAuthProxy>>;

  beforeAll(async () => {
    // Missing means npm test's setup did not run: a failure, never a green skip.
    if (!existsSync(RUNNER)) throw new Error(`${RUNNER} is missing: run scripts/setup-e2e.sh`);
    dir = mkdtempSync(join(tmpdir(), "ocg-conformance-"));
    const config = join(dir, "config.json5");
    writeFileSync(config, `{ openclaw: { transport: "dry-run" }, contacts: { alice: { channel: "whatsapp", target: "+27821234567" } }, audit: { file: "${join(dir, "audit.jsonl")}" } }`, { mode: 0o600 });
    const env = { PATH: "/usr/bin:/bin", HOME: dir };
    const token = (await execa(process.execPath, [CLI, "token", "add", "conformance", "--config", config], { env, extendEnv: false })).stdout.trim();
    server = await startHttpGuard(config, env);
    proxy = await startAuthProxy(server.url, token);
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes every applicable server scenario; the rest are the listed expected failures", async () => {
    const run = await execa(NODE24, [RUNNER, "server", "--url", proxy.url, "--expected-failures", EXPECTED, "-o", join(dir, "results")], { reject: false, timeout: 240_000, env: { PATH: `${join(NODE24, "..")}:/usr/bin:/bin`, HOME: dir }, extendEnv: false });
    const summary = run.stdout.slice(run.stdout.indexOf("=== SUMMARY ==="));
    for (const scenario of ["server-initialize", "ping", "tools-list", "tools-call-error", "dns-rebinding-protection", "server-sse-multiple-streams"]) {
      expect(summary).toMatch(new RegExp(`✓ ${scenario}: \\d+ passed, 0 failed`));
    }
    expect([run.exitCode, summary]).toEqual([0, summary]);
  }, 300_000);
});
