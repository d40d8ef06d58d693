// `openclaw-guard init <client> [--scope user|project] [--dry-run] [--config PATH]`
// `openclaw-guard init --print <client> [--scope ...]`
// Registers the MCP server and installs the shell guard into one agent client's config files:
// every file is planned first (a malformed one refuses everything, naming file and line), then
// each changed file is backed up and replaced atomically, the guard's files before the server
// registration. Re-running changes nothing.
import { existsSync, readFileSync, statSync } from "node:fs";
import path, { dirname, join } from "node:path";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { resolveConfigPath } from "../contacts/config-path.js";
import { configPermissionProblem, type ReadSystemFile } from "../contacts/config-permissions.js";
import { nodeVersionProblem } from "../version.js";
import { sandboxUnavailable } from "./clients/claude-sandbox.js";
import { claudeVersionWarning, runsServedHooks } from "./clients/claude-code.js";
import { MIN_SERVED_HOOK_VERSION } from "./clients/claude-hooks.js";
import { codexHooksFile } from "./clients/codex.js";
import { trustOurCodexHooks, type CodexHook, type WrittenHook } from "./codex-app-server.js";
import { clientNamed, CLIENTS } from "./clients/index.js";
import { ApplyError, applyPlans, backUpBeforeWriter, changed, readText, writePrivateFile, type Applied } from "./init-files.js";
import { forgetFiles, formatInitState, initStatePath, parseInitState, recordPreexisting, type InitState } from "./init-state.js";
import { isLoopbackHost } from "../gateway/loopback.js";
import { resolveAgentUser, separateRecipe } from "./separate-recipe.js";
import type { SeparateOptions } from "./separate-apply.js";
import type { PairingResult } from "../gateway/device-pairing.js";
import { CLAUDE_HOOK_FORMS, hookCommand, InitError, type ClaudeHookForm, json5Only, removalChange, shellJoin, shellQuote, tildePath, type ClientPlan, type ConfigWriter, type ClientSetup, type FileChange, type FilePlan, type InitContext, type ReadText, type Remote, type Scope } from "./init-plan.js";
import { unsupportedPlatform } from "./platform.js";

