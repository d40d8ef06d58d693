// Cursor's beforeShellExecution hook: `node dist/setup/clients/cursor-hook.js [--config PATH]`.
// stdin: {"command": "...", "cwd": "...", ...}; stdout: {"permission": "allow"|"deny", ...}.
// A deny also exits 2 with the reason on stderr. Any error denies (fails closed).
import { realpathSync } from "node:fs";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import { decideHookInput, MAX_HOOK_INPUT_BYTES } from "../../guard/hook-command.js";
import { guardConfigPath, readGuardAllowList } from "../../guard/guard-config.js";
import { readStdinCapped } from "../../guard/guard-io.js";
import { formatDenial } from "../../guard/openclaw-policy.js";
import { sendMessageAdvice } from "../../mcp/client-tool-names.js";

export interface CursorAnswer {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: 0 | 2;
}

export async function answerCursorHook(raw: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, home = homedir()): Promise<CursorAnswer> {
  try {
    const input = JSON.parse(raw) as { command?: unknown; cwd?: unknown } | null;
    if (typeof input?.command !== "string") throw new Error("no command in the hook input");
    const verdict = await decideHookInput(JSON.stringify({ cwd: input.cwd, tool_name: "Shell", tool_input: { command: input.command } }), {
      allowList: readGuardAllowList(args, env),
      guardConfigFile: guardConfigPath(args, env),
      homeDir: home,
      env,
    });
    if (verdict.decision === "allow") return { stdout: `${JSON.stringify({ permission: "allow" })}\n`, stderr: "", exitCode: 0 };
    return deny(formatDenial(verdict.reasons, sendMessageAdvice("cursor")));
  } catch (error) {
    return failedClosed(error);
  }
}

function deny(reason: string): CursorAnswer {
  return { stdout: `${JSON.stringify({ permission: "deny", user_message: reason, agent_message: reason })}\n`, stderr: `${reason}\n`, exitCode: 2 };
}

function failedClosed(error: unknown): CursorAnswer {
  return deny(`openclaw-guard hook failed closed: ${error instanceof Error ? error.message : String(error)}`);
}

async function main(): Promise<void> {
  let answer: CursorAnswer;
  try {
    answer = await answerCursorHook(await readStdinCapped(MAX_HOOK_INPUT_BYTES), process.argv.slice(2));
  } catch (error) {
    answer = failedClosed(error);
  }
  process.stdout.write(answer.stdout);
  process.stderr.write(answer.stderr);
  process.exitCode = answer.exitCode;
}

const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) void main();
