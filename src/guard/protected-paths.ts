// Files an agent must not write, whatever tool it uses: OpenClaw's state (token, allowlists), the
// guard's own config, state and shims, and the Claude Code files that register the hook and server.
import { realpathSync } from "node:fs";
import path from "node:path";

export interface ProtectedContext {
  readonly guardConfigFile: string;
  readonly homeDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Text that may name one of those places, for destinations only known at run time. */
export const PROTECTED_HINT = /\.openclaw\b|\.claude(?:\.json|\/)|openclaw-guard/;

/** The label of the protected area `target` (absolute) lies in, or undefined. */
export function protectedAreaOf(target: string, context: ProtectedContext): string | undefined {
  const { env, homeDir } = context;
  const stateHome = env.XDG_STATE_HOME || path.join(homeDir, ".local", "state");
  const dataHome = env.XDG_DATA_HOME || path.join(homeDir, ".local", "share");
  const areas: [string, string | undefined][] = [
    ["~/.openclaw/ (OpenClaw's credentials and config)", path.join(homeDir, ".openclaw")],
    ["$OPENCLAW_HOME/.openclaw/", env.OPENCLAW_HOME ? path.join(env.OPENCLAW_HOME, ".openclaw") : undefined],
    ["$OPENCLAW_STATE_DIR", env.OPENCLAW_STATE_DIR],
    ["$OPENCLAW_CONFIG_PATH", env.OPENCLAW_CONFIG_PATH],
    ["the openclaw-guard config file", context.guardConfigFile],
    ["openclaw-guard's audit log and ledger", path.join(stateHome, "openclaw-guard")],
    ["openclaw-guard's shims", path.join(dataHome, "openclaw-guard")],
    ["~/.claude.json (Claude Code's MCP servers)", path.join(homeDir, ".claude.json")],
  ];
  const real = realPathOf(target);
  for (const [label, area] of areas) {
    if (area === undefined) continue;
    const realArea = realPathOf(path.resolve(area));
    if (real === realArea || real.startsWith(realArea + path.sep)) return label;
  }
  if (/(^|\/)\.claude\/settings(\.local)?\.json$/.test(real)) return "Claude Code settings (they hold this hook)";
  return undefined;
}

/** Resolve symlinks in the longest existing prefix, so a link into ~/.openclaw does not hide it. */
function realPathOf(target: string): string {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
