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
const FAKE_OPENCLAW = resolve(import.meta.dirname, "..", "test", "fixtures", "fake-openclaw.mjs");

/** The built `serve --http` on a free loopback port (also bench/hook-server.mjs). */
export function startHttp(config, env) {
  return listening([CLI, "serve", "--http", "--port", "0", "--config", config], env);
}

/** A server that prints {"url":...} on stderr once it listens. */
function listening(args, env) {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
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
    const book = (openclaw, audit) => `{ openclaw: ${openclaw}, contacts: { ${contacts} }, policy: { duplicateWindowSeconds: 0, rateLimit: { perContact: { count: 100000, windowSeconds: 60 }, global: { count: 100000, windowSeconds: 60 } } }, audit: { file: "${join(dir, audit)}" } }`;
    writeFileSync(config, book(`{ transport: "dry-run" }`, "audit.jsonl"), { mode: 0o600 });
    // The burst must deliver: a dry run gives its reservation back when it ends (so rehearsals never
    // block a real send), and a quota is only exact for sends that keep theirs. The stand-in CLI
    // answers like the real one and sends nothing.
    const burstConfig = join(dir, "burst.json5");
    writeFileSync(burstConfig, book(`{ transport: "cli", bin: ${JSON.stringify([process.execPath, FAKE_OPENCLAW])} }`, "burst-audit.jsonl"), { mode: 0o600 });
    // Both books sit in one folder, so they share its tokens.json.
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
    http.stop();

    // The floor under that ratio: the SDK's own smallest server, its one tool doing nothing, over the
    // same two transports. What its HTTP round trip costs more than its stdio one is the SDK's (and the
    // client's), not the guard's.
    const minimalArgs = [join(import.meta.dirname, "minimal-server.mjs")];
    const minimalHttp = await listening([...minimalArgs, "--http"], env);
    const floorHttp = await httpClient(minimalHttp.url, "unused");
    const floorStdio = new Client({ name: "bench", version: "1" });
    await floorStdio.connect(new StdioClientTransport({ command: process.execPath, args: minimalArgs, env, stderr: "ignore" }));
    const echo = (client) => client.callTool({ name: "echo", arguments: { text: "latency" } });
    for (let i = 0; i < 5; i++) await Promise.all([echo(floorHttp), echo(floorStdio)]);
    const [echoHttp, echoStdio] = await interleaved(60, () => echo(floorHttp), () => echo(floorStdio));
    await floorHttp.close();
    await floorStdio.close();
    minimalHttp.stop();

    // 4 agents x 25 concurrent sends, each token limited to 10 per hour: exactly 40 go out.
    const deliveries = join(dir, "deliveries.jsonl"); // one line per stand-in CLI run: what reached "the chat"
    const burst = await startHttp(burstConfig, { ...env, OPENCLAW_FAKE_LOG: deliveries });
    const clients = await Promise.all(agents.map((a) => httpClient(burst.url, a.token)));
    const latencies = [];
    const results = await Promise.all(
      clients.flatMap((client, i) =>
        Array.from({ length: 25 }, (_, j) => {
          let result;
          return time(async () => (result = await client.callTool({ name: "send_message", arguments: { to: agents[i].alias, message: `burst ${i}-${j}` } }))).then((ms) => (latencies.push(ms), { agent: i, status: result.structuredContent.status }));
        }),
      ),
    );
    await Promise.all(clients.map((c) => c.close()));
    burst.stop();
    const sentPer = aliases.map((_, i) => results.filter((r) => r.agent === i && r.status === "sent").length);
    const delivered = readFileSync(deliveries, "utf8").trim().split("\n").length;
    const records = readFileSync(join(dir, "burst-audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const outcomes = records.filter((r) => r.event === "outcome" && r.status === "sent" && String(r.agent).startsWith("agent"));
    const exact = sentPer.every((s) => s === 10) && delivered === 40 && outcomes.length === 40;

    return [
      { name: "send_message over HTTP (session open, dry-run transport), median", value: fmt(median(viaHttp)), baseline: `${fmt(median(viaStdio))} over stdio (p95 http ${fmt(percentile(viaHttp, 95))}, stdio ${fmt(percentile(viaStdio, 95))})`, ratio: median(viaHttp) / median(viaStdio), goal: "<= 1.2x" },
      { name: "  the SDK's floor: its minimal server's no-op tool over HTTP, median", value: fmt(median(echoHttp)), baseline: `${fmt(median(echoStdio))} over stdio; HTTP adds ${fmt(median(echoHttp) - median(echoStdio))} here, the guard's server adds ${fmt(median(viaHttp) - median(viaStdio))}`, ratio: median(echoHttp) / median(echoStdio), goal: "(the SDK's own cost)" },
      { name: "4 agents x 25 concurrent sends, 10/h per token (delivering stand-in CLI)", value: `sent per agent ${sentPer.join("/")}, ${delivered} CLI deliveries, ${outcomes.length} audited sends: ${exact ? "limits exact, no duplicates" : "NOT EXACT"}`, baseline: "", goal: "10/10/10/10, no duplicates" },
      { name: "  latency of those 100 calls", value: `p50 ${fmt(median(latencies))}, p99 ${fmt(percentile(latencies, 99))}`, baseline: "", goal: "(reported)" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
