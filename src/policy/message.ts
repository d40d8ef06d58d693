// Checks on the message text itself. The text is delivered verbatim: nothing here rewrites it.
export type MessageCheck = { ok: true; text: string } | { ok: false; reason: string };

export function checkMessage(message: unknown): MessageCheck {
  if (typeof message !== "string") return { ok: false, reason: "The message must be a string." };
  if (message.trim() === "") return { ok: false, reason: "The message is empty." };
  // argv cannot carry NUL, and a silently truncated message is worse than a refused one.
  if (message.includes("\u0000")) return { ok: false, reason: "The message contains a NUL character, which cannot be delivered." };
  return { ok: true, text: message };
}
