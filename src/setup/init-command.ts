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
import { nodeVersionProblem } from "../version.js";
import { claudeVersionWarning } from "./clients/claude-code.js";
import { codexHooksFile } from "./clients/codex.js";
import { trustOurCodexHooks, type CodexHook, type WrittenHook } from "./codex-app-server.js";
import { clientNamed, CLIENTS } from "./clients/index.js";
import { ApplyError, applyPlans, changed, readText, type Applied } from "./init-files.js";
import { hookCommand, InitError, tildePath, type ClientPlan, type ClientSetup, type FilePlan, type InitContext, type ReadText, type Scope } from "./init-plan.js";

const USAGE = `usage: openclaw-guard init <client> [--scope user|project] [--dry-run] [--config PATH]
       openclaw-guard init codex --trust-hook [...]   (also record Codex's trust in the guard hook)
       openclaw-guard init --print <client> [--scope user|project] [--config PATH]
clients: ${CLIENTS.map((c) => c.name).join(", ")}
`;

export interface InitDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly node: string;
  readonly cli: string;
  readonly platform: NodeJS.Platform;
  readonly read: ReadText;
  /** Writes the changed files in order (init-files.ts applyPlans). */
  readonly applyPlans: (plans: readonly FilePlan[], now: Date) => Applied[];
  /** `claude --version` output, undefined when not found. */
  readonly claudeVersion: () => Promise<string | undefined>;
  /** Trusts the guard hook in Codex (codex-app-server.ts) for this project directory; throws on failure. */
  readonly trustCodexHooks: (cwd: string, written: WrittenHook) => Promise<{ trusted: CodexHook[]; already: CodexHook[] }>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now: () => Date;
}

export async function run(args: string[]): Promise<number> {
  // init records this node binary in the client's config: an unsupported one must not be written there.
  const tooOld = nodeVersionProblem(process.versions.node, process.execPath);
  if (tooOld !== undefined) {
    process.stderr.write(`openclaw-guard init: ${tooOld}\nNothing was written.\n`);
    return 1;
  }
  return runInit(args, defaultDeps());
}

export async function runInit(args: string[], deps: InitDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs("init", args, {
    scope: { type: "string" },
    "dry-run": { type: "boolean" },
    print: { type: "boolean" },
    "trust-hook": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    deps.out(USAGE);
    return 0;
  }
  const [name, ...extra] = positionals;
  const client = name === undefined ? undefined : clientNamed(name);
  if (client === undefined || extra.length > 0) throw new UsageError(`openclaw-guard init: ${name === undefined ? "which client?" : `unknown client "${[name, ...extra].join(" ")}"`}\n${USAGE}`);
  const scope = values.scope ?? "user";
  if (scope !== "user" && scope !== "project") throw new UsageError(`openclaw-guard init: --scope must be user or project\n${USAGE}`);
  const trustHook = values["trust-hook"] === true;
  if (trustHook && client.name !== "codex") throw new UsageError(`openclaw-guard init: --trust-hook is for codex only (the other clients do not gate hooks on trust)\n${USAGE}`);
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

  let plan: ClientPlan;
  try {
    plan = client.plan(context, deps.read);
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    deps.err(`openclaw-guard init ${client.name}: ${error.message}\nNothing was written.\n`);
    return 1;
  }
  const dryRun = values["dry-run"] === true;
  deps.out(`openclaw-guard init ${client.name} (scope: ${scope}${dryRun ? ", dry run: nothing is written" : ""})\n`);
  const warnings: string[] = [];
  if (!existsSync(context.config)) warnings.push(`${context.config} does not exist yet: the server refuses to start without it. Start from examples/config.json5 (chmod 600).`);
  if (client.name === "claude-code") {
    const warning = claudeVersionWarning(await deps.claudeVersion());
    if (warning) warnings.push(warning);
  }
  const toWrite = dryRun ? [] : plan.files.filter(changed);
  const backups = new Map<FilePlan, string | undefined>();
  try {
    deps.applyPlans(toWrite, deps.now()).forEach((applied, i) => backups.set(toWrite[i]!, applied.backup));
  } catch (error) {
    const written = error instanceof ApplyError ? error.written : [];
    const report = written.length === 0
      ? "Nothing was written."
      : `Already written: ${written.map((w) => `${display(w.path)} (${w.backup ? `backup: ${display(w.backup)}` : "new file"})`).join(", ")}. Not written: ${toWrite.slice(written.length).map((f) => display(f.path)).join(", ")}.`;
    deps.err(`openclaw-guard init ${client.name}: ${error instanceof Error ? error.message : String(error)}\n${report}\n`);
    return 1;
  }
  for (const file of plan.files) {
    const state = !changed(file) ? "unchanged" : file.before === undefined ? "new file" : dryRun ? "would change" : "changed";
    const backup = backups.get(file);
    deps.out(`\n${display(file.path)} (${state}${backup ? `, backup: ${display(backup)}` : ""})\n${file.summary.map((line) => `  ${line}`).join("\n")}\n`);
  }
  let code = 0;
  if (trustHook) code = await trustHooks(deps, dryRun, display, { sourcePath: codexHooksFile(context), command: hookCommand(context, "codex") });
  printTail(plan, deps);
  for (const warning of warnings) deps.err(`warning: ${warning}\n`);
  return code;
}

/** `init codex --trust-hook`: what Codex's /hooks would record, done through Codex itself. */
async function trustHooks(deps: InitDeps, dryRun: boolean, display: (file: string) => string, written: WrittenHook): Promise<number> {
  if (dryRun) {
    deps.out("\nCodex hook trust: would trust the guard hook through `codex app-server` (dry run: not done)\n");
    return 0;
  }
  const label = (hook: CodexHook) => `${display(hook.sourcePath)}${hook.key.slice(hook.sourcePath.length)} (${hook.currentHash.slice(0, 19)}…)`;
  try {
    const { trusted, already } = await deps.trustCodexHooks(deps.cwd, written);
    deps.out(`\nCodex hook trust (recorded by Codex in its config.toml, hooks.state)\n${[...trusted.map((h) => `  + trusted ${label(h)}`), ...already.map((h) => `  = already trusted ${label(h)}`)].join("\n")}\n`);
    return 0;
  } catch (error) {
    deps.err(
      `openclaw-guard init codex: the files were written, but the guard hook is NOT trusted: ${error instanceof Error ? error.message : String(error)}\n` +
        "Until it is, Codex skips it silently. Trust it in Codex's /hooks, or fix the above and re-run with --trust-hook.\n",
    );
    return 1;
  }
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

function defaultDeps(): InitDeps {
  return {
    env: process.env,
    cwd: process.cwd(),
    node: process.execPath,
    cli: fileURLToPath(new URL("../cli.js", import.meta.url)),
    platform: process.platform,
    read: readText,
    applyPlans,
    trustCodexHooks: (cwd, written) => trustOurCodexHooks({ codex: "codex", env: process.env, cwd, timeoutMs: 60_000 }, written),
    claudeVersion: async () => {
      const result = await execa("claude", ["--version"], { reject: false, timeout: 15_000, stdin: "ignore" });
      return result.failed && result.exitCode === undefined ? undefined : result.stdout;
    },
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    now: () => new Date(),
  };
}
