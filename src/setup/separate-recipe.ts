// `openclaw-guard init openclaw --separate`: the step-by-step recipe that moves the gateway, its
// state, the guard's book, tokens and audit, and the guard's HTTP service under a dedicated OS
// user, so the agent's user keeps nothing but its MCP token. Printed, not performed: every step
// needs root and a human who has read it.
import { shellJoin } from "./init-plan.js";
import { unitText } from "./separate-plan.js";

export const SEPARATE_DEFAULTS = {
  user: "openclaw",
  home: "/var/lib/openclaw",
  codeDir: "/opt/openclaw-guard",
  port: 8787,
} as const;

export type RecipeOptions = {
  /** The agent's OS user (whose ~/.openclaw and guard config are moved away). */
  agentUser: string;
  agentHome: string;
  /** This checkout of openclaw-guard, copied root-owned to codeDir. */
  packageDir: string;
  node: string;
  /** The openclaw CLI entry (openclaw.mjs) the printer found; copied root-owned beside the guard's code. */
  openclawEntry: string;
  user?: string;
  home?: string;
  codeDir?: string;
  port?: number;
};

export type PasswdUser = { name: string; uid: number; home: string };

/** One user of /etc/passwd by name: never $USER/$HOME of whoever runs init (printed under sudo those are root's). */
export function passwdUser(passwd: string, name: string): PasswdUser | undefined {
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f.length >= 7 && /^\d+$/.test(f[2] ?? "")) return { name, uid: Number(f[2]), home: f[5] ?? "" };
  }
  return undefined;
}

/**
 * The agent's user for the recipe: --agent-user, else the user sudo was run by, else $USER; it must be in
 * /etc/passwd and must not be root (a root agent is not separated by anything here). Throws with the reason.
 */
export function resolveAgentUser(flag: string | undefined, env: NodeJS.ProcessEnv, passwd: string): PasswdUser {
  const name = flag || env.SUDO_USER || env.USER || env.LOGNAME;
  if (!name) throw new Error("which user runs the agent? pass --agent-user NAME");
  const entry = passwdUser(passwd, name);
  if (entry === undefined) throw new Error(`agent user "${name}" is not in /etc/passwd; pass --agent-user NAME`);
  if (entry.uid === 0) throw new Error(`the agent's user cannot be root ("${name}"); pass --agent-user NAME (the user the agent runs as)`);
  return entry;
}

