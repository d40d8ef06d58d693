// `openclaw-guard hook claude-code|codex|gemini|cursor`: a Claude Code PreToolUse hook, also registered
// as Codex's PreToolUse and Gemini CLI's BeforeTool hook (same payload); the client named decides how
// the deny message spells the send_message tool for that client's model. Cursor's beforeShellExecution
// payload and answer differ: `hook cursor` hands the input to its adapter (setup/clients/cursor-hook.ts).
//
// Register it in user or managed settings (not a repository's .claude/settings.json):
//   {"hooks":{"PreToolUse":[{"matcher":"Bash|Write|Edit|MultiEdit|NotebookEdit","hooks":[{"type":"command",
//     "command":"node /abs/path/dist/cli.js hook claude-code","timeout":10,"onFailure":"block"}]}]}}
//
// stdin: the hook JSON, at most 1 MiB:
//   {session_id, transcript_path, cwd, hook_event_name:"PreToolUse", tool_name, tool_input, ...}
//   - any tool_input with a `command` (or `cmd`, `script`, `argv`, ...; see COMMAND_KEYS), a string or
//     an argv array (Bash, PowerShell, other agents' shells; VS Code ignores matchers, so the key
//     decides, not the tool name), is analysed as a shell command;
//   - Write/Edit/MultiEdit/NotebookEdit: content that would send when run is refused, and so is
//     any write to ~/.openclaw/, the guard's config file or Claude Code settings files.
// exit 0, no output: allow (Claude Code's own permission flow continues).
// exit 2, reason on stderr: deny; Claude Code shows the reason to the model.
// Nothing else, ever: Claude Code runs the tool on any other exit code unless the handler
// has "onFailure":"block", so every error, oversized input or parse failure exits 2.
import { homedir } from "node:os";
import path from "node:path";
import { AGENT_CLIENTS, isAgentClient, sendMessageAdvice } from "../mcp/client-tool-names.js";
import type { Verdict } from "./analyse.js";
import { readGuardSettings, withoutConfigOption } from "./guard-config.js";
import { analyserOptions, readStdinCapped } from "./guard-io.js";
import { formatDenial, type AllowList } from "./openclaw-policy.js";
import { disablesHooks, isContentCheckedSettings, protectedAreaOf } from "./protected-paths.js";

export const MAX_HOOK_INPUT_BYTES = 1024 * 1024;

const ALLOW = 0;
const DENY = 2;

export async function run(args: string[]): Promise<number> {
  try {
    const [client, ...extra] = withoutConfigOption(args);
    if (!isAgentClient(client) || extra.length > 0) {
      process.stderr.write(`usage: openclaw-guard hook ${AGENT_CLIENTS.join("|")} [--config PATH]  (reads the hook JSON on stdin)\n`);
      return DENY;
    }
    const input = await readStdinCapped(MAX_HOOK_INPUT_BYTES);
    if (client === "cursor") {
      const { answerCursorHook } = await import("../setup/clients/cursor-hook.js");
      const answer = await answerCursorHook(input, args);
      process.stdout.write(answer.stdout);
      process.stderr.write(answer.stderr);
      return answer.exitCode;
    }
    const settings = readGuardSettings(args);
    const verdict = await decideHookInput(input, {
      allowList: settings.allowList,
      guardConfigFile: settings.configFile,
      auditFile: settings.auditFile,
      homeDir: homedir(),
      env: process.env,
    });
    if (verdict.decision === "allow") return ALLOW;
    process.stderr.write(`${formatDenial(verdict.reasons, sendMessageAdvice(client))}\n`);
    return DENY;
  } catch (error) {
    process.stderr.write(`openclaw-guard hook failed closed: ${error instanceof Error ? error.message : String(error)}\n`);
    return DENY;
  }
}

export interface HookContext {
  readonly allowList: AllowList;
  readonly guardConfigFile: string;
  readonly auditFile?: string;
  readonly homeDir: string;
  readonly env: NodeJS.ProcessEnv;
}

interface HookInput {
  cwd?: unknown;
  tool_name?: unknown;
  tool_input?: unknown;
}

const FILE_PATH_KEYS = ["file_path", "notebook_path", "path", "absolute_path"] as const;
const CONTENT_KEYS = ["content", "new_string", "new_source", "new_content"] as const;

/** A Codex apply_patch body: the files it adds, updates, deletes or moves to, and each file's added lines. */
function patchFiles(patch: string): { file: string; content: string }[] {
  const files: { file: string; content: string }[] = [];
  for (const line of patch.split("\n")) {
    const header = /^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$/.exec(line);
    if (header) files.push({ file: (header[1] ?? header[2] ?? "").trim(), content: "" });
    else if (line.startsWith("+") && files.length > 0) {
      const last = files[files.length - 1];
      if (last) last.content += `${line.slice(1)}\n`;
    }
  }
  return files;
}

/** Tool names of agents' shell tools (Claude Code's Bash, Codex's shell, Gemini's run_shell_command, ...). */
const SHELL_TOOL = /^(bash|shell|powershell|run_shell_command|shell_command|exec_command|local_shell|terminal|run_terminal_cmd|run_in_terminal)$/i;

