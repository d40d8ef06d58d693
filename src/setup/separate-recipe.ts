// `openclaw-guard init openclaw --separate`: the step-by-step recipe that moves the gateway, its
// state, the guard's book, tokens and audit, and the guard's HTTP service under a dedicated OS
// user, so the agent's user keeps nothing but its MCP token. Printed, not performed: every step
// needs root and a human who has read it.
import { shellJoin } from "./init-plan.js";

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
  /** The openclaw CLI entry (openclaw.mjs) the gateway service runs. */
  openclawEntry: string;
  user?: string;
  home?: string;
  codeDir?: string;
  port?: number;
};

export function separateRecipe(o: RecipeOptions): string {
  const user = o.user ?? SEPARATE_DEFAULTS.user;
  const home = o.home ?? SEPARATE_DEFAULTS.home;
  const code = o.codeDir ?? SEPARATE_DEFAULTS.codeDir;
  const port = o.port ?? SEPARATE_DEFAULTS.port;
  const cli = `${code}/dist/cli.js`;
  const asService = (...argv: string[]) => shellJoin(["sudo", "-u", user, "-H", "--", ...argv]);
  const units = `${home}/.config/systemd/user`;
  const gatewayUnit = `[Unit]
Description=OpenClaw gateway (owned by ${user}; the agent's user cannot read its state)
[Service]
ExecStart=${shellJoin([o.node, o.openclawEntry, "gateway", "run"])}
UMask=0077
Restart=on-failure
[Install]
WantedBy=default.target
`;
  const guardUnit = `[Unit]
Description=openclaw-guard MCP service over HTTP (loopback; agents authenticate with their own token)
After=openclaw-gateway.service
[Service]
ExecStart=${shellJoin([o.node, cli, "serve", "--http", "--host", "127.0.0.1", "--port", String(port)])}
UMask=0077
Restart=on-failure
NoNewPrivileges=yes
[Install]
WantedBy=default.target
`;
  const steps: [string, string[]][] = [
    [`A dedicated user owns the gateway and the guard (its home ${home}, mode 0700).`, [
      shellJoin(["useradd", "--system", "--create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", user]),
      shellJoin(["chmod", "700", home]),
    ]],
    [`The guard's code, root-owned and read-only to everyone else (the plugin ships in it: neither user may change what the gateway loads).`, [
      shellJoin(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", code]),
      shellJoin(["cp", "-a", `${o.packageDir}/.`, code]),
      shellJoin(["chown", "-R", "root:root", code]),
      shellJoin(["chmod", "-R", "go-w", code]),
    ]],
    [`Stop the gateway the agent's user runs now, then move OpenClaw's state (config, gateway token, channel credentials) to ${user}, 0700/0600.`, [
      shellJoin(["mv", `${o.agentHome}/.openclaw`, `${home}/.openclaw`]),
      shellJoin(["chown", "-R", `${user}:${user}`, `${home}/.openclaw`]),
      shellJoin(["chmod", "-R", "go-rwx", `${home}/.openclaw`]),
    ]],
    [`Move the guard's address book to ${user} (the audit log and ledger are created beside its state, 0700).`, [
      shellJoin(["install", "-d", "-m", "0700", "-o", user, "-g", user, `${home}/.config`, `${home}/.config/openclaw-guard`, `${home}/.local`, `${home}/.local/state`]),
      shellJoin(["mv", `${o.agentHome}/.config/openclaw-guard/config.json5`, `${home}/.config/openclaw-guard/config.json5`]),
      shellJoin(["chown", `${user}:${user}`, `${home}/.config/openclaw-guard/config.json5`]),
      shellJoin(["chmod", "600", `${home}/.config/openclaw-guard/config.json5`]),
    ]],
    [`Point the gateway at the book through the plugin (as ${user}; see \`openclaw-guard init openclaw\`).`, [asService(o.node, cli, "init", "openclaw")]],
    [`One token per agent, limited to its aliases; it is printed once: hand it to that agent's user.`, [asService(o.node, cli, "token", "add", o.agentUser, "--aliases", "<alias,alias>", "--rate", "20/1h")]],
    [`User services for both, started at boot without a login (units under ${units}).`, [
      shellJoin(["install", "-d", "-m", "0700", "-o", user, "-g", user, `${home}/.config/systemd`, units]),
      `cat > ${units}/openclaw-gateway.service <<'EOF'\n${gatewayUnit}EOF`,
      `cat > ${units}/openclaw-guard.service <<'EOF'\n${guardUnit}EOF`,
      shellJoin(["chown", `${user}:${user}`, `${units}/openclaw-gateway.service`, `${units}/openclaw-guard.service`]),
      shellJoin(["loginctl", "enable-linger", user]),
      `sudo -u ${user} XDG_RUNTIME_DIR=/run/user/$(id -u ${user}) systemctl --user enable --now openclaw-gateway.service openclaw-guard.service`,
    ]],
    [`As ${o.agentUser}: register the service in the agent's client (the token stays out of argv and history), keep the local hook and shim.`, [
      `read -rs OPENCLAW_GUARD_TOKEN && export OPENCLAW_GUARD_TOKEN`,
      shellJoin([o.node, cli, "init", "claude-code", "--remote", `http://127.0.0.1:${port}/mcp`]),
      "unset OPENCLAW_GUARD_TOKEN",
    ]],
    [`As ${o.agentUser}: check. doctor fails while this user can read the gateway's config or token, read or write the book, write the guard's code or plugin, or still starts a local server holding a gateway credential.`, [
      shellJoin([o.node, cli, "doctor", "--service-user", user]),
    ]],
  ];
  const body = steps.map(([why, commands], i) => `${i + 1}. ${why}\n${commands.map((c) => c.split("\n").map((l) => `     ${l}`).join("\n")).join("\n")}`).join("\n\n");
  return `openclaw-guard init openclaw --separate: run these as root, one step at a time (nothing was changed).

Afterwards the agent's user (${o.agentUser}) holds only its MCP token: it can ask the guard to send to
its own aliases and nothing else. Same machine, another uid: the kernel keeps it out of the gateway's
files. A root-capable agent (sudo, docker group) is not separated by any of this.

${body}
`;
}