const USAGE = `usage: openclaw-guard init <client> [--scope user|project] [--dry-run] [--config PATH]
       openclaw-guard init claude-code --sandbox [...]   (also Claude Code's sandbox for Bash: no reading the gateway's state, the book or the tokens, no reaching the gateway's port)
       openclaw-guard init <client> --remote URL [--dry-run]   (claude-code, codex, gemini; the token from $OPENCLAW_GUARD_TOKEN)
       openclaw-guard init claude-code [--remote URL] --hook command|http|mcp-tool   (how the hook asks the guard; default: http with --remote on Claude Code >= 2.1.330, else command)
       openclaw-guard init codex --trust-hook [...]   (also record Codex's trust in the guard hook)
       openclaw-guard init --remove <client> [--scope user|project] [--dry-run] [--config PATH]
       openclaw-guard init openclaw --separate [--agent-user NAME] [--service-user NAME]   (prints the recipe that puts the gateway and the guard under their own OS user; homes from /etc/passwd)
       openclaw-guard init openclaw --separate --dry-run|--apply|--undo [--agent-user NAME] [--service-user NAME] [--code-dir DIR] [--port N] [--aliases a,b] [--openclaw PATH]
                                                        (as root: does it, recording each step; --undo reverses what was recorded)
       openclaw-guard init --print <client> [--scope user|project] [--config PATH] [--remote URL]
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
  /** Trusts the guard hook in Codex (codex-app-server.ts) for this project directory; throws on failure. */
  readonly trustCodexHooks: (cwd: string, written: WrittenHook) => Promise<{ trusted: CodexHook[]; already: CodexHook[] }>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now: () => Date;
  /** The text of examples/config.json5, the start of a missing address book. */
  readonly exampleConfig: () => string;
  readonly readSystemFile: ReadSystemFile;
  /** The openclaw CLI on PATH (for a JSON5 openclaw.json, changed through `openclaw config set`), undefined when not found. */
  readonly findOpenclaw: (env: NodeJS.ProcessEnv) => string | undefined;
  /** Runs the openclaw CLI with these arguments (an argv array, never a shell string). */
  readonly runOpenclaw: (bin: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<{ exitCode: number | undefined; output: string }>;
  /** Writes init's own state file (init-state.json, 0600). */
  readonly writeState: (file: string, text: string) => void;
  /** Where a program is on PATH (`init claude-code --sandbox` needs bwrap and socat on Linux), undefined when not found. */
  readonly findProgram: (name: string, env: NodeJS.ProcessEnv) => string | undefined;
  /** `init openclaw --separate --dry-run|--apply|--undo` (separate-apply.ts); tests replace it. */
  readonly runSeparate?: (options: SeparateOptions) => Promise<number>;
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
    remove: { type: "boolean" },
    remote: { type: "string" },
    separate: { type: "boolean" },
    "agent-user": { type: "string" },
    "service-user": { type: "string" },
    apply: { type: "boolean" },
    undo: { type: "boolean" },
    "code-dir": { type: "string" },
    port: { type: "string" },
    aliases: { type: "string" },
    openclaw: { type: "string" },
    pair: { type: "boolean" },
    "trust-hook": { type: "boolean" },
    sandbox: { type: "boolean" },
    hook: { type: "string" },
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
  const separateFlags = (["apply", "undo", "code-dir", "port", "aliases", "openclaw"] as const).filter((k) => values[k] !== undefined);
  if (separateFlags.length > 0 && !(name === "openclaw" && values.separate)) throw new UsageError(`openclaw-guard init: ${separateFlags.map((k) => `--${k}`).join(", ")} go with init openclaw --separate only\n${USAGE}`);
  if (name === "openclaw" && values.separate && extra.length === 0 && (values.apply || values.undo || values["dry-run"])) {
    if ([values.apply, values.undo, values["dry-run"]].filter(Boolean).length > 1) throw new UsageError(`openclaw-guard init openclaw --separate: one of --dry-run, --apply, --undo\n${USAGE}`);
    const serviceUser = values["service-user"];
    if (serviceUser !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(serviceUser)) throw new UsageError(`openclaw-guard init: --service-user must be a plain user name ([a-z_][a-z0-9_-]*)\n${USAGE}`);
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError(`openclaw-guard init: --port must be a TCP port\n${USAGE}`);
    if (values["code-dir"] !== undefined && !values["code-dir"].startsWith("/")) throw new UsageError(`openclaw-guard init: --code-dir must be an absolute path\n${USAGE}`);
    const { runSeparate } = await import("./separate-apply.js");
    return (deps.runSeparate ?? runSeparate)({
      mode: values.apply ? "apply" : values.undo ? "undo" : "dry-run",
      ...(values["agent-user"] !== undefined ? { agentUser: values["agent-user"] } : {}),
      ...(serviceUser !== undefined ? { serviceUser } : {}),
      ...(values["code-dir"] !== undefined ? { codeDir: values["code-dir"].replace(/\/+$/, "") } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.aliases !== undefined ? { aliases: values.aliases } : {}),
      ...(values.openclaw !== undefined ? { openclaw: values.openclaw } : {}),
      env: deps.env,
      cli: deps.cli,
      node: deps.node,
      out: deps.out,
      err: deps.err,
    });
  }
  if (name === "openclaw" && values.separate && extra.length === 0) {
    let agent;
    try {
      agent = resolveAgentUser(values["agent-user"], deps.env, deps.readSystemFile("/etc/passwd"));
    } catch (e) {
      deps.err(`openclaw-guard init openclaw --separate: ${(e as Error).message}\n`);
      return 1;
    }
    const serviceUser = values["service-user"];
    if (serviceUser !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(serviceUser)) throw new UsageError(`openclaw-guard init: --service-user must be a plain user name ([a-z_][a-z0-9_-]*)\n${USAGE}`);
    deps.out(separateRecipe({ agentUser: agent.name, agentHome: agent.home, packageDir: dirname(dirname(deps.cli)), node: deps.node, openclawEntry: findOnPath("openclaw", deps.env) ?? "<path to openclaw>", ...(serviceUser ? { user: serviceUser, home: `/var/lib/${serviceUser}` } : {}) }));
    return 0;
  }
  const client = name === undefined ? undefined : clientNamed(name);
  if (client === undefined || extra.length > 0) throw new UsageError(`openclaw-guard init: ${name === undefined ? "which client? (or `openclaw-guard setup`: every agent found here, the book and the gateway in one go)" : `unknown client "${[name, ...extra].join(" ")}"`}\n${USAGE}`);
  // An option that would be silently dropped (`init claude-code --separate` used to run a full init) is refused instead.
  if (values.separate) throw new UsageError(`openclaw-guard init: --separate is for the openclaw target only, alone\n${USAGE}`);
  if (values["agent-user"] !== undefined || values["service-user"] !== undefined) throw new UsageError(`openclaw-guard init: --agent-user and --service-user go with init openclaw --separate only\n${USAGE}`);
  if (values.remove && (values.pair || values["trust-hook"] || values.print)) throw new UsageError(`openclaw-guard init: --remove does not go with --pair, --trust-hook or --print\n${USAGE}`);
  const scope = values.scope ?? "user";
  if (scope !== "user" && scope !== "project") throw new UsageError(`openclaw-guard init: --scope must be user or project\n${USAGE}`);
  const remote = values.remote === undefined ? undefined : remoteFrom(client.name, scope, values.remote, deps.env, values.print === true);
  const hookForm = values.hook;
  if (hookForm !== undefined && client.name !== "claude-code") throw new UsageError(`openclaw-guard init: --hook is for claude-code only (the other clients run a command hook)\n${USAGE}`);
  if (hookForm !== undefined && !(CLAUDE_HOOK_FORMS as readonly string[]).includes(hookForm)) throw new UsageError(`openclaw-guard init: --hook must be ${CLAUDE_HOOK_FORMS.join(", ")}\n${USAGE}`);
  // Which hook forms the installed Claude Code runs decides the default; --print and --remove do not ask it.
  const claudeOutput = client.name === "claude-code" && !values.print && !values.remove ? await deps.claudeVersion() : undefined;
  const served = runsServedHooks(claudeOutput);
  if (hookForm !== undefined && hookForm !== "command" && served === false) {
    deps.err(`openclaw-guard init claude-code: --hook ${hookForm} needs Claude Code >= ${MIN_SERVED_HOOK_VERSION}; \`claude --version\` says ${JSON.stringify((claudeOutput ?? "").trim().slice(0, 80))}. An older one may skip the handler, and the guard with it. Update Claude Code, or use --hook command.\nNothing was written.\n`);
    return 1;
  }
  const claudeHook = (hookForm as ClaudeHookForm | undefined) ?? (remote && served === true ? "http" : "command");
  const trustHook = values["trust-hook"] === true;
  if (values.sandbox && (client.name !== "claude-code" || values.remove || values.print)) throw new UsageError(`openclaw-guard init: --sandbox is for claude-code only, not with --remove (which takes the sandbox out wherever init put it) or --print\n${USAGE}`);
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
    ...(remote ? { remote } : {}),
    // --remove takes the layer out wherever it is, with or without --sandbox.
    ...(values.sandbox || values.remove ? { sandbox: true } : {}),
    ...(client.name === "claude-code" ? { claudeHook } : {}),
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
  const statePath = initStatePath(context.config);
  const state = parseInitState(deps.read(statePath));
  const replan = () => client.plan(context, deps.read);
  if (values.remove) return remove(client, plan, dryRun, scope, deps, display, { state, statePath, replan });
  const noSandbox = values.sandbox ? sandboxUnavailable(deps.platform, (program) => deps.findProgram(program, deps.env) !== undefined) : undefined;
  if (noSandbox !== undefined && !dryRun) {
    deps.err(`openclaw-guard init claude-code --sandbox: ${noSandbox}; the sandbox is set to failIfUnavailable, so Claude Code would refuse to start without it. Install it, then re-run.\nNothing was written.\n`);
    return 1;
  }
  const writer = writerPlans(plan.files.filter(changed), client, dryRun, deps, display);
  if (writer === undefined) return 1;
  deps.out(`openclaw-guard init ${client.name} (scope: ${scope}${dryRun ? ", dry run: nothing is written" : ""})\n${writer.notice}`);
  const warnings: string[] = [];
  if (remote) {
    // The token lands in these files: readable by others, it is theirs too.
    for (const file of plan.files.filter((f) => f.after.includes(remote.token))) {
      const mode = existingMode(file.path);
      if (mode !== undefined && (mode & 0o077) !== 0) warnings.push(`${display(file.path)} is readable by other users (mode ${(mode & 0o777).toString(8)}) and now holds the agent token: chmod 600 ${JSON.stringify(file.path)}`);
    }
  }
  // With --remote the book lives beside the guard's service, not here.
  const addressBook = remote ? undefined : addressBookPlan(context.config, deps);
  const files = addressBook === undefined ? plan.files : [addressBook, ...plan.files];
  const permissions = addressBook === undefined && !remote ? configPermissionProblem(context.config, deps.readSystemFile) : undefined;
  if (permissions !== undefined) warnings.push(`the server refuses to start with this config: ${permissions}`);
  if (client.name === "claude-code") {
    const warning = claudeVersionWarning(claudeOutput);
    if (warning) warnings.push(warning);
  }
  if (noSandbox !== undefined) warnings.push(`${noSandbox}: without it, init refuses --sandbox.`);
  const backups = apply(client, dryRun ? [] : files.filter((f) => f.writer === undefined), deps, display);
  if (backups === undefined) return 1;
  let code = 0;
  for (const file of files) {
    let backup = backups.get(file);
    if (file.writer !== undefined && changed(file)) {
      const done = await runWriter(file, file.writer.apply, writer, dryRun, deps, display);
      if (done === undefined) return 1;
      backup = done.backup;
    }
    const fileState = !changed(file) ? "unchanged" : file.before === undefined ? "new file" : dryRun ? "would change" : file.writer ? "changed by openclaw config set" : "changed";
    deps.out(`\n${display(file.path)} (${fileState}${backup ? `, backup: ${display(backup)}` : ""})\n${file.summary.map((line) => `  ${line}`).join("\n")}\n`);
  }
  if (!dryRun) {
    const recorded = recordPreexisting(state, plan.files);
    if (recorded !== state) deps.writeState(statePath, formatInitState(recorded));
    if (writer.bin !== undefined && replan().files.some(changed)) {
      deps.err(`openclaw-guard init ${client.name}: after \`openclaw config set\`, the file still differs from what init writes (a re-run would change it again); check it with \`openclaw-guard init ${client.name} --dry-run\`.\n`);
      code = 1;
    }
  }
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

