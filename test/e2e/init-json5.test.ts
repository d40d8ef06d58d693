// `init openclaw` on a hand-edited JSON5 openclaw.json (comments, unquoted keys, trailing commas),
// against the real openclaw 2026.9.6 CLI and gateway: init changes the file through OpenClaw's own
// `openclaw config set` (no refusal), the restarted gateway loads the plugin and enforces the book
// (an unvetted send cancelled, a vetted one delivered once), doctor's gateway checks pass, a re-run
// writes nothing, and `init --remove` takes out what init added and nothing the user had.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import JSON5 from "json5";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { connectGateway } from "../support/gateway-ws.js";
import { OPENCLAW, useGatewayWithFakeTelegram } from "../support/openclaw-gateway.js";
import type { DoctorReport } from "../../src/setup/doctor-report.js";

const CLI = join(REPO_ROOT, "dist", "cli.js");
const VETTED = "555333";
const STRANGER = "9000000444";

const real = useGatewayWithFakeTelegram();
let rpc: Awaited<ReturnType<typeof connectGateway>> | undefined;
afterAll(() => rpc?.close());

/** The gateway's environment, with the pinned openclaw CLI on PATH (init finds it there). */
const env = () => ({ ...real.gateway.env, PATH: `${dirname(OPENCLAW)}/../.bin:${real.gateway.env.PATH}`, XDG_CONFIG_HOME: join(real.gateway.home, ".config"), XDG_STATE_HOME: join(real.gateway.home, "state") });
const guard = (args: string[], timeout = 400_000) =>
  promisify(execFile)(process.execPath, [CLI, ...args], { env: env(), timeout }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
  );

/** The harness's openclaw.json, as a person writes it by hand: comments, unquoted keys, trailing commas. */
function asHandEdited(config: Record<string, any>): string {
  const { gateway, channels, logging } = config;
  return `// my gateway, edited by hand
{
  gateway: ${JSON.stringify(gateway)}, // loopback only
  /* the bot */
  channels: { telegram: ${JSON.stringify(channels.telegram)}, },
  logging: { file: ${JSON.stringify(logging.file)} },
  tools: { deny: ["plugins"], }, // mine, before any openclaw-guard
}
`;
}

describe("init openclaw on a hand-edited JSON5 openclaw.json, real CLI and gateway", () => {
  it("changes it through openclaw config set; the gateway enforces; doctor passes; a re-run writes nothing; --remove undoes only ours", async () => {
    const file = real.gateway.configPath;
    const book = join(real.gateway.home, ".config", "openclaw-guard", "config.json5");
    mkdirSync(dirname(book), { recursive: true, mode: 0o700 });
    writeFileSync(book, `{ openclaw: { transport: "gateway" }, contacts: { alice: { channel: "telegram", target: "${VETTED}" } }, audit: { file: ${JSON.stringify(join(real.gateway.home, "audit.jsonl"))} } }\n`, { mode: 0o600 });
    await real.gateway.pause();
    const handEdited = asHandEdited(JSON.parse(readFileSync(file, "utf8")));
    writeFileSync(file, handEdited, { mode: 0o600 });

    const dry = await guard(["init", "openclaw", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/openclaw\.json is JSON5 \(comments, unquoted keys, trailing commas\).*`openclaw config`.*are lost/);
    expect(dry.stdout).toMatch(/\n {2}openclaw config set --batch-json '\[/);
    expect(readFileSync(file, "utf8")).toBe(handEdited);

    const first = await guard(["init", "openclaw"]);
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(first.stdout).toMatch(/Backup first: .*openclaw\.json\.bak-<time>/);
    expect(first.stdout).toMatch(/\(changed by openclaw config set, backup: .*openclaw\.json\.bak-\d{8}T\d+Z\)/);
    const backups = readdirSync(dirname(file)).filter((name) => /^openclaw\.json\.bak-/.test(name));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dirname(file), backups[0]!), "utf8")).toBe(handEdited);
    // OpenClaw's own backup holds the hand-edited text too.
    expect(readFileSync(`${file}.bak`, "utf8")).toBe(handEdited);
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.plugins.entries["openclaw-guard"]).toEqual({ enabled: true, config: { configPath: book } });
    expect(written.tools.deny).toEqual(["plugins", "gateway", "openclaw"]);
    expect(written.gateway).toEqual(JSON5.parse(handEdited).gateway);

    await real.gateway.resume();
    rpc = await connectGateway(real.gateway.url, real.gateway.token);
    await eventually(async () => {
      const answer = await rpc!.request("openclaw-guard.status", {});
      expect(answer.ok ? answer.payload : answer, real.gateway.output().slice(-3000)).toMatchObject({ ok: true });
    }, 60_000);
    const send = (to: string) => rpc!.request("send", { to, message: "hello", channel: "telegram", idempotencyKey: `k-${Math.random()}` });
    await send(STRANGER);
    await send(`telegram:${VETTED}`);
    await eventually(() => expect(real.telegram.delivered().filter((d) => d.chat_id === VETTED)).toHaveLength(1), 60_000);
    expect(real.telegram.callsTo(STRANGER)).toEqual([]);

    const doctor = await guard(["doctor", "--json", "--config", book], 120_000);
    const report = JSON.parse(doctor.stdout) as DoctorReport;
    expect(report.checks.filter((c) => c.id.startsWith("gateway.") && c.status === "fail"), doctor.stdout).toEqual([]);
    expect(report.checks.find((c) => c.id === "gateway.plugin-active")).toMatchObject({ status: "ok" });

    const text = readFileSync(file, "utf8");
    const mtime = statSync(file).mtimeMs;
    const second = await guard(["init", "openclaw"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("(unchanged)");
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(statSync(file).mtimeMs).toBe(mtime);

    // The user goes back to JSON5 (a comment) with init's entries in it: --remove goes through `openclaw config` too.
    writeFileSync(file, `// edited again\n${text}`, { mode: 0o600 });
    const removed = await guard(["init", "--remove", "openclaw"]);
    expect(removed.code, `${removed.stdout}\n${removed.stderr}`).toBe(0);
    expect(removed.stdout).toContain("= tools.deny: plugins (there before init: kept)");
    const after = JSON.parse(readFileSync(file, "utf8"));
    expect(after.plugins?.entries?.["openclaw-guard"]).toBeUndefined();
    expect(after.plugins?.load?.paths ?? []).not.toContain(REPO_ROOT);
    expect(after.tools.deny).toEqual(["plugins"]);
    expect(after.gateway).toEqual(written.gateway);
  }, 900_000);
});
