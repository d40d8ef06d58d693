import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BOOK, CLI, privateDir, REPO_ROOT, writeConfig } from "../helpers.js";

const FAKE = join(REPO_ROOT, "test", "fixtures", "fake-openclaw.mjs");

async function send(args: string[], mode = "ok", stdin?: string) {
  const home = privateDir();
  const config = writeConfig(home, BOOK.replace('{ transport: "dry-run" }', `{ transport: "cli", bin: ${JSON.stringify([process.execPath, FAKE])}, timeoutMs: 5000 }`));
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, OPENCLAW_FAKE_MODE: mode };
  const child = execFile(process.execPath, [CLI, "send", "--config", config, ...args], { env });
  if (stdin !== undefined) child.stdin!.end(stdin);
  else child.stdin!.end();
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr };
}

describe("openclaw-guard send", () => {
  it("exits 0 when sent, printing the message id", async () => {
    const r = await send(["ops", "deploy finished"]);
    expect(r).toMatchObject({ code: 0, stdout: "sent: ops via telegram, message id 1000\n" });
  });

  it("reads the message from stdin when omitted", async () => {
    expect((await send(["--json", "ops"], "ok", "from stdin\n")).stdout).toMatch(/"status":"sent"/);
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
    expect((await send(["--json", "alice", "hi"], "garbage")).code).toBe(1);
  });

  it("exits 2 on usage errors", async () => {
    expect((await send([])).code).toBe(2);
  });
});
