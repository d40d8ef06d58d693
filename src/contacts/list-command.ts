import { parseCommandArgs } from "../cli-args.js";
import { loadConfig, resolveConfigPath } from "./config.js";

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs("list-contacts", args, { json: { type: "boolean" } });
  const config = loadConfig(resolveConfigPath({ flag: values.config }));
  const contacts = [...config.contacts.values()].map(({ alias, channel, description }) => ({ alias, channel, description }));
  if (values.json) process.stdout.write(`${JSON.stringify({ contacts })}\n`);
  else if (contacts.length === 0) process.stderr.write("The address book is empty: every send is refused.\n");
  else for (const c of contacts) process.stdout.write(`${c.alias.padEnd(20)} ${c.channel.padEnd(10)} ${c.description}\n`);
  return 0;
}
