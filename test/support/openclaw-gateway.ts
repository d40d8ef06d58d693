// Runs the real OpenClaw gateway (installed by scripts/setup-e2e.sh) in an isolated
// home on loopback, with Telegram pointed at a fake Bot API. Never leaves it running.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { execa } from "execa";
import { REPO_ROOT } from "./claude-code.js";
import { afterAll, beforeAll } from "vitest";
import { BOT_TOKEN, startFakeTelegram, type FakeTelegram } from "./fake-telegram.js";

const E2E_DIR = join(REPO_ROOT, ".cache/e2e");
export const NODE24 = join(E2E_DIR, "node24/node_modules/.bin/node");
export const OPENCLAW = join(E2E_DIR, "openclaw/node_modules/openclaw/openclaw.mjs");
/** A Node the pinned CLI refuses (no node:sqlite), whatever Node runs the tests. */
export const NODE20 = join(E2E_DIR, "node20/node_modules/.bin/node");
const STAMPS = [join(E2E_DIR, "installed"), join(E2E_DIR, "node20/installed")];

// 6-13 s on an idle 2-core box; 39-70 s seen under load. The e2e hookTimeout (vitest.e2e.config.ts) is longer.
const READY_TIMEOUT_MS = 150_000;
const STOP_GRACE_MS = 5_000;
const CLI_TIMEOUT_MS = 60_000;

/**
 * Throws when the pinned tools are not installed. A missing tool fails the suite rather than
 * skipping it green: `npm run test:e2e` installs them first, so only a broken setup gets here.
 */
export function requireE2eTools(): void {
  const missing = STAMPS.filter((stamp) => !existsSync(stamp));
  if (missing.length > 0) throw new Error(`${missing.join(", ")} missing: the e2e tools are not set up; run scripts/setup-e2e.sh`);
}

export interface Gateway {
  url: string;
  port: number;
  token: string;
  home: string;
  /** The gateway's openclaw.json (hot-reloaded by the gateway when edited). */
  configPath: string;
  /** Environment under which the real CLI talks to this gateway. */
  env: Record<string, string>;
  /** Everything the gateway printed so far (for failure messages). */
  output(): string;
  /** Stops the gateway and removes its home. */
  stop(): Promise<void>;
  /** Stops and starts the gateway again with the same home, config and port. */
  restart(): Promise<void>;
  /** Stops the process but keeps its home, for `resume()`. */
  pause(): Promise<void>;
  resume(): Promise<void>;
}

// Killed synchronously if the test process exits without stopping them.
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

export type GatewayOptions = {
  fakeTelegramUrl: string;
  token?: string;
  /** Edits openclaw.json before the first start (plugins, channel policies); `home` is the gateway's HOME. */
  configure?: (config: Record<string, any>, home: string) => void | Promise<void>;
  /** Extra environment for the gateway process only, not for the CLI runs of `env` (the bench's `NODE_OPTIONS=--cpu-prof`). */
  processEnv?: Record<string, string>;
};

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  requireE2eTools();
  const token = options.token ?? randomBytes(16).toString("hex");
  const port = await freePort();
  const home = await mkdtemp(join(tmpdir(), "openclaw-e2e-"));
  const config: Record<string, any> = {
    gateway: { mode: "local", port, bind: "loopback", auth: { mode: "token", token } },
    channels: { telegram: { enabled: true, botToken: BOT_TOKEN, apiRoot: options.fakeTelegramUrl } },
    logging: { file: join(home, "gateway.log") },
    // On by default: the gateway fetches a model catalog from catalog.openclaw.ai at start, even with
    // OPENCLAW_OFFLINE. Tests send nothing off this machine.
    models: { catalogRefresh: { enabled: false } },
  };
  await mkdir(join(home, ".openclaw"));
  await options.configure?.(config, home);
  const configPath = join(home, ".openclaw/openclaw.json");
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const env = {
    PATH: `${dirname(NODE24)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    OPENCLAW_HOME: home,
    OPENCLAW_DISABLE_BONJOUR: "1",
    OPENCLAW_NO_AUTO_UPDATE: "1",
    OPENCLAW_OFFLINE: "1",
  };

  let output = "";
  let child: ChildProcess | undefined;
  const launch = async () => {
    output = "";
    child = await spawnUntilReady({ ...env, ...options.processEnv }, (text) => (output += text));
  };
  const halt = async () => {
    if (child) await stopProcess(child);
    child = undefined;
  };

  try {
    await launch();
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    token,
    home,
    configPath,
    env,
    output: () => output,
    stop: async () => {
      await halt();
      await rm(home, { recursive: true, force: true });
    },
    restart: async () => {
      await halt();
      await launch();
    },
    pause: halt,
    resume: launch,
  };
}

/** Runs the real openclaw CLI under Node 24 (it needs node:sqlite). */
export async function openclawCli(args: string[], env: Record<string, string>, timeoutMs = CLI_TIMEOUT_MS) {
  const started = performance.now();
  const result = await execa(NODE24, [OPENCLAW, ...args], {
    env,
    extendEnv: false,
    stdin: "ignore",
    reject: false,
    timeout: timeoutMs,
    forceKillAfterDelay: 2_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut, durationMs: Math.round(performance.now() - started) };
}

async function spawnUntilReady(env: Record<string, string>, onOutput: (text: string) => void): Promise<ChildProcess> {
  // Own process group, so stopping it also stops anything the gateway spawned.
  const child = spawn(NODE24, [OPENCLAW, "gateway", "run"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let seen = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      const text = stripVTControlCharacters(chunk.toString("utf8"));
      onOutput(text);
      seen += text;
      if (seen.includes("[gateway] ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited before ready (code ${code}, signal ${signal})`));
    });
  });
  try {
    await ready;
    return child;
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${(error as Error).message}\n--- gateway output ---\n${seen.slice(-4000)}`);
  }
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * For a suite: a fake Telegram Bot API and a real gateway talking to it, started before the
 * suite's tests and stopped after them. Read `telegram` and `gateway` inside tests and hooks.
 */
export function useGatewayWithFakeTelegram(configure?: GatewayOptions["configure"]): { readonly telegram: FakeTelegram; readonly gateway: Gateway } {
  let telegram: FakeTelegram | undefined;
  let gateway: Gateway | undefined;
  beforeAll(async () => {
    telegram = await startFakeTelegram();
    gateway = await startGateway({ fakeTelegramUrl: telegram.url, configure });
  }, 200_000);
  afterAll(async () => {
    await gateway?.stop();
    await telegram?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the gateway is not started: use it inside tests and hooks");
    return value;
  };
  return {
    get telegram() {
      return started(telegram);
    },
    get gateway() {
      return started(gateway);
    },
  };
}

/** Agent turns answered by a fake Anthropic server at `modelUrl`, started by Telegram DMs from `inbound` only. */
export function useFakeModelTurns(config: Record<string, any>, modelUrl: string, inbound: number): void {
  config.channels.telegram.dmPolicy = "allowlist";
  config.channels.telegram.allowFrom = [String(inbound)];
  config.models = { mode: "merge", providers: { fake: { baseUrl: modelUrl, apiKey: "dummy", api: "anthropic-messages", models: [{ id: "claude-fake", name: "Fake" }] } } };
  config.agents = { defaults: { model: { primary: "fake/claude-fake" } } };
  config.tools = { toolSearch: false };
}
