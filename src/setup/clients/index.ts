import { claudeCode } from "./claude-code.js";
import { codex } from "./codex.js";
import { cursor } from "./cursor.js";
import { gemini } from "./gemini.js";
import { openclaw } from "./openclaw.js";
import { vscode } from "./vscode.js";
import type { ClientSetup } from "../init-plan.js";

export const CLIENTS: readonly ClientSetup[] = [claudeCode, codex, gemini, cursor, vscode, openclaw];

export function clientNamed(name: string): ClientSetup | undefined {
  return CLIENTS.find((client) => client.name === name);
}