function existingMode(file: string): number | undefined {
  try {
    return statSync(file).mode;
  } catch {
    return undefined;
  }
}

/**
 * `init --remove`: the same plan, reversed. Each file loses exactly the entries init writes (as
 * this install writes them; stale copies from a moved install are normalised first), backed up
 * like any init write; a file left holding nothing else is deleted. The server registration goes
 * first, so a failed removal never leaves the server registered without its guard.
 */
async function remove(
  client: ClientSetup,
  plan: ClientPlan,
  dryRun: boolean,
  scope: string,
  deps: InitDeps,
  display: (file: string) => string,
  saved: { state: InitState; statePath: string; replan: () => ClientPlan },
): Promise<number> {
  // Items that were in a file before init first wrote there stay (recorded at install, init-state.json).
  const changes = [...plan.files].reverse().map((file) => removalChange(file, new Set(saved.state[file.path] ?? [])));
  const writer = writerPlans(changes.filter((c) => c.writer !== undefined && changed(c)).map((c) => ({ ...c, writer: { lost: json5Only(c.before) ?? "its JSON5 syntax", apply: c.writer! } })), client, dryRun, deps, display);
  if (writer === undefined) return 1;
  deps.out(`openclaw-guard init --remove ${client.name} (scope: ${scope}${dryRun ? ", dry run: nothing is written" : ""})\n${writer.notice}`);
  const backups = apply(client, dryRun ? [] : changes.filter((c) => c.writer === undefined), deps, display);
  if (backups === undefined) return 1;
  for (const change of changes) {
    let backup = backups.get(change);
    if (change.writer !== undefined && changed(change)) {
      const done = await runWriter(change, change.writer, writer, dryRun, deps, display);
      if (done === undefined) return 1;
      backup = done.backup;
    }
    const { summary } = change;
    const state = !changed(change) ? (change.before === undefined ? "absent" : summary.length > 0 ? "kept" : "unchanged: nothing of ours in it") : change.deleteFile ? (dryRun ? "would be deleted" : "deleted") : dryRun ? "would change" : change.writer ? "changed by openclaw config" : "changed";
    deps.out(`\n${display(change.path)} (${state}${backup ? `, backup: ${display(backup)}` : ""})\n${summary.map((line) => `  ${line}`).join("\n")}${summary.length > 0 ? "\n" : ""}`);
  }
  if (!dryRun) {
    const forgotten = forgetFiles(saved.state, changes.map((c) => c.path));
    if (Object.keys(forgotten).length !== Object.keys(saved.state).length) deps.writeState(saved.statePath, formatInitState(forgotten));
  }
  deps.out(`\nRestart ${client.title} to unload the server and the hook. The PATH shims stay where they are until \`openclaw-guard shim uninstall --dir DIR\`.\n`);
  return 0;
}

