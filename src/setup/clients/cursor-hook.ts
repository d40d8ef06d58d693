// Cursor's beforeShellExecution hook, run as `openclaw-guard hook cursor [--config PATH]`.
// stdin: {"command": "...", "cwd": "...", ...}; stdout: {"permission": "allow"|"deny", ...}.
// A deny also exits 2 with the reason on stderr. Any error denies (fails closed).
import { homedir } from "node:os";
import { decideHookInput } from "../../guard/hook-command.js";
import { readGuardSettings } from "../../guard/guard-config.js";
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
    const settings = readGuardSettings(args, env);
    const verdict = await decideHookInput(JSON.stringify({ cwd: input.cwd, tool_name: "Shell", tool_input: { command: input.command } }), {
      allowList: settings.allowList,
      guardConfigFile: settings.configFile,
      auditFile: settings.auditFile,
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
