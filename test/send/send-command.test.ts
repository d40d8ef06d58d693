import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BOOK, CLI, privateDir, REPO_ROOT, writeConfig } from "../helpers.js";

const FAKE = join(REPO_ROOT, "test", "fixtures", "fake-openclaw.mjs");

async function send(args: string[], mode = "ok", stdin?: string) {
  const home = privateDir();
  const config = writeConfig(home, BOOK.replace('{ transport: "dry-run" }', `{ transport: "cli", bin: ${JSON.stringify([process.execPath, FAKE])}, timeoutMs: 5000 }`));
  const log = join(home, "fake-openclaw.log");
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, OPENCLAW_FAKE_MODE: mode, OPENCLAW_FAKE_LOG: log };
  const child = execFile(process.execPath, [CLI, "send", "--config", config, ...args], { env });
  if (stdin !== undefined) child.stdin!.end(stdin);
  else child.stdin!.end();
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  /** The argv of each run of the fake CLI: what was handed to the transport. */
  const calls = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { argv: string[] }).argv) : []);
  return { code, stdout, stderr, calls };
}

describe("openclaw-guard send", () => {
  it("exits 0 when sent, printing the message id", async () => {
    const r = await send(["ops", "deploy finished"]);
    expect(r).toMatchObject({ code: 0, stdout: "sent: ops via telegram, message id 1000\n" });
  });

  it("reads the message from stdin when omitted", async () => {
    const r = await send(["--json", "ops"], "ok", "from stdin, line one\nline two\n");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "sent", to: "ops" });
    const [argv] = r.calls();
    expect(argv?.filter((arg) => arg.startsWith("--message="))).toEqual([expect.stringMatching(/^--message=from stdin, line one\nline two\n?$/)]);
  });

  it("exits 2 when refused, with the reason on stderr", async () => {
    const r = await send(["+27821234567", "hi"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused: The recipient looks like a phone number/);
    expect(r.stderr + r.stdout).not.toContain("27821234567");
  });

  it("exits 1 when delivery failed, with the target masked", async () => {
    const r = await send(["alice", "hi"], "fail");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed: Target "+27•••••4567" is not listed');
  });

  it("exits 1 when delivery is unknown", async () => {
    const r = await send(["--json", "alice", "hi"], "garbage");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "unknown", to: "alice" });
    expect(r.calls()).toHaveLength(1); // it did run the CLI once: the outcome, not the attempt, is unknown
  });

  it("exits 1 when delivery was partial (unknown), naming why", async () => {
    const r = await send(["--json", "ops", "hi"], "partial");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "unknown", reason: expect.stringMatching(/part/i) });
  });

  it("exits 2 on usage errors", async () => {
    expect((await send([])).code).toBe(2);
  });
});