/**
 * Files init changes through OpenClaw's own writer (a JSON5 openclaw.json): says plainly what the
 * rewrite loses, and finds the openclaw CLI first. Undefined (reported): it is not there, nothing is written.
 */
function writerPlans(files: readonly (FileChange & { readonly writer?: ConfigWriter })[], client: ClientSetup, dryRun: boolean, deps: InitDeps, display: (file: string) => string): { bin: string | undefined; notice: string } | undefined {
  const viaWriter = files.filter((f) => f.writer !== undefined);
  if (viaWriter.length === 0) return { bin: undefined, notice: "" };
  const bin = deps.findOpenclaw(deps.env);
  let notice = "";
  for (const file of viaWriter) {
    const why = `${display(file.path)} is JSON5 (${file.writer!.lost}), which a JSON rewrite would lose`;
    if (bin === undefined && !dryRun) {
      deps.err(`openclaw-guard init ${client.name}: ${why}, so init changes it only through OpenClaw's own config writer (\`openclaw config set\`), and no \`openclaw\` CLI is on PATH. Put it on PATH (or make the file plain JSON, or add the snippet from \`openclaw-guard init --print openclaw\` by hand), then re-run.\nNothing was written.\n`);
      return undefined;
    }
    notice += (
      `\n${why}: init changes it through OpenClaw's own config writer, \`openclaw config\`, which rewrites the whole file as plain JSON. ` +
        `Its ${file.writer!.lost} and its layout are lost (every value stays; OpenClaw also adds a "meta" block). ` +
        `${dryRun ? "Without --dry-run, init first copies it to" : "Backup first:"} ${display(file.path)}.bak-<time>; OpenClaw keeps its own ${path.basename(file.path)}.bak too.` +
        `${bin === undefined ? " (No `openclaw` CLI is on PATH: without it, init refuses.)" : ""}\n`
    );
  }
  return { bin, notice };
}

