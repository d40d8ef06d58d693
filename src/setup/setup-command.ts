// `openclaw-guard setup [--yes] [--contact alias=channel:target]... [--dry-run] [--config PATH]`
// One guided command for a first run: finds OpenClaw and the installed agents, writes the address
// book with the first contact, runs `init <client>` for every agent found and `init openclaw` for
// the gateway, pairs the guard's device (`init openclaw --pair`), and ends with `doctor`. Each step
// is the existing command (runInit, doctor's run), so setup plans nothing of its own but the book.
// Re-running changes nothing. On a terminal it asks (@clack/prompts, loaded only here); with
// --yes it asks nothing.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseCommandArgs } from "../cli-args.js";
import { loadConfig, resolveConfigPath } from "../contacts/config.js";
import { CHANNELS, type Channel } from "../contacts/targets.js";
import { openclawConfigPath } from "../gateway/openclaw-config.js";
import { nodeVersionProblem } from "../version.js";
import { changed } from "./init-files.js";
import { defaultDeps, runInit, type InitDeps } from "./init-command.js";
import { tildePath, type FilePlan } from "./init-plan.js";
import { aliasProblem, bookText, detect, parseContactFlag, SetupInputError, TARGET_HINTS, targetProblem, type ContactInput, type Detected } from "./setup-plan.js";

export const USAGE = `usage: openclaw-guard setup [--yes] [--contact alias=channel:target]... [--sandbox] [--dry-run] [--config PATH]
  Finds OpenClaw and the agents installed here (claude, codex, gemini), writes the address book with
  your first contact, registers the guard with every agent found and with the gateway, pairs the
  guard's device with the gateway, then runs doctor. Re-running changes nothing.
  --yes        ask nothing (for scripts); needs --contact when there is no address book yet
  --contact    a contact for a new address book, e.g. ops=telegram:-1001234567890 (repeatable)
  --sandbox    also turn on Claude Code's sandbox for its Bash tool (init claude-code --sandbox)
  --dry-run    show every file it would change, write nothing
channels: ${CHANNELS.join(", ")}
`;

export type SetupDeps = {
  init: InitDeps;
  exists: (file: string) => boolean;
  interactive: boolean;
  /** `openclaw-guard doctor`, its exit code. */
  doctor: (config: string) => Promise<number>;
  /** Waits (bounded) until the gateway reports the plugin loaded after `init openclaw`; its doctor line. */
  pluginLoaded: (config: string) => Promise<string>;
};

export async function run(args: string[]): Promise<number> {
  const tooOld = nodeVersionProblem(process.versions.node, process.execPath);
  if (tooOld !== undefined) {
    process.stderr.write(`openclaw-guard setup: ${tooOld}\nNothing was written.\n`);
    return 1;
  }
  return runSetup(args, {
    init: defaultDeps(),
    exists: existsSync,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    doctor: async (config) => (await import("./doctor-command.js")).run(["--config", config]),
    pluginLoaded: (config) => waitForPlugin(config, process.env),
  });
}

