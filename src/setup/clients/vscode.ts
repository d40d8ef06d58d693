// VS Code: the server in the user profile's mcp.json (or .vscode/mcp.json) under `servers`, and
// the hook in ~/.claude/settings.json, which VS Code's (preview) agent hooks read. VS Code ignores
// the matcher, so the hook runs before every tool and keys on tool_input.command.
import path from "node:path";
import { claudeUserSettingsPath, planClaudeUserSettings } from "./claude-code.js";
import { mergeEntry, objectAt, planJsonFile, serveArgs, SERVER_NAME, tildePath, type ClientSetup, type InitContext } from "../init-plan.js";

export function vscodeUserDir(context: InitContext): string {
  if (context.platform === "darwin") return path.join(context.home, "Library", "Application Support", "Code", "User");
  if (context.platform === "win32") return path.join(context.env.APPDATA || path.join(context.home, "AppData", "Roaming"), "Code", "User");
  return path.join(context.env.XDG_CONFIG_HOME || path.join(context.home, ".config"), "Code", "User");
}

export const vscode: ClientSetup = {
  name: "vscode",
  title: "VS Code",
  plan(context, read) {
    const user = context.scope === "user";
    const mcpFile = user ? path.join(vscodeUserDir(context), "mcp.json") : path.join(context.cwd, ".vscode", "mcp.json");
    const server = { type: "stdio", command: context.node, args: serveArgs(context) };
    const mcpPlan = planJsonFile(mcpFile, read(mcpFile), { allowsComments: true, newFileMode: user ? 0o600 : 0o644 }, (json) => [
      mergeEntry(objectAt(mcpFile, json, ["servers"]), SERVER_NAME, server, {}, `servers.${SERVER_NAME}: ${context.node} ${serveArgs(context).join(" ")}`),
    ]);
    const notes = [
      `VS Code agent hooks are a preview feature and may be turned off by your organisation; check that ${tildePath(claudeUserSettingsPath(context), context.home)} is among the hook file locations (chat.hookFilesLocations).`,
      "The same hook entries serve Claude Code; `init claude-code` adds deny rules on top.",
    ];
    if (!user) notes.push(`The hook was NOT put into ${path.join(context.cwd, ".claude", "settings.json")}: the agent can edit files in its repository.`);
    return {
      files: [planClaudeUserSettings(context, read, { denyRules: false }), mcpPlan], // the guard first: a failed write never leaves the server unguarded
      notes,
      limits: [
        "VS Code ignores the matcher: the hook runs before every tool and checks any tool_input.command (terminal commands). VS Code's own file-edit tools use other input keys, so writes are not checked.",
        "VS Code has no onFailure setting: a hook that crashes or times out is a warning and the tool runs. (The hook itself only ever exits 0 or 2.)",
        "Nothing stops a program the agent writes from talking to OpenClaw directly.",
      ],
    };
  },
};
