import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  override name = "UsageError";
}

/** parseArgs with the global --config option and usage errors that name the command. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options: { config: { type: "string" }, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's text, without its hint about `--` (the usage that follows shows the form).
    const text = error instanceof Error ? error.message.replace(/\. To specify a positional argument starting with a '-'.*$/s, ".") : String(error);
    throw new UsageError(`openclaw-guard ${command}: ${text}`);
  }
}