export async function runSetup(args: string[], deps: SetupDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs("setup", args, {
    yes: { type: "boolean", short: "y" },
    contact: { type: "string", multiple: true },
    "dry-run": { type: "boolean" },
    sandbox: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  const { out, err, env } = deps.init;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new SetupInputError(`openclaw-guard setup: unexpected ${JSON.stringify(positionals.join(" "))}\n${USAGE}`);
  const dryRun = values["dry-run"] === true;
  const ask = values.yes !== true;
  if (ask && !deps.interactive) throw new SetupInputError(`openclaw-guard setup: not a terminal, so nothing can be asked: pass --yes (and --contact alias=channel:target for a new address book)\n${USAGE}`);
  const given = (values.contact ?? []).map(parseContactFlag);
  const duplicate = given.find((c, i) => given.findIndex((d) => d.alias === c.alias) !== i);
  if (duplicate) throw new SetupInputError(`openclaw-guard setup: --contact ${duplicate.alias} is given twice`);

  const config = resolveConfigPath({ flag: values.config, env });
  const display = (file: string) => tildePath(file, env.HOME || "/");
  const found = detect(env, deps.exists, (bin) => onPath(bin, env, deps.exists), openclawConfigPath(env));
  out(`openclaw-guard setup${dryRun ? " (dry run: nothing is written)" : ""}\n${describe(found, display)}\n`);

  const prompts = ask ? await import("@clack/prompts") : undefined;
  let agents = found.agents;
  if (prompts && agents.length > 0) {
    const picked = await prompts.multiselect({ message: "Register the guard with", options: agents.map((a) => ({ value: a.client, label: a.client, hint: a.why })), initialValues: agents.map((a) => a.client), required: false });
    if (prompts.isCancel(picked)) return cancelled(err);
    agents = agents.filter((a) => picked.includes(a.client));
  }
  if (values.sandbox && !agents.some((a) => a.client === "claude-code")) out("--sandbox: Claude Code is not among the agents set up here, so there is no sandbox to turn on.\n");

  // The address book: an existing one is kept as it is (setup never rewrites your contacts).
  const book = await planBook(config, given, found, deps, prompts);
  if (typeof book === "number") return book;
  if (book.plan !== undefined && !dryRun) deps.init.applyPlans([book.plan], deps.init.now());
  out(`\n${display(config)} (${book.plan === undefined ? "unchanged" : dryRun ? "new file, would be written" : "new file"})\n${book.summary.map((l) => `  ${l}`).join("\n")}\n`);
  // In a dry run the book is not on disk yet: init plans against the one that would be written.
  const planned = book.plan;
  const init: InitDeps = planned === undefined ? deps.init : { ...deps.init, read: (file) => (file === config ? planned.after : deps.init.read(file)) };

  const common = ["--config", config, ...(dryRun ? ["--dry-run"] : [])];
  const steps: { title: string; args: string[] }[] = agents.map((a) => ({ title: a.client, args: [a.client, ...common, ...(a.client === "codex" && a.onPath ? ["--trust-hook"] : []), ...(a.client === "claude-code" && values.sandbox ? ["--sandbox"] : [])] }));
  if (found.openclawConfig !== undefined) {
    steps.push({ title: "openclaw (the gateway plugin)", args: ["openclaw", ...common] });
    if (!dryRun) steps.push({ title: "openclaw --pair (the guard's own device)", args: ["openclaw", "--pair", "--config", config] });
  }
  const failed: string[] = [];
  for (const step of steps) {
    out(`\n== init ${step.title}\n`);
    if ((await runInit(step.args, init)) !== 0) failed.push(`init ${step.args.filter((a) => a !== "--config" && a !== config).join(" ")}`);
  }
  if (dryRun) {
    out(`\n${found.openclawConfig !== undefined ? "Then: pair the guard's device with the gateway (init openclaw --pair) and run doctor. " : ""}Dry run: nothing was written.\n`);
    return failed.length === 0 ? 0 : 1;
  }
  if (failed.length > 0) {
    err(`\nopenclaw-guard setup: these steps failed (see above): ${failed.join("; ")}. Fix them and run setup again; what succeeded stays.\n`);
    return 1;
  }
  if (found.openclawConfig !== undefined) out(`\n== the gateway reloads openclaw.json\n${await deps.pluginLoaded(config)}\n`);
  out("\n== doctor\n");
  const code = await deps.doctor(config);
  out(`\nNext: restart ${agents.length > 0 ? agents.map((a) => a.client).join(", ") : "your agent"} so it loads the server and the hook, then ask it to send a message to ${book.aliases.map((a) => JSON.stringify(a)).join(" or ") || "an alias"}.\n`);
  return code;
}

function describe(found: Detected, display: (file: string) => string): string {
  const lines = [found.openclawConfig !== undefined ? `  OpenClaw: ${display(found.openclawConfig)}` : "  OpenClaw: no config found (messages are recorded, not delivered, until OpenClaw is set up: docs/transports.md)"];
  lines.push(found.agents.length > 0 ? `  agents: ${found.agents.map((a) => `${a.client} (${a.why})`).join(", ")}` : "  agents: none found (claude, codex, gemini on PATH or their config folders); register one later with `openclaw-guard init <client>`");
  return lines.join("\n");
}

function cancelled(err: (text: string) => void): number {
  err("openclaw-guard setup: cancelled. What was already written stays; nothing else was.\n");
  return 1;
}

type Prompts = typeof import("@clack/prompts");
type BookPlan = { plan?: FilePlan; summary: string[]; aliases: string[] };

async function planBook(config: string, given: ContactInput[], found: Detected, deps: SetupDeps, prompts: Prompts | undefined): Promise<BookPlan | number> {
  const { err, env } = deps.init;
  if (deps.init.read(config) !== undefined) {
    let contacts;
    try {
      contacts = loadConfig(config, env).contacts;
    } catch (error) {
      err(`openclaw-guard setup: the address book ${config} does not load:\n${error instanceof Error ? error.message : String(error)}\nFix it (or move it away for a fresh one), then run setup again. Nothing was written.\n`);
      return 1;
    }
    for (const c of given) {
      const have = contacts.get(c.alias);
      if (have === undefined || have.channel !== c.channel || have.target !== c.target) {
        err(`openclaw-guard setup: the address book ${config} already exists and ${have === undefined ? `has no contact ${c.alias}` : `holds ${c.alias} with another channel or target`}; setup never rewrites your contacts. Edit the book (docs/config.md), then run setup again. Nothing was written.\n`);
        return 1;
      }
    }
    return { summary: [`= ${contacts.size} contact(s) kept: ${[...contacts.keys()].join(", ")}`], aliases: [...contacts.keys()] };
  }
  let contacts = given;
  if (contacts.length === 0) {
    if (!prompts) {
      err(`openclaw-guard setup: there is no address book yet (${config}): give the first contact with --contact alias=channel:target, e.g. --contact ops=telegram:-1001234567890. Nothing was written.\n`);
      return 1;
    }
    const first = await askContact(prompts);
    if (first === undefined) return cancelled(err);
    contacts = [first];
  }
  const after = bookText(contacts, found.openclawConfig !== undefined ? "gateway" : "dry-run");
  const summary = [`+ address book, mode 600, transport ${found.openclawConfig !== undefined ? "gateway" : "dry-run"}`, ...contacts.map((c) => `+ contact ${c.alias} (${c.channel})`)];
  // The book holds the human's contacts: `init --remove` never takes it away.
  const plan: FilePlan = { path: config, before: undefined, after, summary, newFileMode: 0o600, removal: { after, deleteFile: false, summary: [] } };
  return changed(plan) ? { plan, summary, aliases: contacts.map((c) => c.alias) } : { summary, aliases: [] };
}

async function askContact(prompts: Prompts): Promise<ContactInput | undefined> {
  prompts.note("The agent will only ever reach the contacts in your address book, by alias. Add the first one now; more later in the book (docs/config.md).", "First contact");
  const alias = await prompts.text({ message: "Alias (what the agent will call them)", placeholder: "ops", validate: (v) => aliasProblem(v ?? "") });
  if (prompts.isCancel(alias)) return undefined;
  const channel = await prompts.select({ message: "Channel", options: CHANNELS.map((c) => ({ value: c, label: c, hint: TARGET_HINTS[c] })) });
  if (prompts.isCancel(channel)) return undefined;
  const target = await prompts.text({ message: `Target on ${channel}`, placeholder: TARGET_HINTS[channel as Channel], validate: (v) => targetProblem(channel as Channel, v ?? "") });
  if (prompts.isCancel(target)) return undefined;
  return parseContactFlag(`${alias}=${channel}:${target}`);
}

function onPath(bin: string, env: NodeJS.ProcessEnv, exists: (file: string) => boolean): string | undefined {
  return (env.PATH ?? "").split(":").filter(Boolean).map((dir) => join(dir, bin)).find(exists);
}

/** The gateway hot-reloads openclaw.json: poll doctor's plugin line (no shells) for up to 90 s, so the final doctor sees the result, not the reload. */
async function waitForPlugin(config: string, env: NodeJS.ProcessEnv): Promise<string> {
  const [{ runDoctor }, { realDoctorIO }] = await Promise.all([import("./doctor.js"), import("./doctor-io.js")]);
  const io = { ...realDoctorIO(env), shells: [] };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const line = (await runDoctor(io, { configFlag: config, gatewayTimeoutMs: 20_000 })).checks.find((c) => c.id === "gateway.plugin-active");
    if (line === undefined || line.status === "ok" || Date.now() > deadline) return line === undefined ? "the gateway was not checked" : `${line.status === "ok" ? "ok" : "not yet"}: ${line.summary}`;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  }
}
