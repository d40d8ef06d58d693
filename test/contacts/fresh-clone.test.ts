// A new user's first run: clone under the distribution's umask, then `node dist/cli.js serve --config
// examples/config.json5` must answer a real MCP client. Ubuntu and Fedora use umask 002 with
// user-private groups, which leaves the example 0664 in a 0775 directory.
import { execFile } from "node:child_process";
import { mkdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { privateDir, REPO_ROOT } from "../helpers.js";

const run = promisify(execFile);

describe.each([
  ["002", 0o664, 0o775],
  ["022", 0o644, 0o755],
])("a fresh clone under umask %s", (umask, fileMode, dirMode) => {
  it("serves examples/config.json5 to the SDK's stdio client", async () => {
    const home = privateDir();
    const clone = join(home, "openclaw-guard");
    // The umask must apply to git's checkout itself; argv only, the script is fixed text.
    await run("sh", ["-c", 'umask "$1" && exec git clone -q "$2" "$3"', "sh", umask, REPO_ROOT, clone]);
    expect(statSync(join(clone, "examples", "config.json5")).mode & 0o777).toBe(fileMode);
    expect(statSync(join(clone, "examples")).mode & 0o777).toBe(dirMode);
    // The build output and dependencies are not in git; reuse this checkout's rather than rebuild.
    symlinkSync(join(REPO_ROOT, "node_modules"), join(clone, "node_modules"));
    symlinkSync(join(REPO_ROOT, "dist"), join(clone, "dist"));
    mkdirSync(join(home, ".local"), { mode: 0o700 });

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["dist/cli.js", "serve", "--config", "examples/config.json5"],
      cwd: clone,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d) => (stderr += d));
    const client = new Client({ name: "first-run", version: "1" });
    try {
      await client.connect(transport);
      expect(client.getServerVersion()?.name).toBe("openclaw-guard");
      const contacts = await client.callTool({ name: "list_contacts", arguments: {} });
      expect(JSON.stringify(contacts.structuredContent)).toContain("alice");
    } catch (error) {
      throw new Error(`${String(error)}\nserver stderr:\n${stderr}`);
    } finally {
      await client.close();
    }
  }, 60_000);
});
