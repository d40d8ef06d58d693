// Files an agent must not write, whatever tool it uses: OpenClaw's state (token, allowlists), the
// guard's own config, audit log and shims (where the config and `shim install` put them), the agent
// settings that register the hook and server (where `init` wrote them), and the shell start-up files
// that decide PATH, and so whether the shim runs.
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";

export interface ProtectedContext {
  readonly guardConfigFile: string;
  readonly homeDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** audit.file from the config, resolved; the default location when unset. */
  readonly auditFile?: string;
}

/** Text that may name one of those places, for destinations only known at run time and for the hook's fast path. */
export const PROTECTED_HINT =
  /\.openclaw\b|\.claude\b|openclaw-guard|\.gemini\/|\.codex\b|\.cursor\/|\.(bashrc|bash_profile|bash_login|profile|zshrc|zprofile|zshenv|zlogin|kshrc|mkshrc|pam_environment)\b|config\.fish|environment\.d/;

/** A computed path that may name OpenClaw's state folder. */
export const OPENCLAW_STATE_HINT = /\.openclaw\b|OPENCLAW_(HOME|STATE_DIR|CONFIG_PATH)/;

const OPENCLAW_STATE_LABELS = ["~/.openclaw/ (OpenClaw's credentials and config)", "$OPENCLAW_HOME/.openclaw/", "$OPENCLAW_STATE_DIR", "$OPENCLAW_CONFIG_PATH"] as const;

/** The protected area's label is OpenClaw's own state (its token, credentials, config), not the guard's or an agent's. */
export function isOpenclawState(label: string): boolean {
  return (OPENCLAW_STATE_LABELS as readonly string[]).includes(label);
}

const SHELL_STARTUP_FILES = [".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".kshrc", ".mkshrc", ".pam_environment", ".config/fish/config.fish", ".config/fish/conf.d", ".config/environment.d"];

type Area = readonly [label: string, path: string];

/** Directories on PATH holding an openclaw-guard shim (`shim install --dir` may have chosen any). */
function shimDirectories(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? "").split(":").filter((dir) => {
    if (!path.isAbsolute(dir)) return false;
    try {
      return readFileSync(path.join(dir, "openclaw"), "utf8").slice(0, 200).includes("openclaw-guard-shim:");
    } catch {
      return false;
    }
  });
}

const cache = new WeakMap<ProtectedContext, Area[]>();

/** Every protected place for this context, symlinks in existing prefixes resolved. */
function areasOf(context: ProtectedContext): Area[] {
  const cached = cache.get(context);
  if (cached !== undefined) return cached;
  const { env, homeDir } = context;
  const stateHome = env.XDG_STATE_HOME || path.join(homeDir, ".local", "state");
  const dataHome = env.XDG_DATA_HOME || path.join(homeDir, ".local", "share");
  const claudeDir = env.CLAUDE_CONFIG_DIR || path.join(homeDir, ".claude");
  const codexHome = env.CODEX_HOME || path.join(homeDir, ".codex");
  const configDir = path.dirname(context.guardConfigFile);
  const raw: [string, string | undefined][] = [
    [OPENCLAW_STATE_LABELS[0], path.join(homeDir, ".openclaw")],
    [OPENCLAW_STATE_LABELS[1], env.OPENCLAW_HOME ? path.join(env.OPENCLAW_HOME, ".openclaw") : undefined],
    [OPENCLAW_STATE_LABELS[2], env.OPENCLAW_STATE_DIR],
    [OPENCLAW_STATE_LABELS[3], env.OPENCLAW_CONFIG_PATH],
    ["the openclaw-guard config file", context.guardConfigFile],
    // The config's own folder when it is openclaw-guard's (not a custom file in, say, the home directory).
    ["the openclaw-guard config folder", path.basename(configDir) === "openclaw-guard" ? configDir : undefined],
    ["openclaw-guard's audit log and ledger", path.join(stateHome, "openclaw-guard")],
    ["openclaw-guard's audit log (audit.file)", context.auditFile],
    ["openclaw-guard's ledger", context.auditFile ? `${context.auditFile.replace(/\.jsonl$/, "")}.ledger.json` : undefined],
    // Its full copy (a torn ledger is read from it) and the audit lock (a planted owner would stall every send).
    ["openclaw-guard's ledger copy", context.auditFile ? `${context.auditFile.replace(/\.jsonl$/, "")}.ledger.json.copy` : undefined],
    ["openclaw-guard's audit lock", context.auditFile ? `${context.auditFile}.lock` : undefined],
    ["openclaw-guard's shims", path.join(dataHome, "openclaw-guard")],
    ...shimDirectories(env).flatMap((dir): [string, string][] => ["openclaw", "clawdbot", "moltbot"].map((name) => [`the openclaw-guard shims in ${dir}`, path.join(dir, name)])),
    ["~/.claude.json (Claude Code's MCP servers)", path.join(homeDir, ".claude.json")],
    ["$CLAUDE_CONFIG_DIR/.claude.json (Claude Code's MCP servers)", env.CLAUDE_CONFIG_DIR ? path.join(env.CLAUDE_CONFIG_DIR, ".claude.json") : undefined],
    ["Claude Code settings (they hold this hook)", path.join(claudeDir, "settings.json")],
    ["Claude Code settings (they hold this hook)", path.join(claudeDir, "settings.local.json")],
    ["Codex hooks, rules and hook trust", path.join(codexHome, "hooks.json")],
    ["Codex hooks, rules and hook trust", path.join(codexHome, "config.toml")],
    ["Codex hooks, rules and hook trust", path.join(codexHome, "rules")],
    ["Gemini CLI settings and policies (they hold the hook)", path.join(homeDir, ".gemini", "settings.json")],
    ["Gemini CLI settings and policies (they hold the hook)", path.join(homeDir, ".gemini", "policies")],
    ["Cursor hooks", path.join(homeDir, ".cursor", "hooks.json")],
    ...SHELL_STARTUP_FILES.map((file): [string, string] => [`your shell start-up files (${file} sets PATH, which decides whether the shim runs)`, path.join(homeDir, file)]),
    ["your shell start-up files ($ZDOTDIR)", env.ZDOTDIR ? path.join(env.ZDOTDIR, ".zshrc") : undefined],
  ];
  const areas = raw.flatMap(([label, area]): Area[] => (area === undefined ? [] : [[label, realPathOf(path.resolve(area))]]));
  cache.set(context, areas);
  return areas;
}

