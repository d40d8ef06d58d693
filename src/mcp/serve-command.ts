import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { pino } from "pino";
import { parseCommandArgs } from "../cli-args.js";
import { loadConfig, resolveConfigPath } from "../contacts/config.js";
import { createSendDeps } from "../send/deps.js";
import { unsupportedPlatform } from "../setup/platform.js";
import { createServer } from "./server.js";
import { watchToolList } from "./watch-tools.js";

export async function run(args: string[], platform: NodeJS.Platform = process.platform): Promise<number> {
  const { values } = parseCommandArgs("serve", args, {});
  const unsupported = unsupportedPlatform(platform);
  if (unsupported) {
    process.stderr.write(`openclaw-guard serve: refusing to start.\n${unsupported}\n`);
    return 1;
  }
  // stdout carries the MCP protocol; every diagnostic goes to stderr.
  const log = pino({ name: "openclaw-guard", base: undefined }, pino.destination({ fd: 2, sync: true }));
  const configPath = resolveConfigPath({ flag: values.config });
  const deps = createSendDeps(configPath, process.env, (message) => log.warn(message));
  try {
    // Refuse to start on a bad config or transport; later edits are re-checked on every call.
    const config = loadConfig(configPath);
    const transport = deps.transportFor(config);
    log.info({ config: configPath, transport: transport.name, contacts: config.contacts.size }, "openclaw-guard MCP server starting on stdio");
  } catch (error) {
    process.stderr.write(`openclaw-guard serve: refusing to start.\n${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const server = createServer({ send: deps });
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  const stopWatching = watchToolList(deps.config, () => void server.sendToolListChanged().catch(() => {}));
  // A client that closes stdin right after a call still gets its answer and its audit record.
  process.stdin.on("end", () => void server.drain().then(() => server.close()));
  await closed;
  stopWatching();
  await deps.close();
  return 0;
}
