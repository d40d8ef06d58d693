// `openclaw-guard init <client> [--scope user|project] [--dry-run] [--config PATH]`
// `openclaw-guard init --print <client> [--scope ...]`
// Registers the MCP server and installs the shell guard into one agent client's config files:
// every file is planned first (a malformed one refuses everything, naming file and line), then
// each changed file is backed up and replaced atomically, the guard's files before the server
// registration. Re-running changes nothing.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { resolveConfigPath } from "../contacts/config-path.js";
import { claudeVersionWarning } from "./clients/claude-code.js";
import { clientNamed, CLIENTS } from "./clients/index.js";
import { ApplyError, applyPlans, changed, readText, type Applied } from "./init-files.js";
import type { PairingResult } from "../gateway/device-pairing.js";
import { InitError, removalChange, tildePath, type ClientPlan, type ClientSetup, type FileChange, type FilePlan, type InitContext, type ReadText, type Scope } from "./init-plan.js";
import { unsupportedPlatform } from "./platform.js";

const USAGE = `usage: openclaw-guard init <client> [--scope user|project] [--dry-run] [--config PATH]
       openclaw-guard init --remove <client> [--scope user|project] [--dry-run] [--config PATH]
       openclaw-guard init --print <client> [--scope user|project] [--config PATH]
       openclaw-guard init openclaw --pair [--config PATH]
clients: ${CLIENTS.map((c) => c.name).join(", ")}
--pair (openclaw only): pair the guard's server with the gateway as its own device (scope operator.write)
`;

export interface InitDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly node: string;
  readonly cli: string;
  readonly platform: NodeJS.Platform;
  readonly read: ReadText;
  /** Writes the changed files in order (init-files.ts applyPlans). */
  readonly applyPlans: (plans: readonly FileChange[], now: Date) => Applied[];
  /** `claude --version` output, undefined when not found. */
  readonly claudeVersion: () => Promise<string | undefined>;
  /** Pairs the guard's server with the gateway as a device (`init openclaw --pair`). */
  readonly pair: (config: string, env: NodeJS.ProcessEnv) => Promise<PairingResult>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now: () => Date;
}

export async function run(args: string[]): Promise<number> {
  return runInit(args, defaultDeps());
}