/**
 * Names of the places only configuration knows (a custom audit.file, a shim folder): a command
 * mentioning none of them, nor PROTECTED_HINT, cannot write a protected place by name.
 */
export function protectedNames(context: ProtectedContext): string[] {
  const names = shimDirectories(context.env).map((dir) => path.basename(dir));
  if (context.auditFile !== undefined) names.push(path.basename(context.auditFile).replace(/\.jsonl$/, ""));
  return names.filter((name) => name.length > 1);
}

/** Settings a repository may hold that can switch hooks off; any write counts unless its content is checked. */
const REPOSITORY_SETTINGS = /(^|\/)\.claude\/settings(\.local)?\.json$/;
const CONTENT_CHECKED_SETTINGS = /(^|\/)\.gemini\/settings\.json$/;

export function isContentCheckedSettings(file: string): boolean {
  return CONTENT_CHECKED_SETTINGS.test(file);
}

/**
 * The label of the protected area `target` lies in (an absolute path, or a glob's RegExp matched
 * against each area), or undefined. With `below` (a removal, a recursive copy), an area inside
 * `target` counts too: `rm -rf ~/.claude` removes the settings in it.
 */
export function protectedAreaOf(target: string | RegExp, context: ProtectedContext, below = false): string | undefined {
  const areas = areasOf(context);
  if (target instanceof RegExp) return areas.find(([, area]) => target.test(area))?.[0];
  const real = realPathOf(target);
  for (const [label, area] of areas) {
    if (real === area || real.startsWith(area + path.sep)) return label;
    if (below && (area.startsWith(real + path.sep) || real === path.sep)) return label;
  }
  if (REPOSITORY_SETTINGS.test(real)) return "Claude Code settings (they hold this hook)";
  if (CONTENT_CHECKED_SETTINGS.test(real)) return "Gemini CLI settings (a workspace's can switch the guard's hook off)";
  return undefined;
}

/** Why content written to agent settings switches hooks off, or undefined. Unknown content counts. */
export function disablesHooks(file: string, content: string): string | undefined {
  if (!CONTENT_CHECKED_SETTINGS.test(file) && !REPOSITORY_SETTINGS.test(file)) return undefined;
  if (content.includes("\u0000")) return "is written with content only known at run time";
  if (/hooksConfig|disableAllHooks|"hooks"\s*:|enableHooks|"disabled"\s*:/.test(content)) return "changes hook settings";
  return undefined;
}

const PROSE_FILE = /\.(md|markdown|mdx|txt|text|rst|adoc|asciidoc|org|log|csv|tsv|html?|xml|svg|jsonl|ndjson|diff|patch)$/i;
const CODE_FILE = /\.(py|js|mjs|cjs|ts|mts|cts|jsx|tsx|rb|pl|pm|php|lua|go|rs|java|kt|c|h|cc|cpp|hpp|cs|swift)$/i;
/** JSON files some program runs commands from. */
const COMMAND_JSON = /(^|\/)(package|settings(\.local)?|tasks|launch|devcontainer|\.devcontainer|hooks|mcp|\.mcp|turbo|nx|project|composer)\.json$/;

/**
 * Files nothing runs as they stand (prose, data, code judged by riskyCode): a refused call written
 * into them is a note or a test fixture, not a command. Everything else may be run by something.
 */
export function isProseFile(file: string): boolean {
  if (/^\/dev\/(null|stdout|stderr|tty)$/.test(file)) return true;
  if (/\.json5?$/i.test(file)) return !COMMAND_JSON.test(file);
  return PROSE_FILE.test(file) || CODE_FILE.test(file);
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
