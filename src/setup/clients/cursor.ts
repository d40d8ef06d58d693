// Cursor: the server in mcp.json, and a beforeShellExecution hook in the user's ~/.cursor/hooks.json.
// Cursor sends {command, cwd} at the top level and wants {"permission": ...} back, so the hook is a
// small adapter (cursor-hook.js) over the same decision the Claude Code hook makes.
import path from "node:path";
import { mergeEntry, objectAt, planJsonFile, replaceOurs, serveArgs, shellJoin, SERVER_NAME, arrayAt, type ClientSetup, type InitContext } from "../init-plan.js";

export function cursorHookScript(context: InitContext): string {
  return path.join(path.dirname(context.cli), "setup", "clients", "cursor-hook.js");
}

export function cursorHookCommand(context: InitContext): string {
  return shellJoin([context.node, cursorHookScript(context), "--config", context.config]);
}

function isOurCursorHook(entry: unknown): boolean {
  const command = (entry as { command?: unknown } | null)?.command;
  return typeof command === "string" && /cursor-hook\.js/.test(command) && /openclaw-guard|setup\/clients\//.test(command);
}

export const cursor: ClientSetup = {
  name: "cursor",
  title: "Cursor",
  plan(context, read) {
    const user = context.scope === "user";
    const mcpFile = user ? path.join(context.home, ".cursor", "mcp.json") : path.join(context.cwd, ".cursor", "mcp.json");
    const mcpPlan = planJsonFile(mcpFile, read(mcpFile), { allowsComments: true, newFileMode: user ? 0o600 : 0o644 }, (json) => [
      mergeEntry(objectAt(mcpFile, json, ["mcpServers"]), SERVER_NAME, { command: context.node, args: serveArgs(context) }, {}, `mcpServers.${SERVER_NAME}: ${context.node} ${serveArgs(context).join(" ")}`),
    ]);
    const hooksFile = path.join(context.home, ".cursor", "hooks.json");
    const hooksPlan = planJsonFile(hooksFile, read(hooksFile), { allowsComments: true }, (json) => {
      const summary: string[] = [];
      if (json.version === undefined) {
        json.version = 1;
        summary.push("+ version: 1");
      }
      const list = arrayAt(hooksFile, json, ["hooks", "beforeShellExecution"]);
      summary.push(...replaceOurs(list, isOurCursorHook, [{ command: cursorHookCommand(context) }], () => "hooks.beforeShellExecution[openclaw-guard]"));
      return summary;
    });
    const notes = ["Restart Cursor to load the hook."];
    if (!user) {
      notes.push(`The hook was NOT put into ${path.join(context.cwd, ".cursor", "hooks.json")}: the agent can edit files in its repository. It went to ${hooksFile}.`);
    }
    return {
      files: [hooksPlan, mcpPlan], // the guard first: a failed write never leaves the server unguarded
      notes,
      limits: [
        "Only shell commands are checked: Cursor's own file edits are not (a script written to disk is checked when it is run, if the hook can read it).",
        "Not verified against a real Cursor here. If the hook crashes, Cursor may let the command run.",
        "Nothing stops a program the agent writes from talking to OpenClaw directly.",
      ],
    };
  },
};
