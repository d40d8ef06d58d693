// The built `openclaw-guard serve --http` as a child process, on a free loopback port.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export type HttpGuardProcess = { url: string; stderr(): string; stop(): void };

/** Resolves with the URL it logs once listening; rejects with its stderr if it exits first. */
export function startHttpGuard(config: string, env: Record<string, string>, extraArgs: string[] = []): Promise<HttpGuardProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--http", "--port", "0", "--config", config, ...extraArgs], { env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      err += d;
      const match = /"url":"([^"]+)"/.exec(err);
      if (match) resolve({ url: match[1]!, stderr: () => err, stop: () => void child.kill("SIGTERM") });
    });
    child.on("exit", () => reject(new Error(`serve --http exited: ${err}`)));
  });
}
