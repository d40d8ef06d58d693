// The plugin's decisions, attacked: every spelling the gateway accepts for a vetted recipient is
// delivered, no spelling of anyone else is, and odd events cancel rather than throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalDestination } from "../../src/contacts/targets.js";
import { createAdmissions } from "../../src/plugin/admissions.js";
import { bookFingerprint, bookFromContacts, type BookContact } from "../../src/plugin/book.js";
import { decideReply, decideSend, decideToolCall, type BookState } from "../../src/plugin/decide.js";

const CONTACTS: BookContact[] = [
  { alias: "alice", channel: "telegram", target: "555111" },
  { alias: "ops", channel: "telegram", target: "-1001234567890" },
  { alias: "standup", channel: "telegram", target: "-1009876543210:topic:5" },
  { alias: "bot", channel: "telegram", target: "@Alice_Bot" },
  { alias: "bob", channel: "whatsapp", target: "+15551234567" },
  { alias: "fam", channel: "whatsapp", target: "120363025246125486@g.us" },
  { alias: "sig", channel: "signal", target: "+4915112345678" },
];
const book: BookState = { ok: true, book: bookFromContacts(CONTACTS) };
const policy = { internalChannels: new Set(["webchat"]) };
const toolPolicy = { ...policy, allowTools: new Set<string>() };
const NOW = 1_000_000;
const send = (channel: unknown, to: unknown, extra: { threadId?: unknown; content?: unknown } = {}, state: BookState = book, admissions = createAdmissions()) =>
  decideSend(state, policy, admissions, { channel, to, ...extra }, NOW);

describe("decideSend: spellings of vetted recipients are delivered", () => {
  const vetted: [string, string, { threadId?: unknown }?][] = [
    ["telegram", "555111"],
    ["telegram", " 555111 "],
    ["telegram", "telegram:555111"],
    ["telegram", "TELEGRAM:555111"],
    ["telegram", "tg:555111"],
    ["telegram", "Tg: 555111"],
    ["telegram", "telegram:tg:555111"],
    ["telegram", "-1001234567890"],
    ["telegram", "telegram:group:-1001234567890"],
    ["telegram", "group:-1001234567890"],
    ["telegram", "555111\n"], // OpenClaw trims too: the same chat
    ["telegram", "555111:topic:1"], // a thread of a vetted chat reaches the same people
    ["telegram", "-1001234567890:topic:7"], // a vetted group covers its topics
    ["telegram", "-1001234567890:7"],
    ["telegram", "-1001234567890", { threadId: 7 }],
    ["telegram", "-1009876543210:topic:5"],
    ["telegram", "-1009876543210:topic:05"],
    ["telegram", "-1009876543210:5"],
    ["telegram", "-1009876543210:topic:5", { threadId: "5" }],
    ["telegram", "@alice_bot"],
    ["telegram", "@ALICE_BOT"],
    ["telegram", "t.me/alice_bot"],
    ["telegram", "https://t.me/Alice_Bot"],
    ["telegram", "alice_bot"],
    ["telegram", "tg:@alice_bot"],
    ["whatsapp", "+15551234567"],
    ["whatsapp", "+1 (555) 123-4567"],
    ["whatsapp", "15551234567"],
    ["whatsapp", "whatsapp:+15551234567"],
    ["whatsapp", "15551234567@s.whatsapp.net"],
    ["whatsapp", "15551234567:12@s.whatsapp.net"],
    ["whatsapp", "15551234567@c.us"],
    ["whatsapp", "120363025246125486@g.us"],
    ["whatsapp", "group:120363025246125486@g.us"],
    ["signal", "+4915112345678"],
    ["signal", "signal:+4915112345678"],
  ];
  it.each(vetted)("%s %j", (channel, to, extra) => {
    expect(send(channel, to, extra)).toMatchObject({ deliver: true, code: "vetted" });
  });
});

