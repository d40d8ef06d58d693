import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { cliPath, requireBuiltCli } from "./built-cli.js";

beforeAll(requireBuiltCli);

const check = (args: string[], input = "") =>
  spawnSync(process.execPath, [cliPath, "check-command", ...args], { input, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent" } });

describe("openclaw-guard check-command", () => {
  it("exits 2 with the reason on stderr for a send path", () => {
    const result = check(["--", "openclaw", "message", "send", "-t", "x", "-m", "hi"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^Raw `openclaw message send` is disabled here\. Use the `send_message` tool/);
  });

  it("exits 0 for an allowed command and prints JSON with --json", () => {
    const result = check(["--json", "openclaw status --json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ decision: "allow", reasons: [] });
  });

  it("reads the command from stdin when none is given", () => {
    const result = check(["--json"], "echo hi | sh -c 'openclaw gateway call send'\n");
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ decision: "deny", reasons: ["Raw `openclaw gateway call` is disabled here."] });
  });

  it("allows our own commands", () => {
    expect(check(["openclaw-guard send alice 'hello from openclaw'"]).status).toBe(0);
    expect(check(["npx openclaw-guard list-contacts"]).status).toBe(0);
  });

  it("rejects unknown options", () => {
    const result = check(["--jsno", "ls"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option --jsno/);
  });
});