/** Backs the file up, then runs each `openclaw config` command; the backup's path, or undefined (reported) on failure. */
async function runWriter(file: FileChange, commands: readonly (readonly string[])[], writer: { readonly bin: string | undefined }, dryRun: boolean, deps: InitDeps, display: (file: string) => string): Promise<{ backup: string | undefined } | undefined> {
  if (dryRun || writer.bin === undefined) {
    deps.out(`\n${display(file.path)}: the commands init runs (OPENCLAW_CONFIG_PATH=${shellQuote(file.path)}):\n${commands.map((c) => `  openclaw ${shellJoin(c)}`).join("\n")}\n`);
    return { backup: undefined };
  }
  let backup: string;
  try {
    backup = backUpBeforeWriter(file, deps.now());
  } catch (error) {
    deps.err(`openclaw-guard init: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
  const env = { ...deps.env, OPENCLAW_CONFIG_PATH: file.path };
  for (const [i, args] of commands.entries()) {
    const result = await deps.runOpenclaw(writer.bin, args, env);
    if (result.exitCode !== 0) {
      deps.err(
        `openclaw-guard init: \`openclaw ${args.slice(0, 2).join(" ")}\` failed on ${display(file.path)} (${result.exitCode === undefined ? "did not run" : `exit ${result.exitCode}`}): ${result.output.trim().split("\n").slice(-5).join(" | ")}\n` +
          `${i === 0 ? "It was not changed" : `It may be partly changed (${i} of ${commands.length} commands ran)`}; the backup is ${display(backup)}.\n`,
      );
      return undefined;
    }
  }
  return { backup };
}

