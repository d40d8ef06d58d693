// Differential test of the plugin's Telegram canonicaliser against OpenClaw 2026.9.6's own target
// parser (from the pinned install in .cache/e2e; the module name is that build's). Whenever the guard
// understands a recipient, OpenClaw must read it as the same chat and topic; otherwise the guard could
// vet one chat while the gateway delivers to another.
import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalDestination } from "../../src/contacts/targets.js";
import { REPO_ROOT } from "../support/claude-code.js";
import { requireE2eTools } from "../support/openclaw-gateway.js";

const MODULE = join(REPO_ROOT, ".cache/e2e/openclaw/node_modules/openclaw/dist/topic-conversation-BlxRQJEK.mjs");
type TelegramTarget = { chatId: string; messageThreadId?: number; directMessagesTopicId?: number };
type Parsers = { s: (to: string) => TelegramTarget; o: (to: string) => string; a: (raw: string) => string | undefined };

describe("Telegram targets: the guard reads them as OpenClaw does", () => {
  it("every recipient the guard understands is the same chat and topic for OpenClaw", async () => {
    requireE2eTools();
    // A missing module fails: a new OpenClaw build must not turn this check off silently.
    expect(existsSync(MODULE), `${MODULE} is gone: OpenClaw's build changed, update MODULE`).toBe(true);
    const openclaw = (await import(MODULE)) as Parsers;
    const alphabet = fc.constantFrom(..."0123456789-:@_ tgelramTGpcoiAZ./h".split(""), "telegram:", "tg:", "group:", ":topic:", ":direct-topic:", "t.me/", "https://", "-100");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join("")), (to) => {
        const ours = canonicalDestination("telegram", to);
        if (!ours) return;
        // OpenClaw's outbound path: legacy group: form, then the target parser, then its lookup normaliser.
        const parsed = openclaw.s(openclaw.o(to));
        const chat = openclaw.a(parsed.chatId)?.toLowerCase();
        expect(chat, to).toBe(ours.chat);
        const thread = parsed.directMessagesTopicId !== undefined ? `direct-topic:${parsed.directMessagesTopicId}` : parsed.messageThreadId !== undefined ? `topic:${parsed.messageThreadId}` : undefined;
        expect(thread, to).toBe(ours.thread);
      }),
      { numRuns: 20_000 },
    );
  });
});
