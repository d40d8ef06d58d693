// Issue 19 item 3: the Claude Code hook's decision from the running server vs the command hook, over
// the everyday mix (bench/guard.mjs), interleaved so machine noise hits every form alike:
//   - command: the hook process exactly as `init` registers it, one per decision (the baseline);
//   - http: POST /hook/claude-code on a real `serve --http` with an agent token, a new connection each
//     time (Claude Code's own connection reuse is not assumed);
//   - mcp_tool: check_command on a real stdio server over an open MCP session, as Claude Code calls it.
// Every answer is checked: a decision that differs from the command hook's fails the run.
import { execFileSync, spawnSync } from "node:child_process";
import { request } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CHECK_TOOL, HOOK_PATH, toolArgsFromHookPayload } from "../dist/guard/hook-forms.js";
import { EVERYDAY, registeredHook } from "./guard.mjs";
import { startHttp } from "./http.mjs";
import { fmt, median, percentile, time } from "./stats.mjs";

const CLI = resolve(import.meta.dirname, "..", "dist", "cli.js");
const ROUNDS = 3; // the mix three times: 60 decisions per form
const HOSTILE = "bash -c 'openclaw message send --target +15551234567 --message hi'";

/** One POST on a fresh connection; resolves with the parsed hook answer. */
function post(url, token, body) {
  return new Promise((resolvePromise, reject) => {
    const target = new URL(url);
    const req = request({ hostname: target.hostname, port: target.port, path: target.pathname, method: "POST", agent: false, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => (res.statusCode === 200 ? resolvePromise(JSON.parse(text)) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const decisionOf = (answer) => (answer?.hookSpecificOutput?.permissionDecision === "deny" ? "deny" : "allow");
const spread = (times) => `p5 ${fmt(percentile(times, 5))}, p95 ${fmt(percentile(times, 95))}`;

export async function benchHookServer() {
  const dir = mkdtempSync(join(tmpdir(), "ocg-bench-hook-server-"));
  const env = { PATH: process.env.PATH, HOME: dir };
  const servers = [];
  try {
    const config = join(dir, "config.json5");
    writeFileSync(config, `{ openclaw: { transport: "dry-run" }, contacts: { ops: { channel: "telegram", target: "-1001234567890" } } }`, { mode: 0o600 });
    const token = execFileSync(process.execPath, [CLI, "token", "add", "bench", "--config", config], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const http = await startHttp(config, env);
    servers.push(http);
    const hookUrl = http.url.replace(/\/mcp$/, HOOK_PATH);
    const mcp = new Client({ name: "claude-code", version: "2.1.330" });
    await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "--config", config], env, stderr: "ignore" }));
    servers.push({ stop: () => mcp.close() });
    const [node, args] = registeredHook(dir);
    const hookArgs = [...args.slice(0, args.indexOf("--config") + 1), config];

    const commands = [...EVERYDAY, HOSTILE];
    const payloads = commands.map((command) => ({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command, description: "bench" }, cwd: dir }));
    const viaCommand = (p) => (spawnSync(node, hookArgs, { input: JSON.stringify(p), env, encoding: "utf8" }).status === 2 ? "deny" : "allow");
    const viaHttp = async (p) => decisionOf(await post(hookUrl, token, JSON.stringify(p)));
    const viaMcp = async (p) => decisionOf(JSON.parse((await mcp.callTool({ name: CHECK_TOOL, arguments: toolArgsFromHookPayload(p) })).content[0].text));

    for (const p of payloads) await Promise.all([viaHttp(p), viaMcp(p)]); // warm up: the parser's wasm loads once per server
    const times = { command: [], http: [], mcp: [] };
    const loads = [];
    for (let round = 0; round < ROUNDS; round++) {
      loads.push(loadavg()[0]);
      for (const p of payloads) {
        const seen = {};
        times.command.push(await time(() => void (seen.command = viaCommand(p))));
        times.http.push(await time(async () => void (seen.http = await viaHttp(p))));
        times.mcp.push(await time(async () => void (seen.mcp = await viaMcp(p))));
        if (seen.http !== seen.command || seen.mcp !== seen.command) throw new Error(`decisions differ for ${p.tool_input.command}: ${JSON.stringify(seen)}`);
      }
    }
    const base = median(times.command);
    const load = `load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`;
    const row = (name, form) => ({ name, value: `${fmt(median(times[form]))} median (${spread(times[form])}, ${load})`, baseline: `${fmt(base)} command hook (${spread(times.command)})`, ratio: median(times[form]) / base, goal: "<= 5 ms median" });
    return [
      row(`http hook: POST /hook/claude-code on serve --http, new connection each, ${times.http.length} decisions (${commands.length} commands incl. 1 hostile, x${ROUNDS})`, "http"),
      row(`mcp_tool hook: check_command on the stdio server, open session, ${times.mcp.length} decisions`, "mcp"),
    ];
  } finally {
    for (const server of servers.reverse()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
