// Cursor: the server in mcp.json, and a beforeShellExecution hook in the user's ~/.cursor/hooks.json.
// Cursor sends {command, cwd} at the top level and wants {"permission": ...} back, so the hook is a
// small adapter (cursor-hook.ts, run as `hook cursor`) over the same decision the Claude Code hook makes.
import path from "node:path";
import { hookCommand, mergeEntry, objectAt, planJsonFile, replaceOurs, serveArgs, SERVER_NAME, arrayAt, type ClientSetup } from "../init-plan.js";

/** Ours: `... hook cursor` (the bundled hook-main.cjs, or cli.js as written before), or the earlier `node .../setup/clients/cursor-hook.js` entry (replaced on re-run). */
function isOurCursorHook(entry: unknown): boolean {
  const command = (entry as { command?: unknown } | null)?.command;
  if (typeof command !== "string") return false;
  return /\bhook cursor\b/.test(command) ? /openclaw-guard|cli\.js|hook-main\.cjs/.test(command) : /cursor-hook\.js/.test(command) && /openclaw-guard|setup\/clients\//.test(command);
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
      summary.push(...replaceOurs(list, isOurCursorHook, [{ command: hookCommand(context, "cursor") }], () => "hooks.beforeShellExecution[openclaw-guard]"));
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
