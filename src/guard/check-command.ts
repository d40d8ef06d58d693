// `openclaw-guard check-command [--config PATH] [--json] [--] [COMMAND]`
// Decides whether a shell command may run. COMMAND is read from stdin when omitted.
// Exit 0: allow. Exit 2: deny, with the reason on stderr (also on any error: fail closed).
// --json prints { "decision": "allow"|"deny", "reasons": [...] } on stdout as well.
import { homedir } from "node:os";
import { analyseCommand, initCommandAnalyser, MAX_COMMAND_LENGTH, plainCommandVerdict, type Verdict } from "./analyse.js";
import { readGuardSettings, withoutConfigOption } from "./guard-config.js";
import { isGuardEntry } from "./guard-entry.js";
import { readScriptFile, readStdinCapped } from "./guard-io.js";
import { formatDenial } from "./openclaw-policy.js";
import { protectedAreaOf } from "./protected-paths.js";

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
    const plain = plainCommandVerdict(command, context);
    if (plain === undefined) await initCommandAnalyser();
    verdict =
      plain ??
      analyseCommand(command, {
        allowList: settings.allowList,
        cwd: process.cwd(),
        homeDir: context.homeDir,
        readFile: readScriptFile,
        protectedArea: (target, below) => protectedAreaOf(target, context, below),
        isGuardEntry,
      });
  } catch (error) {
    verdict = { decision: "deny", reasons: [`The guard could not check the command (${(error as Error).message}).`] };
  }
  if (json) process.stdout.write(`${JSON.stringify(verdict)}\n`);
  if (verdict.decision === "allow") return 0;
  process.stderr.write(`${formatDenial(verdict.reasons)}\n`);
  return 2;
}