/** Keys other agents' shell tools use for the command: a string, or an argv array (`["bash", "-lc", "..."]`). */
const COMMAND_KEYS = ["command", "cmd", "commands", "script", "shell_command", "commandLine", "command_line", "argv"] as const;

/** The shell command a tool input holds: every command key's string or argv (quoted word by word), one per line. */
async function commandOf(toolInput: Record<string, unknown>): Promise<string | undefined> {
  const lines: string[] = [];
  for (const key of COMMAND_KEYS) {
    const value = toolInput[key];
    // A command the hook cannot read as text or argv (an object, a number) is not allowed unread.
    if (value !== undefined && value !== null && typeof value !== "string" && !Array.isArray(value)) throw new Error(`tool_input.${key} is neither a string nor an argv array`);
    if (typeof value === "string") lines.push(value);
    else if (Array.isArray(value) && value.length > 0) {
      if (!value.every((item): item is string => typeof item === "string")) {
        if (key === "command") throw new Error("tool_input.command is an array that is not all strings");
        continue;
      }
      // `commands: ["a", "b"]` is a list of command lines; a one-word argv may be a whole command line too.
      if (key === "commands" || value.length === 1) lines.push(...value);
      if (key === "commands") continue;
      const { shQuote } = await import("./shim.js");
      lines.push(value.map(shQuote).join(" "));
    }
  }
  return lines.length > 0 ? lines.join("\n") : undefined;
}

/** The decision for one hook payload (JSON text). Throws on malformed input; run() turns that into a deny. */
export async function decideHookInput(raw: string, context: HookContext): Promise<Verdict> {
  const input = JSON.parse(raw) as HookInput | null;
  if (typeof input !== "object" || input === null) throw new Error("hook input is not a JSON object");
  const toolInput = (typeof input.tool_input === "object" && input.tool_input !== null ? input.tool_input : {}) as Record<string, unknown>;
  const cwd = typeof input.cwd === "string" && path.isAbsolute(input.cwd) ? input.cwd : process.cwd();
  // Codex's apply_patch reaches the hook as a patch, not a shell command: only that tool's input (or a
  // `patch`/`input` key) is read as one. A shell command that starts with `*** Begin Patch` is a command.
  const patchTool = typeof input.tool_name === "string" && /^apply_?patch$/i.test(input.tool_name);
  const rawPatch = patchTool ? (toolInput.command ?? toolInput.patch ?? toolInput.input) : (toolInput.patch ?? toolInput.input);
  const patch = typeof rawPatch === "string" && /^\s*\*\*\* Begin Patch/.test(rawPatch) ? patchFiles(rawPatch) : undefined;
  const command = patch === undefined ? await commandOf(toolInput) : undefined;
  const filePath = FILE_PATH_KEYS.map((key) => toolInput[key]).find((value): value is string => typeof value === "string");
  const contents = [
    ...CONTENT_KEYS.map((key) => toolInput[key]),
    ...(Array.isArray(toolInput.edits) ? toolInput.edits.map((edit: unknown) => (edit as { new_string?: unknown } | null)?.new_string) : []),
  ].filter((value): value is string => typeof value === "string");
  const writes = patch ?? (filePath !== undefined ? contents.map((content) => ({ file: filePath, content })) : []);
  // A shell tool whose command sits where no key above looks cannot be checked: not allowed unread.
  if (command === undefined && patch === undefined && typeof input.tool_name === "string" && SHELL_TOOL.test(input.tool_name) && Object.keys(toolInput).length > 0) {
    throw new Error(`the ${input.tool_name} input has no command the hook can read (keys: ${Object.keys(toolInput).join(", ")})`);
  }
  if (command === undefined && writes.length === 0) return { decision: "allow", reasons: [] };

  const { plainCommandVerdict } = await import("./plain-command.js");
  const plain = command !== undefined && writes.length === 0 ? plainCommandVerdict(command, context, cwd) : undefined;
  if (plain !== undefined) return plain; // no grammar or handlers to load: the cold start matters before every command
  const { analyseCommand, analyseFileContent, initCommandAnalyser } = await import("./analyse.js");
  const options = analyserOptions(context.allowList, cwd, context);
  const reasons: string[] = [];
  await initCommandAnalyser();
  if (command !== undefined) reasons.push(...analyseCommand(command, options).reasons);
  for (const { file, content } of writes) {
    const target = path.resolve(cwd, file);
    // A workspace's Gemini settings are judged by what is written; other protected files by their place.
    const protectedArea = isContentCheckedSettings(target) ? undefined : protectedAreaOf(target, context);
    if (protectedArea !== undefined) reasons.push(`Writing to ${protectedArea} is disabled here.`);
    const disabled = disablesHooks(target, content);
    if (disabled !== undefined) reasons.push(`The write to ${file} ${disabled}; that switches the guard's hook off.`);
    if (content !== "") reasons.push(...analyseFileContent(target, content, options).reasons);
  }
  const unique = [...new Set(reasons)];
  return { decision: unique.length > 0 ? "deny" : "allow", reasons: unique };
}
