// The built `openclaw-guard serve --http` as a child process, on a free loopback port.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** `stop` resolves once the process has exited (Node writes its compile cache into HOME at exit: removing HOME before that races it). */
export type HttpGuardProcess = { url: string; stderr(): string; stop(): Promise<void> };

/** Resolves with the URL it logs once listening; rejects with its stderr if it exits first. */
export function startHttpGuard(config: string, env: Record<string, string>, extraArgs: string[] = []): Promise<HttpGuardProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--http", "--port", "0", "--config", config, ...extraArgs], { env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stopChild = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      err += d;
      const match = /"url":"([^"]+)"/.exec(err);
      if (match) resolve({ url: match[1]!, stderr: () => err, stop: () => stopChild() });
    });
    child.on("exit", () => reject(new Error(`serve --http exited: ${err}`)));
  });
}
