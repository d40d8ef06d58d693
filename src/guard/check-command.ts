// `openclaw-guard check-command [--config PATH] [--json] [--] [COMMAND]`
// Decides whether a shell command may run. COMMAND is read from stdin when omitted.
// Exit 0: allow. Exit 2: deny, with the reason on stderr (also on any error: fail closed).
// --json prints { "decision": "allow"|"deny", "reasons": [...] } on stdout as well.
import { homedir } from "node:os";
import { MAX_COMMAND_LENGTH, plainCommandVerdict, type Verdict } from "./plain-command.js";
import { readGuardSettings, withoutConfigOption } from "./guard-config.js";
import { analyserOptions, readStdinCapped } from "./guard-io.js";
import { formatDenial, type AllowList } from "./openclaw-policy.js";
import type { ProtectedContext } from "./protected-paths.js";

/** The parsing analyser, loaded only when the fast path cannot answer. */
async function analyseFully(command: string, allowList: AllowList, context: ProtectedContext): Promise<Verdict> {
  const { analyseCommand, initCommandAnalyser } = await import("./analyse.js");
  await initCommandAnalyser();
  return analyseCommand(command, analyserOptions(allowList, process.cwd(), context));
}

const USAGE = "usage: openclaw-guard check-command [--config PATH] [--json] [--] [COMMAND]\n";

export async function run(args: string[]): Promise<number> {
  let verdict: Verdict;
  let json = false;
  try {
    const rest = withoutConfigOption(args);
    // Options come first; the first other word (or everything after `--`) starts the command.
    let start = 0;
    for (; start < rest.length && rest[start]?.startsWith("-"); start++) {
      const option = rest[start];
      if (option === "--") {
        start++;
        break;
      }
      if (option === "--help" || option === "-h") {
        process.stderr.write(USAGE);
        return 0;
      }
      if (option !== "--json") {
        process.stderr.write(`openclaw-guard check-command: unknown option ${option}\n${USAGE}`);
        return 2;
      }
      json = true;
    }
    const words = rest.slice(start);
    const settings = readGuardSettings(args);
    const command = words.length > 0 ? words.join(" ") : await readStdinCapped(MAX_COMMAND_LENGTH * 4);
    const context = { guardConfigFile: settings.configFile, auditFile: settings.auditFile, homeDir: homedir(), env: process.env };
    verdict = plainCommandVerdict(command, context, process.cwd()) ?? (await analyseFully(command, settings.allowList, context));
  } catch (error) {
    verdict = { decision: "deny", reasons: [`The guard could not check the command (${(error as Error).message}).`] };
  }
  if (json) process.stdout.write(`${JSON.stringify(verdict)}\n`);
  if (verdict.decision === "allow") return 0;
  process.stderr.write(`${formatDenial(verdict.reasons)}\n`);
  return 2;
}