export function separateRecipe(o: RecipeOptions): string {
  const user = o.user ?? SEPARATE_DEFAULTS.user;
  const home = o.home ?? SEPARATE_DEFAULTS.home;
  const code = o.codeDir ?? SEPARATE_DEFAULTS.codeDir;
  const port = o.port ?? SEPARATE_DEFAULTS.port;
  const cli = `${code}/dist/cli.js`;
  // The units run only root-owned copies: a node or openclaw under the agent's home (nvm, a user npm prefix)
  // would be code the agent can change, run as the service user.
  const node = `${code}/bin/node`;
  const openclawDir = `${code}/openclaw`;
  const openclaw = `${openclawDir}/openclaw.mjs`;
  const openclawSource = o.openclawEntry.replace(/\/[^/]*$/, "");
  const asService = (...argv: string[]) => shellJoin(["sudo", "-u", user, "-H", "--", ...argv]);
  const units = "/etc/systemd/system";
  const deviceCredential = `${o.agentHome}/.local/state/openclaw-guard/gateway-device.json`;
  const unit = (argv: string[]) => ({ user, home, env: { HOME: home }, argv });
  const gatewayUnit = unitText(unit([node, openclaw, "gateway", "run"]), `OpenClaw gateway (owned by ${user}; the agent's user cannot read its state)`, "network.target");
  const guardUnit = unitText(unit([node, cli, "serve", "--http", "--host", "127.0.0.1", "--port", String(port)]), "openclaw-guard MCP service over HTTP (loopback; agents authenticate with their own token)", "openclaw-gateway.service");
  const steps: [string, string[]][] = [
    [`A dedicated user owns the gateway and the guard (its home ${home}, mode 0700).`, [
      shellJoin(["useradd", "--system", "--create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", user]),
      shellJoin(["chmod", "700", home]),
    ]],
    [`The guard's code, root-owned and read-only to everyone else (the plugin ships in it: neither user may change what the gateway loads).`, [
      shellJoin(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", code]),
      shellJoin(["cp", "-a", `${o.packageDir}/.`, code]),
      shellJoin(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", `${code}/bin`]),
      shellJoin(["install", "-m", "0755", "-o", "root", "-g", "root", o.node, node]),
      shellJoin(["cp", "-a", `${openclawSource}/.`, openclawDir]),
      shellJoin(["chown", "-R", "root:root", code]),
      shellJoin(["chmod", "-R", "go-w", code]),
    ]],
    [`Stop the gateway the agent's user runs now (its user unit, then any process left) and move OpenClaw's state (config, gateway token, channel credentials) to ${user}, 0700/0600; nothing of it may stay in ${o.agentHome}.`, [
      `systemctl --user -M ${o.agentUser}@ disable --now openclaw-gateway.service || true`,
      `! ${shellJoin(["pgrep", "-u", o.agentUser, "-f", "openclaw(\\.mjs)? gateway"])}`,
      shellJoin(["mv", `${o.agentHome}/.openclaw`, `${home}/.openclaw`]),
      shellJoin(["test", "!", "-e", `${o.agentHome}/.openclaw`]),
      shellJoin(["chown", "-R", `${user}:${user}`, `${home}/.openclaw`]),
      shellJoin(["chmod", "-R", "go-rwx", `${home}/.openclaw`]),
    ]],
    [`Move the guard's address book to ${user} (the audit log and ledger are created beside its state, 0700).`, [
      shellJoin(["install", "-d", "-m", "0700", "-o", user, "-g", user, `${home}/.config`, `${home}/.config/openclaw-guard`, `${home}/.local`, `${home}/.local/state`]),
      shellJoin(["mv", `${o.agentHome}/.config/openclaw-guard/config.json5`, `${home}/.config/openclaw-guard/config.json5`]),
      shellJoin(["chown", `${user}:${user}`, `${home}/.config/openclaw-guard/config.json5`]),
      shellJoin(["chmod", "600", `${home}/.config/openclaw-guard/config.json5`]),
    ]],
    [`The guard's paired device credential (operator.write: with it the hook-less poll RPC reaches any chat) leaves ${o.agentUser}'s home; re-pair as ${user} if the guard used one.`, [
      shellJoin(["rm", "-f", deviceCredential]),
      shellJoin(["test", "!", "-e", deviceCredential]),
    ]],
    [`Point the gateway at the book through the plugin in ${code} (as ${user}; \`init openclaw\` rewrites plugins.load.paths, which may still name ${o.agentUser}'s own checkout), then check no load path is left under ${o.agentHome}.`, [
      asService(node, cli, "init", "openclaw"),
      `! grep -F ${shellJoin([o.agentHome])} ${shellJoin([`${home}/.openclaw/openclaw.json`])}`,
    ]],
    [`One token per agent, limited to its aliases; it is printed once: hand it to that agent's user.`, [asService(node, cli, "token", "add", o.agentUser, "--aliases", "<alias,alias>", "--rate", "20/1h")]],
    [`System services for both, run as ${user} (User=, NoNewPrivileges, ProtectHome, UMask=0077; units in ${units}, root-owned, no user manager needed).`, [
      `cat > ${units}/openclaw-gateway.service <<'EOF'\n${gatewayUnit}EOF`,
      `cat > ${units}/openclaw-guard.service <<'EOF'\n${guardUnit}EOF`,
      shellJoin(["systemctl", "daemon-reload"]),
      shellJoin(["systemctl", "enable", "--now", "openclaw-gateway.service", "openclaw-guard.service"]),
    ]],
    [`As ${o.agentUser}: register the service in the agent's client (the token stays out of argv and history), keep the shim. On Claude Code >= 2.1.330 its hook then asks the service too (POST /hook/claude-code with the same token: the decision runs as ${user}; while the service is down Claude Code runs no Bash command); otherwise the local hook stays.`, [
      `read -rs OPENCLAW_GUARD_TOKEN && export OPENCLAW_GUARD_TOKEN`,
      shellJoin([node, cli, "init", "claude-code", "--remote", `http://127.0.0.1:${port}/mcp`]),
      "unset OPENCLAW_GUARD_TOKEN",
    ]],
    [`As ${o.agentUser}: check. doctor fails while this user can read the gateway's config or token, read or write the book, write the guard's code or plugin, or still starts a local server holding a gateway credential.`, [
      shellJoin([node, cli, "doctor", "--service-user", user]),
    ]],
  ];
  const body = steps.map(([why, commands], i) => `${i + 1}. ${why}\n${commands.map((c) => c.split("\n").map((l) => `     ${l}`).join("\n")).join("\n")}`).join("\n\n");
  return `openclaw-guard init openclaw --separate: run these as root, one step at a time (nothing was changed).
Or let \`sudo openclaw-guard init openclaw --separate --apply\` do them, recorded and reversible with --undo (--dry-run lists its steps).

Afterwards the agent's user (${o.agentUser}) holds only its MCP token: it can ask the guard to send to
its own aliases and nothing else. Same machine, another uid: the kernel keeps it out of the gateway's
files. A root-capable agent (sudo, docker group) is not separated by any of this.

${body}
`;
}
