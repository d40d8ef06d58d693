// The guard's decision served by a running server instead of a new process per command: the
// Claude Code hook forms `type: "http"` (POST /hook/claude-code on `serve --http`) and
// `type: "mcp_tool"` (the hidden check_command tool of the stdio server) answer with Claude Code's
// hook JSON output. The decision is decideHookInput(), the same as the command hook's.
//
// Allow: `{}` (Claude Code's own permission flow continues). Deny:
//   {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"..."}}
// Every failure (malformed input, unreadable config) is a deny: the answer never lets a command
// through by accident. A server that does not answer at all is blocked by Claude Code itself,
// through the handler's "onFailure": "block".
import { homedir } from "node:os";
import { sendMessageAdvice } from "../mcp/client-tool-names.js";
import { readGuardSettings } from "./guard-config.js";
import { decideHookInput } from "./hook-command.js";
import { formatDenial } from "./openclaw-policy.js";

export type ClaudeHookAnswer = Record<string, never> | { hookSpecificOutput: { hookEventName: "PreToolUse"; permissionDecision: "deny"; permissionDecisionReason: string } };

function deny(reason: string): ClaudeHookAnswer {
  return { hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: reason } };
}

export interface ServedHookOptions {
  /** The guard's config file (the address book, with guard.allowOpenclawCommands), read afresh per decision. */
  readonly configFile: string;
  /** The agent's home (protected places, `~`); the server's own when the request does not say. */
  readonly homeDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Claude Code's answer for one PreToolUse payload (JSON text). */
export async function answerClaudeHook(raw: string, options: ServedHookOptions): Promise<ClaudeHookAnswer> {
  try {
    const settings = readGuardSettings(["--config", options.configFile]);
    const verdict = await decideHookInput(raw, {
      allowList: settings.allowList,
      guardConfigFile: settings.configFile,
      auditFile: settings.auditFile,
      homeDir: options.homeDir ?? homedir(),
      env: options.env ?? process.env,
    });
    return verdict.decision === "allow" ? {} : deny(formatDenial(verdict.reasons, sendMessageAdvice("claude-code")));
  } catch (error) {
    return deny(`openclaw-guard could not check this (${error instanceof Error ? error.message : String(error)}), so it is refused. ${sendMessageAdvice("claude-code")}`);
  }
}
