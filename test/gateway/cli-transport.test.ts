import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliArgv, cliEnvironment, createCliTransport, interpretCliResult } from "../../src/gateway/cli-transport.js";
import type { DeliveryRequest } from "../../src/gateway/transport.js";
import { privateDir, REPO_ROOT } from "../helpers.js";

const FAKE = join(REPO_ROOT, "test", "fixtures", "fake-openclaw.mjs");

const request: DeliveryRequest = { channel: "telegram", target: "-1001234567890", account: "work", text: "hi", idempotencyKey: "k1" };

function fakeTransport(mode: string, options: { timeoutMs?: number; bin?: string[] } = {}) {
  const log = join(privateDir(), "argv.jsonl");
  const env = { HOME: "/home/agent", PATH: process.env.PATH, OPENCLAW_FAKE_MODE: mode, OPENCLAW_FAKE_LOG: log, AWS_SECRET_ACCESS_KEY: "leak", NODE_OPTIONS: "--require /tmp/evil.js", LD_PRELOAD: "/tmp/evil.so" };
  const transport = createCliTransport({ bin: options.bin ?? [FAKE], timeoutMs: options.timeoutMs ?? 10_000, env });
  const calls = () =>
    readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> });
  return { transport, calls };
}

describe("cli transport against a fake openclaw executable", () => {
  it("passes the documented argv, verbatim text, and only HOME, PATH and OPENCLAW_* variables", async () => {
    const { transport, calls } = fakeTransport("ok");
    const text = "--target +15551234567 $(rm -rf ~) `id` ; echo pwned\n\"quoted\" 'single' \\ end";
    await expect(transport.deliver({ ...request, text })).resolves.toEqual({ status: "sent", messageId: "1000" });
    const [call] = calls();
    expect(call!.argv).toEqual(["message", "send", "--channel=telegram", "--target=-1001234567890", `--message=${text}`, "--json", "--account=work"]);
    expect(Object.keys(call!.env).filter((k) => !["HOME", "PATH"].includes(k) && !k.startsWith("OPENCLAW_"))).toEqual([]);
    expect(call!.env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  it("attaches every value to its option, so text that looks like a root option stays the message", async () => {
    const { transport, calls } = fakeTransport("ok");
    for (const text of ["--help", "--container=zz", "--dev", "--profile=p", "-- x"]) {
      await transport.deliver({ ...request, account: undefined, text });
    }
    expect(calls().map((c) => c.argv)).toEqual(
      ["--help", "--container=zz", "--dev", "--profile=p", "-- x"].map((text) => ["message", "send", "--channel=telegram", "--target=-1001234567890", `--message=${text}`, "--json"]),
    );
  });

  it("supports an argv-prefix bin such as [node, openclaw.mjs]", async () => {
    const { transport, calls } = fakeTransport("ok-core", { bin: [process.execPath, FAKE] });
    await expect(transport.deliver(request)).resolves.toEqual({ status: "sent", messageId: "3EB0ABCDEF" });
    expect(calls()[0]!.argv.slice(0, 2)).toEqual(["message", "send"]);
  });

  it("maps {ok:false} with exit 1 to failed with the CLI's reason", async () => {
    const { transport } = fakeTransport("fail");
    const outcome = await transport.deliver(request);
    expect(outcome.status).toBe("failed");
    expect(outcome.reason).toMatch(/not listed in the configured WhatsApp allowFrom policy/);
  });

  it("maps a partial delivery to unknown (never resend)", async () => {
    const outcome = await fakeTransport("partial").transport.deliver(request);
    expect(outcome).toMatchObject({ status: "unknown" });
    expect(outcome.reason).toMatch(/part of the message was delivered.*Do not resend/);
  });

  it("maps a suppressed delivery to refused: the gateway blocked it", async () => {
    expect(await fakeTransport("suppressed").transport.deliver(request)).toMatchObject({ status: "refused", reason: expect.stringMatching(/^The gateway blocked it/) });
  });

  it("maps a hook cancel (exit 0, payload.status suppressed) to refused, never sent", async () => {
    const outcome = await fakeTransport("hook-cancelled").transport.deliver(request);
    expect(outcome).toMatchObject({ status: "refused", reason: expect.stringMatching(/^The gateway blocked it.*nothing was sent/) });
    expect(outcome.messageId).toBeUndefined();
  });

  it("maps exit 0 with garbage output to unknown", async () => {
    expect(await fakeTransport("garbage").transport.deliver(request)).toMatchObject({ status: "unknown", reason: expect.stringMatching(/did not print the expected JSON/) });
  });

  it("maps a crash without JSON to failed with the last stderr line", async () => {
    expect(await fakeTransport("crash").transport.deliver(request)).toEqual({ status: "failed", reason: "openclaw exited 1: node:sqlite is unavailable" });
  });

  it("kills a hang at the timeout and reports unknown", async () => {
    const started = Date.now();
    const outcome = await fakeTransport("hang", { timeoutMs: 1000 }).transport.deliver(request);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome).toMatchObject({ status: "unknown", reason: expect.stringMatching(/did not answer within 1 s/) });
  });

  it("reports a missing binary as failed, nothing sent", async () => {
    const outcome = await fakeTransport("ok", { bin: ["/nonexistent/openclaw"] }).transport.deliver(request);
    expect(outcome).toMatchObject({ status: "failed", reason: expect.stringMatching(/could not start openclaw at \/nonexistent\/openclaw \(ENOENT\)/) });
  });
});

describe("cli argv and environment (pure)", () => {
  it("never adds --account when none is set", () => {
    const argv = cliArgv({ ...request, account: undefined });
    expect(argv.filter((arg) => arg.startsWith("--account"))).toEqual([]);
    expect(argv).toEqual(["message", "send", "--channel=telegram", "--target=-1001234567890", "--message=hi", "--json"]);
    expect(cliArgv(request)).toContain("--account=work");
  });
  it("filters the environment", () => {
    expect(cliEnvironment({ HOME: "/h", PATH: "/p", OPENCLAW_GATEWAY_TOKEN: "t", OPENCLAW_HOME: "/o", SHELL: "/bin/sh", NODE_OPTIONS: "x", BASH_ENV: "/x" })).toEqual({ HOME: "/h", PATH: "/p", OPENCLAW_GATEWAY_TOKEN: "t", OPENCLAW_HOME: "/o" });
  });
  it("interprets a killed process as unknown", () => {
    expect(interpretCliResult({ exitCode: undefined, stdout: "", stderr: "", timedOut: false, signal: "SIGTERM", timeoutMs: 1000, file: "/x" })).toMatchObject({ status: "unknown" });
  });
});