describe("decideSend: everyone else is cancelled", () => {
  const refused: [string | undefined, unknown, { threadId?: unknown }?][] = [
    ["telegram", "555112"],
    ["telegram", "5551110"],
    ["telegram", "-555111"],
    ["telegram", "0555111"],
    ["telegram", "-1009876543210"], // only topic 5 of this group is vetted
    ["telegram", "-1009876543210:topic:6"],
    ["telegram", "-1009876543210:topic:5", { threadId: 6 }],
    ["telegram", "-1009876543210", { threadId: 5 }], // fail closed: the bare group is not vetted
    ["telegram", "-1001234567890", { threadId: "7; drop" }],
    ["telegram", "-1001234567890:TOPIC:7"], // OpenClaw does not read an upper-case marker
    ["telegram", "-1001234567890:direct-topic:0"],
    ["telegram", "group:alice_bot"], // OpenClaw strips a bare group: only around a numeric chat (found by the differential test)
    ["telegram", "@alice_bot2"],
    ["telegram", "@alice"],
    ["telegram", "t.me/alice_bot/1"],
    ["telegram", "https://evil.example/t.me/alice_bot"],
    ["telegram", "５５５１１１"], // fullwidth digits
    ["telegram", "٥٥٥١١١"], // Arabic-Indic digits
    ["telegram", "555\u200b111"], // zero width space
    ["telegram", "t\u0435legram:555111"], // Cyrillic e
    ["telegram", "@аlice_bot"], // Cyrillic a
    ["telegram", "telegram:"],
    ["telegram", ""],
    ["telegram", "   "],
    ["telegram", "+15551234567"],
    ["telegram", "555111 555112"],
    ["telegram", "555111,555112"],
    ["whatsapp", "+15551234568"],
    ["whatsapp", "+1 555 123 4567 8"],
    ["whatsapp", "Bob"], // a group-name lookup
    ["whatsapp", "15551234567@lid"],
    ["whatsapp", "120363025246125487@g.us"],
    ["whatsapp", "+１５５５１２３４５６７"],
    ["whatsapp", "0015551234567"],
    ["whatsapp", "15551234567:12@c.us"], // OpenClaw refuses a device suffix on c.us (found by test/e2e/whatsapp-targets.test.ts)
    ["signal", "+49 151 12345678"], // not the stored canonical form: refused, not guessed
    ["signal", "SIGNAL:+4915112345678x"],
    ["discord", "user:123456789012345678"],
    ["irc", "#general"],
    ["telegram", 555111],
    ["telegram", null],
    ["telegram", { toString: () => "555111" }],
    ["telegram", ["555111"]],
    [undefined, "555111"],
    ["Telegram", "555111"],
    ["__proto__", "555111"],
  ];
  it.each(refused)("%s %j", (channel, to, extra) => {
    expect(send(channel, to, extra)).toMatchObject({ deliver: false });
  });

  it("cancels everything but internal channels while the book is invalid", () => {
    const invalid: BookState = { ok: false, error: "bad" };
    expect(send("telegram", "555111", {}, invalid)).toMatchObject({ deliver: false, code: "book-invalid" });
    expect(send("webchat", "agent:main:main", {}, invalid)).toMatchObject({ deliver: true, code: "internal-channel" });
  });

  it("cancels everything on an empty book", () => {
    expect(send("telegram", "555111", {}, { ok: true, book: bookFromContacts([]) })).toMatchObject({ deliver: false, code: "not-in-address-book" });
  });

  it("never shows a full number in what it logs", () => {
    const verdict = send("whatsapp", "+1 (555) 999-0000");
    expect(JSON.stringify(verdict)).not.toMatch(/5559990000|999-0000/);
    expect(JSON.stringify(send("whatsapp", "+15551234567"))).not.toContain("15551234567");
  });
});

/** The ways callers write one Telegram chat, as the gateway accepts them. */
const telegramSpelling = (chat: string) =>
  fc.tuple(fc.constantFrom("", "telegram:", "TELEGRAM:", "tg:", "Tg:", "telegram:tg:"), fc.constantFrom("", " ", "  "), fc.constantFrom("", " ", "\t")).map(([prefix, inner, outer]) => `${outer}${prefix}${prefix ? inner : ""}${chat}${outer}`);
const whatsappSpelling = (digits: string) =>
  fc.constantFrom(`+${digits}`, digits, `whatsapp:+${digits}`, `${digits}@s.whatsapp.net`, `${digits}:7@s.whatsapp.net`, `${digits}@c.us`, `+${digits.slice(0, 1)} (${digits.slice(1, 4)}) ${digits.slice(4, 7)}-${digits.slice(7)}`);

