import { createInterface } from "node:readline/promises";
import { text } from "node:stream/consumers";
import { confirmationText } from "../mcp/confirm.js";
import { parseCommandArgs, UsageError } from "../cli-args.js";
import { resolveConfigPath } from "../contacts/config.js";
import { createSendDeps } from "./deps.js";
import { sendMessage, type ConfirmationAnswer, type ConfirmationRequest, type SendStatus } from "./pipeline.js";

const EXIT: Record<SendStatus, number> = { sent: 0, queued: 0, refused: 2, failed: 1, unknown: 1 };

/** `send <alias> [message]`: the message from the argument, or from stdin when omitted. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("send", args, { json: { type: "boolean" } });
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError("usage: openclaw-guard send [--config PATH] [--json] <alias> [message]  (message from stdin when omitted)");
  const [to, argMessage] = positionals;
  const message = argMessage ?? (await text(process.stdin));
  const base = createSendDeps(resolveConfigPath({ flag: values.config }));
  const result = await sendMessage({ ...base, confirm: confirmOnTerminal }, { to, message, origin: "cli" }).finally(() => base.close());
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.status === "sent" || result.status === "queued") {
    process.stdout.write(`${result.status}${result.dryRun ? " (dry run, nothing delivered)" : ""}: ${result.to} via ${result.channel}${result.messageId ? `, message id ${result.messageId}` : ""}\n`);
  }
  if (!values.json && result.reason && !result.dryRun) process.stderr.write(`${result.status}: ${result.reason}\n`);
  return EXIT[result.status];
}

/** Asks on the terminal; with no terminal (piped, CI, an agent's shell) nobody can say yes. */
async function confirmOnTerminal(request: ConfirmationRequest): Promise<ConfirmationAnswer> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return { answer: "unavailable", detail: "standard input is not a terminal" };
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const reply = await prompt.question(`${confirmationText(request)}\nType "yes" to send: `);
    return reply.trim().toLowerCase() === "yes" ? { answer: "accept" } : { answer: "decline" };
  } finally {
    prompt.close();
  }
}
