import { describe, expect, it } from "vitest";
import { validateTarget, type Channel } from "../../src/contacts/targets.js";

describe("validateTarget", () => {
  const valid: [Channel, string, string][] = [
    ["whatsapp", "+27821234567", "+27821234567"],
    ["whatsapp", "+27 82 123 4567", "+27821234567"],
    ["whatsapp", "120363025246125486@g.us", "120363025246125486@g.us"],
    ["whatsapp", "120363025246125486@newsletter", "120363025246125486@newsletter"],
    ["telegram", "-1001234567890", "-1001234567890"],
    ["telegram", "123456789", "123456789"],
    ["telegram", "@ops_bot", "@ops_bot"],
    ["telegram", "-1001234567890:topic:42", "-1001234567890:topic:42"],
    ["signal", "+4915112345678", "+4915112345678"],
    ["signal", "group:aGVsbG8gd29ybGQ=", "group:aGVsbG8gd29ybGQ="],
    ["signal", "uuid:123e4567-e89b-12d3-a456-426614174000", "uuid:123e4567-e89b-12d3-a456-426614174000"],
    ["imessage", "alice@example.com", "alice@example.com"],
    ["imessage", "chat_id:42", "chat_id:42"],
    ["discord", "channel:123456789012345678", "channel:123456789012345678"],
    ["slack", "user:U0123ABCD", "user:U0123ABCD"],
    ["matrix", "!room:example.org", "!room:example.org"],
    ["matrix", "@bob:example.org", "@bob:example.org"],
  ];
  it.each(valid)("%s accepts %s as %s", (channel, input, canonical) => {
    expect(validateTarget(channel, input)).toEqual({ ok: true, target: canonical });
  });

  const invalid: [Channel, string][] = [
    ["whatsapp", "0821234567"], // national form: no region is guessed
    ["whatsapp", "27821234567"], // no leading +
    ["whatsapp", "+1 555 000 1111"], // not a valid number
    ["whatsapp", "+27821234567 ext. 12"],
    ["whatsapp", "Family group"], // digit-free text would trigger a group-name lookup
    ["telegram", "+27821234567"],
    ["telegram", "ops"],
    ["signal", "0151 12345678"],
    ["discord", "123456789012345678"],
    ["slack", "#general"],
    ["matrix", "bob"],
  ];
  it.each(invalid)("%s rejects %s without echoing it", (channel, input) => {
    const result = validateTarget(channel, input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).not.toContain(input);
      expect(result.reason).toMatch(/Accepted forms/);
    }
  });
});
