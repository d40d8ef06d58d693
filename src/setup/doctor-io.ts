// The I/O `doctor` needs, behind one interface so tests run it against fixture homes, crafted files,
// fake shells and fake gateways. realDoctorIO() is the real machine.
import { accessSync, closeSync, constants, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { loadConfig, type Config } from "../contacts/config.js";
import { connectWithGatewayClient, type Connect } from "../gateway/gateway-transport.js";
import type { FileStat } from "./checks/config-checks.js";
import type { RunResult } from "./checks/transport-checks.js";
import { ourCodexHooks, readCodexHooks, type CodexHooksRead } from "./codex-app-server.js";

export type ServedHookTarget = { form: "http"; url: string; headers: Record<string, string> } | { form: "mcp_tool"; command: string; args: readonly string[]; env: Record<string, string> };

export type RunOptions = { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string; cwd?: string };

/** A shell whose PATH is checked: `file ...args '<script>'`. */
export type ShellSpec = { label: string; file: string; args: readonly string[] };

export interface DoctorIO {
  env: NodeJS.ProcessEnv;
  home: string;
  cwd: string;
  uid?: number;
  /** Claude Code's managed settings directory (Linux: /etc/claude-code). */
  managedSettingsDir: string;
  /** Shells whose startup files may change PATH for commands the agent runs. */
  shells: readonly ShellSpec[];
  /** Throws (with an errno `code`) like readFileSync. */
  readFile(path: string): string;
  /** The first `bytes` bytes, or undefined when unreadable (a shim check on a 100 MB node binary reads 4 KiB). */
  readHead(path: string, bytes: number): string | undefined;
  /** undefined when the path does not exist; other errors throw. */
  stat(path: string): FileStat | undefined;
  readDir(path: string): string[];
  canRead(path: string): boolean;
  canWrite(path: string): boolean;
  isExecutable(path: string): boolean;
  run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult>;
  connect: Connect;
  loadConfig(path: string, env: NodeJS.ProcessEnv): Config;
  /** Asks a served hook form the way Claude Code does: POST to an http hook's URL, or check_command of a stdio server entry. */
  askServedHook(target: ServedHookTarget, payload: string, timeoutMs: number): Promise<{ answer?: unknown; error?: string }>;
  /** The guard's hooks as `codex app-server` lists them for `cwd` (trust state included). */
  codexHooks(cwd: string): Promise<CodexHooksRead>;
  now(): number;
}

/** Login and interactive shells: /etc/profile, ~/.profile, ~/.bashrc and friends all rewrite PATH. */
export function defaultShells(env: NodeJS.ProcessEnv): ShellSpec[] {
  const shells: ShellSpec[] = [
    { label: "bash -l", file: "bash", args: ["-l", "-c"] },
    { label: "bash -i", file: "bash", args: ["-i", "-c"] },
    { label: "sh -l", file: "sh", args: ["-l", "-c"] },
  ];
  if (env.SHELL?.endsWith("/zsh")) shells.push({ label: "zsh -l", file: env.SHELL, args: ["-l", "-c"] }, { label: "zsh -i", file: env.SHELL, args: ["-i", "-c"] });
  return shells;
}

function can(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

export async function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const { execa } = await import("execa");
  const result = await execa(file, [...args], {
    env: options.env,
    extendEnv: false,
    shell: false,
    ...(options.input !== undefined ? { input: options.input } : { stdin: "ignore" as const }),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    timeout: options.timeoutMs,
    killSignal: "SIGKILL",
    reject: false,
    maxBuffer: 1_000_000,
    encoding: "utf8",
  });
  const spawnError = result.failed && result.exitCode === undefined && !result.timedOut ? ((result.cause as NodeJS.ErrnoException | undefined)?.code ?? "spawn failed") : undefined;
  return {
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
    timedOut: result.timedOut,
    ...(spawnError !== undefined ? { spawnError } : {}),
  };
}

export function realDoctorIO(env: NodeJS.ProcessEnv = process.env): DoctorIO {
  const uid = process.getuid?.();
  return {
    env,
    home: env.HOME || homedir(),
    cwd: process.cwd(),
    ...(uid !== undefined ? { uid } : {}),
    managedSettingsDir: process.platform === "darwin" ? "/Library/Application Support/ClaudeCode" : "/etc/claude-code",
    shells: defaultShells(env),
    readFile: (path) => readFileSync(path, "utf8"),
    readHead(path, bytes) {
      let fd: number | undefined;
      try {
        fd = openSync(path, "r");
        const buffer = Buffer.alloc(bytes);
        const n = readSync(fd, buffer, 0, bytes, 0);
        return buffer.subarray(0, n).toString("utf8");
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
    stat(path) {
      try {
        const s = statSync(path);
        return { mode: s.mode, uid: s.uid, isDirectory: s.isDirectory() };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
        throw error;
      }
    },
    readDir(path) {
      try {
        return readdirSync(path);
      } catch {
        return [];
      }
    },
    canRead: (path) => can(path, constants.R_OK),
    canWrite: (path) => can(path, constants.W_OK),
    isExecutable: (path) => can(path, constants.X_OK),
    run: runProcess,
    connect: connectWithGatewayClient,
    loadConfig,
    async codexHooks(cwd) {
      const listed = await readCodexHooks({ codex: "codex", env, cwd, timeoutMs: 30_000 });
      return "error" in listed ? listed : { hooks: ourCodexHooks(listed.hooks) };
    },
    askServedHook: (target, payload, timeoutMs) => askServedHook(env, target, payload, timeoutMs),
    now: () => performance.now(),
  };
}

async function askServedHook(env: NodeJS.ProcessEnv, target: ServedHookTarget, payload: string, timeoutMs: number): Promise<{ answer?: unknown; error?: string }> {
  try {
    if (target.form === "http") {
      const response = await fetch(target.url, { method: "POST", headers: { ...target.headers, "Content-Type": "application/json" }, body: payload, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      return response.ok ? { answer: text.trim() === "" ? {} : (JSON.parse(text) as unknown) } : { error: `HTTP ${response.status} from ${target.url}` };
    }
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
    const { CHECK_TOOL, toolArgsFromHookPayload } = await import("../guard/hook-forms.js");
    const client = new Client({ name: "openclaw-guard-doctor", version: "1" });
    const transport = new StdioClientTransport({ command: target.command, args: [...target.args], env: { ...(env as Record<string, string>), ...target.env }, stderr: "ignore" });
    try {
      await client.connect(transport, { timeout: timeoutMs });
      const result = await client.callTool({ name: CHECK_TOOL, arguments: toolArgsFromHookPayload(JSON.parse(payload) as Record<string, unknown>) }, undefined, { timeout: timeoutMs });
      const text = (result.content as { type: string; text?: string }[] | undefined)?.find((c) => c.type === "text")?.text;
      return result.isError ? { error: `check_command failed: ${text ?? "no text"}` } : { answer: JSON.parse(text ?? "{}") as unknown };
    } finally {
      await client.close();
    }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