describe("properties", () => {
  const chatId = fc.bigInt({ min: 1n, max: 9_999_999_999n }).chain((n) => fc.constantFrom(String(n), `-100${n}`));

  it("every spelling of a vetted Telegram chat is delivered", () => {
    fc.assert(
      fc.property(chatId.chain((chat) => fc.tuple(fc.constant(chat), telegramSpelling(chat))), ([chat, spelling]) => {
        const state: BookState = { ok: true, book: bookFromContacts([{ alias: "x", channel: "telegram", target: chat }]) };
        expect(send("telegram", spelling, {}, state).deliver).toBe(true);
      }),
    );
  });

  it("no spelling of an unvetted Telegram chat is delivered", () => {
    fc.assert(
      fc.property(chatId, chatId, fc.boolean(), (vetted, other, topic) => {
        fc.pre(vetted !== other);
        const state: BookState = { ok: true, book: bookFromContacts([{ alias: "x", channel: "telegram", target: vetted }]) };
        return fc.assert(fc.property(telegramSpelling(topic ? `${other}:topic:3` : other), (spelling) => !send("telegram", spelling, {}, state).deliver), { numRuns: 5 }) === undefined;
      }),
    );
  });

  it("every spelling of a vetted WhatsApp number is delivered, none of another", () => {
    const digits = fc.stringMatching(/^[1-9]\d{10}$/);
    fc.assert(
      fc.property(digits, digits, (vetted, other) => {
        fc.pre(vetted !== other);
        const state: BookState = { ok: true, book: bookFromContacts([{ alias: "x", channel: "whatsapp", target: `+${vetted}` }]) };
        fc.assert(fc.property(whatsappSpelling(vetted), (s) => send("whatsapp", s, {}, state).deliver === true), { numRuns: 7 });
        fc.assert(fc.property(whatsappSpelling(other), (s) => send("whatsapp", s, {}, state).deliver === false), { numRuns: 7 });
      }),
    );
  });

  it("arbitrary text is delivered only when it names a vetted contact, and never throws", () => {
    const noise = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: fc.constantFrom(..."0123456789-+:@tgelramTGp. _/\u200b５") }));
    fc.assert(
      fc.property(fc.constantFrom("telegram", "whatsapp", "signal", "webchat2"), noise, fc.option(fc.oneof(fc.integer(), fc.string())), (channel, to, threadId) => {
        const verdict = send(channel, to, { threadId });
        if (!verdict.deliver) return true;
        const destination = canonicalDestination(channel as "telegram", to);
        return destination !== undefined && CONTACTS.some((c) => c.channel === channel && canonicalDestination(c.channel, c.target)?.chat === destination.chat);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("decideReply", () => {
  it("delivers a reply to the admitted sender's conversation, and its send-hook twin, but nothing else there", () => {
    const admissions = createAdmissions();
    const destination = canonicalDestination("telegram", "4242")!;
    admissions.admit({ channel: "telegram", accountId: "default", destination, senderId: "4242" }, NOW);
    const reply = { channel: "telegram", accountId: "default", conversationId: "telegram:4242", senderId: "4242", text: "Hello there, here is the answer." };
    expect(decideReply(book, policy, admissions, reply, NOW + 1000)).toMatchObject({ deliver: true, code: "admitted-reply" });
    // the same reply again at message_sending (no sender there), also as a chunk
    expect(send("telegram", "4242", { content: "Hello there, here is the answer." }, book, admissions)).toMatchObject({ deliver: true, code: "admitted-reply" });
    expect(decideSend(book, policy, admissions, { channel: "telegram", to: "4242", content: "here is the answer." }, NOW + 2000)).toMatchObject({ deliver: true });
    // other text to that chat is an explicit send: the book decides
    expect(decideSend(book, policy, admissions, { channel: "telegram", to: "4242", content: "something else" }, NOW + 2000)).toMatchObject({ deliver: false });
    // and the twin does not outlive the handoff window
    expect(decideSend(book, policy, admissions, { channel: "telegram", to: "4242", content: "here is the answer." }, NOW + 1000 + 61_000)).toMatchObject({ deliver: false });
  });

  it("cancels replies without a matching admission: another sender, another account, another chat, too late, no sender", () => {
    const admissions = createAdmissions();
    admissions.admit({ channel: "telegram", accountId: "default", destination: canonicalDestination("telegram", "4242")!, senderId: "4242" }, NOW);
    const base = { channel: "telegram", accountId: "default", conversationId: "telegram:4242", senderId: "4242" };
    expect(decideReply(book, policy, admissions, { ...base, senderId: "999" }, NOW)).toMatchObject({ deliver: false });
    expect(decideReply(book, policy, admissions, { ...base, accountId: "work" }, NOW)).toMatchObject({ deliver: false });
    expect(decideReply(book, policy, admissions, { ...base, conversationId: "telegram:4243" }, NOW)).toMatchObject({ deliver: false });
    expect(decideReply(book, policy, admissions, { ...base, senderId: undefined }, NOW)).toMatchObject({ deliver: false });
    expect(decideReply(book, policy, admissions, base, NOW + 3 * 3600_000)).toMatchObject({ deliver: false });
    expect(decideReply(book, policy, admissions, base, NOW - 1)).toMatchObject({ deliver: false });
  });

  it("admits no one on a channel whose replies are not measured end to end: a WhatsApp sender's reply needs the book", () => {
    // What the plugin sees with channels.whatsapp.pluginHooks.messageReceived on: the channel passes the inbound message.
    const admissions = createAdmissions();
    for (const [channel, chat] of [["whatsapp", "+15557654321"], ["whatsapp", "120363000000000001@g.us"], ["signal", "+4915100000000"]] as const) {
      admissions.admit({ channel, accountId: "default", destination: canonicalDestination(channel, chat)!, senderId: chat }, NOW);
      const reply = { channel, accountId: "default", conversationId: chat, senderId: chat, text: "Hello there, here is the answer." };
      expect(decideReply(book, policy, admissions, reply, NOW + 1000), `${channel} ${chat}`).toMatchObject({ deliver: false, code: "not-in-address-book" });
      expect(decideSend(book, policy, admissions, { channel, to: chat, content: reply.text }, NOW + 2000)).toMatchObject({ deliver: false, code: "not-in-address-book" });
    }
    // a vetted WhatsApp chat still gets its reply
    expect(decideReply(book, policy, admissions, { channel: "whatsapp", conversationId: "+15551234567" }, NOW)).toMatchObject({ deliver: true, code: "vetted" });
  });

  it("admits for the configured window only, and with a window of 0 never", () => {
    const admit = (admissions: ReturnType<typeof createAdmissions>) => admissions.admit({ channel: "telegram", accountId: "default", destination: canonicalDestination("telegram", "4242")!, senderId: "4242" }, NOW);
    const reply = { channel: "telegram", accountId: "default", conversationId: "telegram:4242", senderId: "4242", text: "hi" };
    const short = createAdmissions(5_000);
    admit(short);
    expect(decideReply(book, policy, short, reply, NOW + 5_000)).toMatchObject({ deliver: true, code: "admitted-reply" });
    expect(decideReply(book, policy, short, reply, NOW + 5_001)).toMatchObject({ deliver: false, code: "not-in-address-book" });
    const never = createAdmissions(0);
    admit(never);
    expect(decideReply(book, policy, never, reply, NOW)).toMatchObject({ deliver: false, code: "not-in-address-book" });
  });

  it("delivers WebChat and vetted conversations without an admission", () => {
    const admissions = createAdmissions();
    expect(decideReply(book, policy, admissions, { channel: "webchat", conversationId: "agent:main:main" }, NOW)).toMatchObject({ deliver: true, code: "internal-channel" });
    expect(decideReply(book, policy, admissions, { channel: "telegram", conversationId: "telegram:555111" }, NOW)).toMatchObject({ deliver: true, code: "vetted" });
    expect(decideReply(book, policy, admissions, { channel: "telegram", conversationId: undefined }, NOW)).toMatchObject({ deliver: false });
  });
});

describe("decideToolCall (the assistant's message tool)", () => {
  const call = (params: unknown, channelId = "telegram") => decideToolCall(book, toolPolicy, { toolName: "message", params, channelId });
  it("blocks polls, topics and stickers to anyone unvetted, and without an explicit target", () => {
    expect(call({ action: "poll", target: "777", question: "?" })).toMatchObject({ deliver: false });
    expect(call({ action: "topic-create", target: "-100777", name: "x" })).toMatchObject({ deliver: false });
    expect(call({ action: "sticker", to: "tg:777" })).toMatchObject({ deliver: false });
    expect(call({ action: "poll" })).toMatchObject({ deliver: false, code: "no-recipient" });
    expect(call({ action: "broadcast", targets: ["555111", "777"] })).toMatchObject({ deliver: false });
    expect(call({ action: "poll", channel: "whatsapp", target: "555111" })).toMatchObject({ deliver: false });
    // WhatsApp reads chatJid first: a vetted target does not vet a stranger's chatJid (seen in test/e2e/whatsapp.test.ts).
    expect(call({ action: "upload-file", channel: "whatsapp", target: "+15551234567", chatJid: "15559999999@s.whatsapp.net", buffer: "aGk=" })).toMatchObject({ deliver: false, code: "not-in-address-book" });
    expect(call({ action: "react", channel: "whatsapp", to: "+15551234567", chatJid: "15559999999@s.whatsapp.net", messageId: "x", emoji: "y" })).toMatchObject({ deliver: false });
    expect(call("not an object")).toMatchObject({ deliver: false });
  });
  it("lets vetted targets, read-only actions, target-less sends and other tools through", () => {
    expect(call({ action: "poll", target: "tg:555111" })).toMatchObject({ deliver: true });
    expect(call({ action: "upload-file", channel: "whatsapp", chatJid: "15551234567@s.whatsapp.net", buffer: "aGk=" })).toMatchObject({ deliver: true });
    expect(call({ action: "broadcast", targets: ["555111", "@alice_bot"] })).toMatchObject({ deliver: true });
    expect(call({ action: "read", target: "777" })).toMatchObject({ deliver: true });
    expect(call({ action: "send", message: "hi" })).toMatchObject({ deliver: true });
    expect(decideToolCall(book, toolPolicy, { toolName: "exec", params: { command: "ls" } })).toMatchObject({ deliver: true });
  });
  it("checks every recipient field the channel reads (22.2: a vetted target beside an unvetted chatId)", () => {
    expect(call({ action: "topic-edit", target: "-1001234567890", chatId: "-100777", name: "x" })).toMatchObject({ deliver: false, code: "not-in-address-book" });
    expect(call({ action: "topic-edit", to: "-1001234567890", channelId: "-100777" })).toMatchObject({ deliver: false });
    expect(call({ action: "edit", target: "555111", chatId: -100777, messageId: 3 })).toMatchObject({ deliver: false });
    expect(call({ action: "react", chatId: "777", messageId: 1, emoji: "x" })).toMatchObject({ deliver: false });
    expect(call({ action: "poll", targets: ["555111"], to: ["777"] })).toMatchObject({ deliver: false });
    expect(call({ action: "poll", recipient: "777" })).toMatchObject({ deliver: false });
    // Two vetted chats in fields the channel reads one of: which one it picks is not ours to guess.
    expect(call({ action: "topic-edit", target: "555111", chatId: "-1001234567890" })).toMatchObject({ deliver: false, code: "recipients-disagree" });
    expect(call({ action: "topic-edit", chatId: "-1009876543210", threadId: 5, topicId: 6 })).toMatchObject({ deliver: false, code: "recipients-disagree" });
    expect(call({ action: "topic-edit", chatId: "-1009876543210", topicId: 6 })).toMatchObject({ deliver: false });
    // The same chat in every field, spelled differently, and numeric chat ids: vetted.
    expect(call({ action: "topic-edit", target: "telegram:-1001234567890", chatId: -1001234567890, name: "x" })).toMatchObject({ deliver: true });
    expect(call({ action: "topic-edit", chatId: "-1001234567890", topicId: 7 })).toMatchObject({ deliver: true });
  });
  it("refuses every call that could switch the guard off, whatever allowTools says (22.1)", () => {
    const open = { ...toolPolicy, allowTools: new Set(["plugins", "gateway", "config"]) };
    for (const params of [{ action: "disable", pluginId: "openclaw-guard" }, { action: "uninstall", pluginId: "OpenClaw-Guard " }, { action: "reload" }, { action: "install", packageName: "x" }, { action: "enable", pluginId: "voice-call" }, { action: " DISABLE ", pluginId: "openclaw-guard" }, {}]) {
      expect(decideToolCall(book, open, { toolName: "plugins", params })).toMatchObject({ deliver: false, code: "guard-protected" });
    }
    expect(decideToolCall(book, open, { toolName: "gateway", params: { action: "update.run" } })).toMatchObject({ deliver: false, code: "guard-protected" });
    expect(decideToolCall(book, open, { toolName: "gateway", params: { action: "config.apply", raw: "{}" } })).toMatchObject({ deliver: false, code: "guard-protected" });
    expect(decideToolCall(book, open, { toolName: "config", params: { action: "set", path: "plugins.entries.openclaw-guard.enabled", value: false } })).toMatchObject({ deliver: false });
    // The owner-only delegate: a free-text request to the system agent, whatever `action` rides along.
    for (const params of [{ message: "disable the openclaw-guard plugin" }, { action: "get", message: "set plugins.entries.openclaw-guard.enabled false" }, { action: "status", message: "status", sessionId: "delegate-1" }, { action: "get", prompt: "disable openclaw-guard" }, { action: "list", request: { text: "uninstall openclaw-guard" } }]) {
      expect(decideToolCall(book, open, { toolName: "openclaw", params })).toMatchObject({ deliver: false, code: "guard-protected", reason: expect.stringMatching(/system agent/) });
    }
    expect(decideToolCall(book, toolPolicy, { toolName: "plugins", params: { action: "list" } })).toMatchObject({ deliver: true });
    expect(decideToolCall(book, toolPolicy, { toolName: "gateway", params: { action: "config.get" } })).toMatchObject({ deliver: true });
  });
  it("refuses outbound tools with no vettable recipient and unknown outbound-looking tools, unless allowTools names them", () => {
    for (const [toolName, params] of [["sessions_send", { sessionKey: "agent:main:telegram:direct:777", message: "hi" }], ["voice_call", { action: "initiate_call", to: "+15550001111" }], ["voicecall", { to: "+15550001111" }], ["conversations_send", { text: "x" }], ["acme_sms", {}], ["custom_tool", { chatId: "777" }], ["custom_tool", { targets: ["a"] }]] as const) {
      expect(decideToolCall(book, toolPolicy, { toolName, params })).toMatchObject({ deliver: false });
      expect(decideToolCall(book, { ...toolPolicy, allowTools: new Set([toolName]) }, { toolName, params })).toMatchObject({ deliver: true });
    }
    expect(decideToolCall(book, toolPolicy, { toolName: "web_fetch", params: { url: "https://example.org" } })).toMatchObject({ deliver: true });
    expect(decideToolCall(book, toolPolicy, { toolName: "sessions_spawn", params: { task: "x" } })).toMatchObject({ deliver: true });
  });
  it("never lets a message-tool call through when any recipient field names an unvetted chat (property)", () => {
    const fields = ["chatId", "channelId", "to", "target", "recipient", "userId", "groupId"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.subarray([...fields]), fc.constantFrom("poll", "topic-edit", "topic-create", "react", "edit", "delete", "sticker", "pin"), fc.integer({ min: 600000, max: 9999999 }), (bad, vettedFields, action, unvetted) => {
        const params: Record<string, unknown> = { action };
        for (const f of vettedFields) params[f] = "-1001234567890";
        params[bad] = fc.sample(fc.constantFrom(String(unvetted), unvetted, `tg:${unvetted}`, `-100${unvetted}`), 1)[0];
        expect(call(params)).toMatchObject({ deliver: false });
      }),
    );
  });
});

describe("bookFingerprint", () => {
  it("is the same for the same recipients however they are spelled or ordered, and changes with any of them", () => {
    const a = bookFingerprint(CONTACTS);
    expect(bookFingerprint([...CONTACTS].reverse())).toBe(a);
    expect(bookFingerprint(CONTACTS.map((c) => (c.alias === "bot" ? { ...c, target: "@alice_bot" } : c)))).toBe(a);
    expect(bookFingerprint(CONTACTS.map((c) => (c.alias === "alice" ? { ...c, target: "555112" } : c)))).not.toBe(a);
    expect(bookFingerprint(CONTACTS.map((c) => (c.alias === "alice" ? { ...c, account: "work" } : c)))).not.toBe(a);
    expect(bookFingerprint(CONTACTS.slice(1))).not.toBe(a);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).not.toContain("555111");
  });
});
