// `openclaw-guard shim install --dir DIR [--real PATH] [--config PATH]`
// `openclaw-guard shim uninstall --dir DIR`
// Writes (or removes) POSIX sh shims named openclaw, clawdbot, moltbot that apply the
// guard's subcommand policy before exec'ing the real CLI. Exit 0 on success, 2 on errors.
import { accessSync, constants, mkdirSync } from "node:fs";
import path from "node:path";
import { readGuardAllowList, withoutConfigOption } from "./guard-config.js";
import { installShims, uninstallShims } from "./shim.js";

const USAGE = "usage: openclaw-guard shim install --dir DIR [--real PATH] [--config PATH]\n       openclaw-guard shim uninstall --dir DIR\n";

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = withoutConfigOption(args);
  const dirOption = optionValue(rest, "--dir");
  const realOption = optionValue(rest, "--real");
  if ((action !== "install" && action !== "uninstall") || dirOption === undefined || (action === "uninstall" && realOption !== undefined)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const dir = path.resolve(dirOption);
  try {
    if (action === "uninstall") {
      const removed = uninstallShims(dir);
      process.stdout.write(removed.length > 0 ? `removed ${removed.join(", ")}\n` : `no openclaw-guard shims in ${dir}\n`);
      return 0;
    }
    const realPath = realOption === undefined ? undefined : path.resolve(realOption);
    if (realPath !== undefined) accessSync(realPath, constants.X_OK);
    mkdirSync(dir, { recursive: true });
    const written = installShims(dir, readGuardAllowList(args), realPath);
    process.stdout.write(
      `wrote ${written.join(", ")}\n\n` +
        `Put ${dir} first in PATH for every shell the agent starts: add this line at the END of\n` +
        `~/.profile and of ~/.bashrc (or ~/.zshrc), after anything that adds the real openclaw's directory:\n\n` +
        `  export PATH="${dir}:$PATH"\n\n` +
        `Re-run \`openclaw-guard shim install\` after changing guard.allowOpenclawCommands; the shims embed the list.\n` +
        `The shims only see lookups through PATH: absolute paths, npx and node .../openclaw.mjs bypass them (the hook covers those).\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`openclaw-guard shim ${action}: ${(error as Error).message}\n`);
    return 2;
  }
}
