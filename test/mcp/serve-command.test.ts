import { afterEach, describe, expect, it, vi } from "vitest";
import { run } from "../../src/mcp/serve-command.js";
import { BOOK, privateDir, writeConfig } from "../helpers.js";

describe("openclaw-guard serve", () => {
  afterEach(() => vi.restoreAllMocks());

  it("refuses to start on Windows, saying so on stderr and nothing on stdout", async () => {
    const config = writeConfig(privateDir(), BOOK);
    const stderr: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write");
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    expect(await run(["--config", config], "win32")).toBe(1);
    expect(stderr.join("")).toMatch(/refusing to start\.\nWindows is not supported: .*Use Linux or macOS\./);
    expect(stdout).not.toHaveBeenCalled();
  });
});
