// Runs INSIDE a loopback-only network namespace (started by netns.ts with `unshare -r -n`, `lo` up),
// on Node 24's type stripping, outside vitest: starts the scripted fake model server on 127.0.0.1,
// runs the steps (argv arrays, never a shell) one after another with {{MODEL_URL}} filled in, and
// writes what happened as JSON. Codex and Gemini CLI run only here: Codex looks up outside hosts at
// start even with a custom provider, and in here those lookups fail harmlessly. With `listen`, it also
// accepts TCP connections on those 127.0.0.1 ports (a stand-in for the gateway) and counts them.
//   node netns-run.ts <spec.json> <result.json>
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { startFakeAnthropic, type ScriptStep } from "./fake-anthropic.ts";
import { startFakeCodexModel, type CodexCall } from "./fake-codex.ts";
import { startFakeGeminiModel, type GeminiCall } from "./fake-gemini.ts";

export interface NetnsStep {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
}

export type NetnsSpec = { steps: NetnsStep[]; listen?: number[] } & ({ model: "codex"; script: CodexCall[] } | { model: "gemini"; script: GeminiCall[] } | { model: "anthropic"; script: ScriptStep[] });

export interface StepResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Connections accepted on each `listen` port while this step ran. */
  connections?: Record<string, number>;
}

export interface NetnsResult {
  steps: StepResult[];
  /** What the model was shown for each tool call, in order: the tool as the client named it, and the text. */
  toolResults: { tool: string; text: string; isError?: boolean }[];
  /** Connections accepted on each `listen` port, all steps together. */
  connections: Record<string, number>;
  /** The tools the client offered the model (Codex: `namespace.name` for namespaced ones), with descriptions. */
  offeredTools: { name: string; description: string }[];
  /** Number of model requests the fake received. */
  requests: number;
}

function runStep(step: NetnsStep, url: string): Promise<StepResult> {
  const fill = (text: string) => text.replaceAll("{{MODEL_URL}}", url);
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(step.env).map(([key, value]) => [key, fill(value)]));
    const child = spawn(step.argv[0]!, step.argv.slice(1).map(fill), { cwd: step.cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, "SIGKILL");
    }, step.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, signal: null, timedOut, stdout, stderr: `${stderr}\nspawn failed: ${error.message}` });
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, stdout, stderr });
    });
  });
}

/** A listener that answers every connection with a line and counts it: what reached the port. */
async function listenOn(port: number, counts: Record<string, number>): Promise<Server> {
  counts[port] = 0;
  const server = createServer((socket) => {
    counts[port]! += 1;
    socket.end("HTTP/1.0 200 OK\r\nContent-Length: 16\r\n\r\nGATEWAY-REACHED\n");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

async function startModel(spec: NetnsSpec) {
  if (spec.model === "anthropic") {
    const model = await startFakeAnthropic(spec.script);
    return { ...model, toolResults: () => model.toolResults().map((r) => ({ tool: r.tool, text: r.text, isError: r.is_error })), offeredTools: () => [], requestCount: () => model.requests.length };
  }
  if (spec.model === "codex") {
    const model = await startFakeCodexModel(spec.script);
    return { ...model, toolResults: () => model.toolOutputs().map((o) => ({ tool: o.call, text: o.text })), requestCount: () => model.requests.length };
  }
  const model = await startFakeGeminiModel(spec.script);
  return { ...model, toolResults: () => model.toolResponses().map((r) => ({ tool: r.name, text: r.text })), requestCount: () => model.requests.length };
}

async function main(specFile: string, resultFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as NetnsSpec;
  const model = await startModel(spec);
  const connections: Record<string, number> = {};
  const listeners = await Promise.all((spec.listen ?? []).map((port) => listenOn(port, connections)));
  try {
    const steps: StepResult[] = [];
    for (const step of spec.steps) {
      const before = { ...connections };
      const result = await runStep(step, model.url);
      steps.push(listeners.length === 0 ? result : { ...result, connections: Object.fromEntries(Object.entries(connections).map(([port, n]) => [port, n - (before[port] ?? 0)])) });
    }
    const result: NetnsResult = { steps, toolResults: model.toolResults(), offeredTools: model.offeredTools(), requests: model.requestCount(), connections };
    writeFileSync(resultFile, JSON.stringify(result));
  } finally {
    for (const listener of listeners) listener.close();
    await model.close();
  }
}

const [specFile, resultFile] = process.argv.slice(2);
if (specFile !== undefined && resultFile !== undefined) await main(specFile, resultFile);
