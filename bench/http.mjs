// Issue "a boundary" figures: send_message over Streamable HTTP vs stdio (same built server, same
// dry-run transport, interleaved), and 4 agents x 25 concurrent sends against per-token limits
// (exact limits, no duplicate delivery, p99).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { fmt, interleaved, median, percentile, time } from "./stats.mjs";

const CLI = resolve(import.meta.dirname, "..", "dist", "cli.js");

/** The built `serve --http` on a free loopback port (also bench/hook-server.mjs). */
export function startHttp(config, env) {
  const child = spawn(process.execPath, [CLI, "serve", "--http", "--port", "0", "--config", config], { env, stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolvePromise, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
      const match = /"url":"([^"]+)"/.exec(err);
      if (match) resolvePromise({ url: match[1], stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", () => reject(new Error(err)));
  });
}

async function httpClient(url, token) {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

export async function benchHttp() {
  const dir = mkdtempSync(join(tmpdir(), "ocg-bench-http-"));
  const env = { PATH: process.env.PATH, HOME: dir };
  try {
    const aliases = ["a1", "a2", "a3", "a4"];
    const contacts = aliases.map((a, i) => `${a}: { channel: "telegram", target: "-10012345678${i}" }`).join(", ");
    const config = join(dir, "config.json5");
    // Limits loose enough for the latency runs; the per-token limit is what the concurrency run tests.
    writeFileSync(config, `{ openclaw: { transport: "dry-run" }, contacts: { ${contacts} }, policy: { duplicateWindowSeconds: 0, rateLimit: { perContact: { count: 100000, windowSeconds: 60 }, global: { count: 100000, windowSeconds: 60 } } }, audit: { file: "${join(dir, "audit.jsonl")}" } }`, { mode: 0o600 });
    const token = (name, extra = []) => execFileSync(process.execPath, [CLI, "token", "add", name, "--config", config, ...extra], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const latencyToken = token("latency");
    const agents = aliases.map((a, i) => ({ alias: a, token: token(`agent${i + 1}`, ["--aliases", a, "--rate", "10/1h"]) }));

    const http = await startHttp(config, env);
    const overHttp = await httpClient(http.url, latencyToken);
    const overStdio = new Client({ name: "bench", version: "1" });
    await overStdio.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "ignore" }));
    let n = 0;
    const send = (client) => client.callTool({ name: "send_message", arguments: { to: "a1", message: `latency ${n++}` } });
    for (let i = 0; i < 5; i++) await Promise.all([send(overHttp), send(overStdio)]); // warm up
    const [viaHttp, viaStdio] = await interleaved(60, () => send(overHttp), () => send(overStdio));
    await overHttp.close();
    await overStdio.close();

    // 4 agents x 25 concurrent sends, each token limited to 10 per hour: exactly 40 go out.
    const clients = await Promise.all(agents.map((a) => httpClient(http.url, a.token)));
    const latencies = [];
    const results = await Promise.all(
      clients.flatMap((client, i) =>
        Array.from({ length: 25 }, (_, j) => {
          let result;
          return time(async () => (result = await client.callTool({ name: "send_message", arguments: { to: agents[i].alias, message: `burst ${i}-${j}` } }))).then((ms) => (latencies.push(ms), { agent: i, status: result.structuredContent.status, messageId: result.structuredContent.messageId }));
        }),
      ),
    );
    await Promise.all(clients.map((c) => c.close()));
    http.stop();
    const sentPer = aliases.map((_, i) => results.filter((r) => r.agent === i && r.status === "sent").length);
    const ids = results.filter((r) => r.status === "sent").map((r) => r.messageId);
    const records = readFileSync(join(dir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const outcomes = records.filter((r) => r.event === "outcome" && r.status === "sent" && String(r.agent).startsWith("agent"));
    const exact = sentPer.every((s) => s === 10) && new Set(ids).size === ids.length && outcomes.length === 40;

    return [
      { name: "send_message over HTTP (session open, dry-run transport), median", value: fmt(median(viaHttp)), baseline: `${fmt(median(viaStdio))} over stdio (p95 http ${fmt(percentile(viaHttp, 95))}, stdio ${fmt(percentile(viaStdio, 95))})`, ratio: median(viaHttp) / median(viaStdio), goal: "<= 1.2x" },
      { name: "4 agents x 25 concurrent sends, 10/h per token", value: `sent per agent ${sentPer.join("/")}, ${ids.length} distinct ids, ${outcomes.length} audited sends: ${exact ? "limits exact, no duplicates" : "NOT EXACT"}`, baseline: "", goal: "10/10/10/10, no duplicates" },
      { name: "  latency of those 100 calls", value: `p50 ${fmt(median(latencies))}, p99 ${fmt(percentile(latencies, 99))}`, baseline: "", goal: "(reported)" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