export async function runInit(args: string[], deps: InitDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs("init", args, {
    scope: { type: "string" },
    "dry-run": { type: "boolean" },
    print: { type: "boolean" },
    pair: { type: "boolean" },
    remove: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    deps.out(USAGE);
    return 0;
  }
  const unsupported = unsupportedPlatform(deps.platform);
  if (unsupported) {
    deps.err(`openclaw-guard init: ${unsupported}\n`);
    return 1;
  }
  const [name, ...extra] = positionals;
  const client = name === undefined ? undefined : clientNamed(name);
  if (client === undefined || extra.length > 0) throw new UsageError(`openclaw-guard init: ${name === undefined ? "which client?" : `unknown client "${[name, ...extra].join(" ")}"`}\n${USAGE}`);
  const scope = values.scope ?? "user";
  if (scope !== "user" && scope !== "project") throw new UsageError(`openclaw-guard init: --scope must be user or project\n${USAGE}`);
  const context: InitContext = {
    home: deps.env.HOME || homedir(),
    cwd: deps.cwd,
    scope: scope as Scope,
    node: deps.node,
    cli: deps.cli,
    config: resolveConfigPath({ flag: values.config, env: deps.env }),
    platform: deps.platform,
    env: deps.env,
  };
  const display = (file: string) => tildePath(file, context.home);

  if (values.print) {
    deps.out(renderSnippets(client, context));
    return 0;
  }
  if (values.pair) {
    if (client.name !== "openclaw") throw new UsageError(`openclaw-guard init: --pair is for the openclaw target only\n${USAGE}`);
    return reportPairing(await deps.pair(context.config, deps.env), deps);
  }

  let plan: ClientPlan;
  try {
    plan = client.plan(context, deps.read);
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    deps.err(`openclaw-guard init ${client.name}: ${error.message}\nNothing was written.\n`);
    return 1;
  }
  const dryRun = values["dry-run"] === true;
  if (values.remove) return remove(client, plan, dryRun, scope, deps, display);
  deps.out(`openclaw-guard init ${client.name} (scope: ${scope}${dryRun ? ", dry run: nothing is written" : ""})\n`);
  const warnings: string[] = [];
  if (!existsSync(context.config)) warnings.push(`${context.config} does not exist yet: the server refuses to start without it. Start from examples/config.json5 (chmod 600).`);
  if (client.name === "claude-code") {
    const warning = claudeVersionWarning(await deps.claudeVersion());
    if (warning) warnings.push(warning);
  }
  const backups = apply(client, dryRun ? [] : plan.files, deps, display);
  if (backups === undefined) return 1;
  for (const file of plan.files) {
    const state = !changed(file) ? "unchanged" : file.before === undefined ? "new file" : dryRun ? "would change" : "changed";
    const backup = backups.get(file);
    deps.out(`\n${display(file.path)} (${state}${backup ? `, backup: ${display(backup)}` : ""})\n${file.summary.map((line) => `  ${line}`).join("\n")}\n`);
  }
  printTail(plan, deps);
  for (const warning of warnings) deps.err(`warning: ${warning}\n`);
  return 0;
}

/** Writes the changed files; a map of their backups, or undefined (reported) when a write failed. */
function apply<T extends FileChange>(client: ClientSetup, files: readonly T[], deps: InitDeps, display: (file: string) => string): Map<T, string | undefined> | undefined {
  const toWrite = files.filter(changed);
  const backups = new Map<T, string | undefined>();
  try {
    deps.applyPlans(toWrite, deps.now()).forEach((applied, i) => backups.set(toWrite[i]!, applied.backup));
    return backups;
  } catch (error) {
    const written = error instanceof ApplyError ? error.written : [];
    const report = written.length === 0
      ? "Nothing was written."
      : `Already written: ${written.map((w) => `${display(w.path)} (${w.backup ? `backup: ${display(w.backup)}` : "new file"})`).join(", ")}. Not written: ${toWrite.slice(written.length).map((f) => display(f.path)).join(", ")}.`;
    deps.err(`openclaw-guard init ${client.name}: ${error instanceof Error ? error.message : String(error)}\n${report}\n`);
    return undefined;
  }
}

/**
 * `init --remove`: the same plan, reversed. Each file loses exactly the entries init writes (as
 * this install writes them; stale copies from a moved install are normalised first), backed up
 * like any init write; a file left holding nothing else is deleted. The server registration goes
 * first, so a failed removal never leaves the server registered without its guard.
 */
function remove(client: ClientSetup, plan: ClientPlan, dryRun: boolean, scope: string, deps: InitDeps, display: (file: string) => string): number {
  deps.out(`openclaw-guard init --remove ${client.name} (scope: ${scope}${dryRun ? ", dry run: nothing is written" : ""})\n`);
  const files = [...plan.files].reverse().map((file) => ({ change: removalChange(file), summary: file.removal.summary }));
  const backups = apply(client, dryRun ? [] : files.map((f) => f.change), deps, display);
  if (backups === undefined) return 1;
  for (const { change, summary } of files) {
    const state = !changed(change) ? (change.before === undefined ? "absent" : "unchanged: nothing of ours in it") : change.deleteFile ? (dryRun ? "would be deleted" : "deleted") : dryRun ? "would change" : "changed";
    const backup = backups.get(change);
    deps.out(`\n${display(change.path)} (${state}${backup ? `, backup: ${display(backup)}` : ""})\n${summary.map((line) => `  ${line}`).join("\n")}${summary.length > 0 ? "\n" : ""}`);
  }
  deps.out(`\nRestart ${client.title} to unload the server and the hook. A PATH shim is separate: \`openclaw-guard shim uninstall --dir DIR\`.\n`);
  return 0;
}

/** `init --print`: each file as it would be written into an empty home (also examples/clients/). */
export function renderSnippets(client: ClientSetup, context: InitContext): string {
  const plan = client.plan(context, () => undefined);
  let text = `# openclaw-guard init ${client.name}: the entries it writes (merge them into existing files; \`init ${client.name}\` does that for you)\n`;
  for (const file of plan.files) text += `\n# ${tildePath(file.path, context.home)}\n${file.after}`;
  return text + tail(plan);
}

function printTail(plan: ClientPlan, deps: Pick<InitDeps, "out">): void {
  deps.out(tail(plan));
}

function tail(plan: ClientPlan): string {
  const notes = plan.notes.length > 0 ? `\nnotes:\n${plan.notes.map((n) => `  - ${n}`).join("\n")}\n` : "";
  return `${notes}\nwhat this client cannot block:\n${plan.limits.map((l) => `  - ${l}`).join("\n")}\n`;
}

/** What pairing did, and the one next step when it is not done. Never prints a token. */
function reportPairing(result: PairingResult, deps: Pick<InitDeps, "out" | "err">): number {
  switch (result.status) {
    case "paired":
      deps.out(
        `${result.reused ? "=" : "+"} paired device ${result.deviceId.slice(0, 12)}… (scopes ${result.scopes.join(", ")})${result.reused ? ": already paired, and the gateway accepts it" : ""}\n` +
          "The guard's server now authenticates with this device token, not the shared gateway token. Remove the shared token from where the agent can read it (openclaw.gateway.token in the guard config, OPENCLAW_GATEWAY_TOKEN in the agent's environment) and check with `openclaw-guard doctor`.\n",
      );
      return 0;
    case "pending":
      deps.out(
        `~ pairing requested for device ${result.deviceId.slice(0, 12)}…: the gateway wants an approval.\n` +
          `Approve it on the gateway host: openclaw devices approve ${result.requestId ?? "<requestId from openclaw devices list>"}\n` +
          "(check that it asks for role operator and scope operator.write only), then run `openclaw-guard init openclaw --pair` again.\n",
      );
      return 0;
    case "failed":
      deps.err(`openclaw-guard init openclaw --pair: ${result.reason}\n`);
      return 1;
  }
}

function defaultDeps(): InitDeps {
  return {
    env: process.env,
    cwd: process.cwd(),
    node: process.execPath,
    cli: fileURLToPath(new URL("../cli.js", import.meta.url)),
    platform: process.platform,
    read: readText,
    applyPlans,
    claudeVersion: async () => {
      const result = await execa("claude", ["--version"], { reject: false, timeout: 15_000, stdin: "ignore" });
      return result.failed && result.exitCode === undefined ? undefined : result.stdout;
    },
    pair: async (config, env) => {
      const { loadConfig } = await import("../contacts/config.js");
      const { resolveGatewaySettings } = await import("../gateway/gateway-settings.js");
      const { readOpenclawConfig } = await import("../gateway/openclaw-config.js");
      const { defaultDeviceCredentialFile } = await import("../gateway/device-credential.js");
      const { pairDevice } = await import("../gateway/device-pairing.js");
      let ours = {};
      try {
        ours = loadConfig(config, env).openclaw.gateway;
      } catch {
        // no or invalid guard config: the gateway is found the way the openclaw CLI finds it
      }
      // The shared credential admits the pairing request, so an existing device is not used for it.
      const shared = resolveGatewaySettings(ours, env, readOpenclawConfig, (file) => ({ file }));
      return pairDevice({ shared, file: defaultDeviceCredentialFile(env) });
    },
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    now: () => new Date(),
  };
}
