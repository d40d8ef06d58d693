import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sendMessage } from "../../src/send/pipeline.js";
import { BOOK, memoryDeps, recordingTransport } from "../helpers.js";

const FULL_NUMBERS = /\+?27821234567|1001234567890/;

describe("sendMessage", () => {
  it("delivers to the vetted target and audits intent before outcome", async () => {
    const transport = recordingTransport();
    const { deps, audit } = memoryDeps(BOOK, transport);
    const result = await sendMessage(deps, { to: " Alice", message: "hello", origin: "mcp" });
    expect(result).toEqual({ status: "sent", to: "alice", channel: "whatsapp", messageId: "m1" });
    expect(transport.requests).toEqual([{ channel: "whatsapp", target: "+27821234567", account: undefined, text: "hello", idempotencyKey: "ocg-id-1" }]);
    expect(audit.records.map((r) => [r.event, r.decision ?? r.status])).toEqual([["attempt", "allow"], ["outcome", "sent"]]);
    expect(audit.records[0]).toMatchObject({ to: "alice", channel: "whatsapp", target: "+27•••••4567", textLength: 5, idempotencyKey: "ocg-id-1" });
    expect(audit.records[0]!.textSha256).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(JSON.stringify(audit.records)).not.toContain("hello");
  });

  it("records the text only when audit.includeText is on", async () => {
    const { deps, audit } = memoryDeps(BOOK.replace("openclaw:", 'audit: { includeText: true }, openclaw:'));
    await sendMessage(deps, { to: "alice", message: "hello", origin: "cli" });
    expect(audit.records[0]!.text).toBe("hello");
  });

  it("refuses and audits a raw number without delivering or echoing it", async () => {
    const { deps, audit, transport } = memoryDeps();
    const result = await sendMessage(deps, { to: "+27821234567", message: "business details", origin: "mcp" });
    expect(result.status).toBe("refused");
    expect(transport.requests).toEqual([]);
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({ event: "attempt", decision: "refuse", status: "refused", code: "phone-number" });
    expect(JSON.stringify([result, audit.records])).not.toMatch(FULL_NUMBERS);
  });

  it("refuses an empty message for a valid alias", async () => {
    const { deps } = memoryDeps();
    expect(await sendMessage(deps, { to: "alice", message: "  ", origin: "mcp" })).toMatchObject({ status: "refused", reason: "The message is empty." });
  });

  it("fails closed when the config turned invalid, naming the problem", async () => {
    const { deps, setConfig, transport } = memoryDeps();
    setConfig(BOOK.replace('"whatsapp"', '"whatsap"'));
    const result = await sendMessage(deps, { to: "alice", message: "hi", origin: "mcp" });
    expect(result).toMatchObject({ status: "refused", reason: expect.stringMatching(/config is invalid.*unknown channel "whatsap"/s) });
    expect(transport.requests).toEqual([]);
  });

  it("sends nothing when the intent cannot be audited", async () => {
    const transport = recordingTransport();
    const { deps } = memoryDeps(BOOK, transport);
    deps.storeFor = () => ({
      auditFile: "/nonexistent",
      transact: () => Promise.reject(new Error("ENOSPC: no space left on device")),
      record: () => Promise.reject(new Error("ENOSPC: no space left on device")),
    });
    const result = await sendMessage(deps, { to: "alice", message: "hi", origin: "mcp" });
    expect(result).toMatchObject({ status: "failed", reason: expect.stringMatching(/audit log or ledger could not be written.*nothing was sent/) });
    expect(transport.requests).toEqual([]);
  });

  it("masks the target in transport error reasons", async () => {
    const transport = recordingTransport(() => ({ status: "failed", reason: 'Target "+27821234567" is not listed; chat 27 82 123 4567 rejected' }));
    const { deps, audit } = memoryDeps(BOOK, transport);
    const result = await sendMessage(deps, { to: "alice", message: "hi", origin: "mcp" });
    expect(result.reason).toContain("+27•••••4567");
    expect(JSON.stringify([result, audit.records])).not.toMatch(/27821234567|82 123 4567/);
  });

  it("reports a throwing transport as unknown (it may have sent)", async () => {
    const { deps } = memoryDeps(BOOK, recordingTransport(() => Promise.reject(new Error("socket hang up"))));
    expect(await sendMessage(deps, { to: "alice", message: "hi", origin: "mcp" })).toMatchObject({ status: "unknown", reason: expect.stringMatching(/socket hang up/) });
  });
});

describe("sendMessage properties", () => {
  it("nothing but an exact alias ever reaches the transport, and every attempt is audited", async () => {
    const aliases = ["alice", "ops"];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("alice", "ops", "Alice", "+27821234567", "alice\u200b", "аlice"), fc.anything()),
        fc.string(),
        async (to, message) => {
          const transport = recordingTransport();
          const { deps, audit } = memoryDeps(BOOK, transport);
          const result = await sendMessage(deps, { to, message, origin: "mcp" });
          expect(audit.records.length).toBeGreaterThanOrEqual(1);
          for (const request of transport.requests) {
            expect(typeof to).toBe("string");
            expect(aliases).toContain((to as string).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "").toLowerCase());
            expect(["+27821234567", "-1001234567890"]).toContain(request.target);
            expect(request.text).toBe(message);
          }
          if (transport.requests.length === 0) expect(result.status).toBe("refused");
          expect(JSON.stringify(audit.records)).not.toMatch(FULL_NUMBERS);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
