// The content policy at the gateway: the same checks the MCP server runs (src/policy/content.ts),
// on every message the plugin lets through to an external chat, vetted recipients included, so a
// secret sent by a path that never touched the MCP server is still withheld.
import { decideContent, findContent, type FindingKind } from "../policy/content.js";
import { DEFAULTS, type ContactPolicy } from "../policy/settings.js";
import type { Book } from "./book.js";

type ContentPolicy = ContactPolicy["content"];

/** For an admitted reply (no contact) or a contact without its own settings. */
const DEFAULT_CONTENT: ContentPolicy = { secrets: DEFAULTS.secrets, phoneNumbers: DEFAULTS.phoneNumbers, deny: [], maxLength: DEFAULTS.maxLength };

export type ContentCheck = { action: "allow" } | { action: "block" | "confirm"; reason: string; kinds: FindingKind[] };

const byAlias = new WeakMap<Book, Map<string, ContentPolicy>>();

function policyFor(book: Book, alias: string | undefined): ContentPolicy {
  let map = byAlias.get(book);
  if (!map) {
    map = new Map();
    for (const entry of book.entries.values()) if (entry.content) map.set(entry.alias, entry.content);
    byAlias.set(book, map);
  }
  const policy = (alias !== undefined ? map.get(alias) : undefined) ?? DEFAULT_CONTENT;
  // The gateway splits long messages itself, and the assistant's replies run long: no length limit here.
  return { ...policy, maxLength: Number.POSITIVE_INFINITY };
}

/** The content decision for `text` sent to the contact `alias` (undefined: an admitted reply). */
export async function checkContent(book: Book, alias: string | undefined, text: unknown): Promise<ContentCheck> {
  if (typeof text !== "string" || text.trim() === "") return { action: "allow" };
  const policy = policyFor(book, alias);
  const decision = decideContent(await findContent(text, policy, book.regions), policy);
  return decision.action === "allow" ? decision : { action: decision.action, reason: decision.reason, kinds: [...new Set(decision.findings.map((f) => f.kind))] };
}

/** The texts of a message-tool call that reach the chat (message, caption, poll question and options...). */
export function toolCallText(params: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const key of ["message", "text", "content", "caption", "question", "name", "title", "description", "emoji"]) {
    const value = params[key];
    if (typeof value === "string") parts.push(value);
  }
  for (const key of ["pollOption", "options", "pollOptions", "answers"]) {
    const value = params[key];
    if (Array.isArray(value)) for (const item of value) if (typeof item === "string") parts.push(item);
  }
  return parts.length > 0 ? parts.join("\n") : undefined;
}

/** Starts loading the secret scanner, so the first send does not wait ~60 ms for it. */
export function warmContentChecks(): void {
  void findContent("warm-up", DEFAULT_CONTENT, []).catch(() => {});
}