/** A missing address book starts as the example, 0600 in a directory created 0700, so `serve` accepts it under any umask. */
function addressBookPlan(config: string, deps: Pick<InitDeps, "read" | "exampleConfig">): FilePlan | undefined {
  if (deps.read(config) !== undefined) return undefined;
  const summary = ["+ address book from examples/config.json5 (transport dry-run: it delivers nothing until you edit its contacts and transport)"];
  const after = deps.exampleConfig();
  // The book holds the human's contacts: `init --remove` never takes it away.
  return { path: config, before: undefined, after, summary, newFileMode: 0o600, removal: { after, deleteFile: false, summary: [] } };
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  return (env.PATH ?? "").split(":").filter(Boolean).map((dir) => join(dir, name)).find((file) => existsSync(file));
}

const REMOTE_CLIENTS = ["claude-code", "codex", "gemini"];
const TOKEN_SHAPE = /^ocg_[A-Za-z0-9_-]{43}$/;

/** The guard's URL and this agent's token (from the environment, so it is in no shell history or process list). */
function remoteFrom(client: string, scope: string, url: string, env: NodeJS.ProcessEnv, print: boolean): Remote {
  const fail = (why: string): never => {
    throw new UsageError(`openclaw-guard init ${client} --remote: ${why}\n${USAGE}`);
  };
  if (!REMOTE_CLIENTS.includes(client)) fail(`supported for ${REMOTE_CLIENTS.join(", ")} (checked against those programs); not for ${client}`);
  if (scope !== "user") fail("the token would be written into the repository; use --scope user");
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    fail(`${JSON.stringify(url)} is not a URL`);
  }
  if (parsed!.protocol !== "https:" && !(parsed!.protocol === "http:" && isLoopbackHost(parsed!.hostname))) fail("use https:// (plain http:// only to 127.0.0.1, ::1 or localhost): the token must not cross a network in clear text");
  if (parsed!.username || parsed!.password) fail("put no credentials in the URL; the token goes in a header");
  // Printed snippets go to terminals and logs: never the token itself.
  if (print) return { url: parsed!.href, token: "<token from openclaw-guard token add>" };
  const token = env.OPENCLAW_GUARD_TOKEN?.trim() ?? "";
  if (!TOKEN_SHAPE.test(token)) fail("set OPENCLAW_GUARD_TOKEN to the token `openclaw-guard token add <agent>` printed (ocg_ and 43 characters)");
  return { url: parsed!.href, token };
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

export function defaultDeps(): InitDeps {
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
    exampleConfig: () => readFileSync(new URL("../../examples/config.json5", import.meta.url), "utf8"),
    readSystemFile: (file) => readFileSync(file, "utf8"),
    findOpenclaw: (env) => findOnPath("openclaw", env),
    runOpenclaw: async (bin, args, env) => {
      // OpenClaw loads its plugins to validate the result: minutes on a slow machine.
      const result = await execa(bin, args, { env, extendEnv: false, reject: false, timeout: 300_000, stdin: "ignore", all: true });
      return { exitCode: result.exitCode, output: result.all ?? "" };
    },
    writeState: writePrivateFile,
    findProgram: findOnPath,
  };
}
