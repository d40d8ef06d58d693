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

  it("passes a gateway block through as refused (never sent) and audits it", async () => {
    const transport = recordingTransport(() => ({ status: "refused", reason: "The gateway blocked it: a gateway plugin hook cancelled the message" }));
    const { deps, audit } = memoryDeps(BOOK, transport);
    expect(await sendMessage(deps, { to: "alice", message: "hi", origin: "mcp" })).toMatchObject({ status: "refused", reason: expect.stringMatching(/^The gateway blocked it/) });
    expect(audit.records.filter((r) => r.event === "outcome").map((r) => r.status)).toEqual(["refused"]);
  });

  it("reports a throwing transport as unknown (it may have sent)", async () => {
    const { deps } = memoryDeps(BOOK, recordingTransport(() => Promise.reject(new Error("socket hang up"))));
    expect(await sendMessage(deps, { to: "alice", message: "hi", origin: "mcp" })).toMatchObject({ status: "unknown", reason: expect.stringMatching(/socket hang up/) });
  });
});

describe("sendMessage policy order and quotas", () => {
  const LIMITED = BOOK.replace("openclaw:", "policy: { duplicateWindowSeconds: 60, rateLimit: { perContact: { count: 2, windowSeconds: 100 } } }, openclaw:");

  it("refuses the same text inside the duplicate window and allows it after (clock injected)", async () => {
    const { deps, clock } = memoryDeps(LIMITED);
    expect((await sendMessage(deps, { to: "ops", message: "same", origin: "mcp" })).status).toBe("sent");
    clock.now += 59_999;
    expect(await sendMessage(deps, { to: "ops", message: "same", origin: "mcp" })).toMatchObject({ status: "refused", reason: expect.stringMatching(/same text already went to ops/) });
    clock.now += 1;
    expect((await sendMessage(deps, { to: "ops", message: "same", origin: "mcp" })).status).toBe("sent");
  });

  it("refused and failed attempts do not consume quota; sent and unknown ones do", async () => {
    let next: "sent" | "refused" | "failed" | "unknown" = "refused";
    const transport = recordingTransport(() => ({ status: next }));
    const { deps } = memoryDeps(LIMITED, transport);
    expect((await sendMessage(deps, { to: "ops", message: "AKIA" + "ABCDEFGHIJKLMNOP" + " leaked", origin: "mcp" })).status).toBe("refused");
    expect((await sendMessage(deps, { to: "ops", message: "blocked at the gateway", origin: "mcp" })).status).toBe("refused");
    next = "failed";
    expect((await sendMessage(deps, { to: "ops", message: "a", origin: "mcp" })).status).toBe("failed");
    next = "unknown";
    expect((await sendMessage(deps, { to: "ops", message: "b", origin: "mcp" })).status).toBe("unknown");
    next = "sent";
    expect((await sendMessage(deps, { to: "ops", message: "c", origin: "mcp" })).status).toBe("sent");
    expect(await sendMessage(deps, { to: "ops", message: "d", origin: "mcp" })).toMatchObject({ status: "refused", reason: expect.stringMatching(/limit of 2 messages per 100 s/) });
    expect(transport.requests.map((r) => r.text)).toEqual(["blocked at the gateway", "a", "b", "c"]);
  });

  it("checks content before limits: a blocked secret never reaches the ledger", async () => {
    const { deps, audit } = memoryDeps(LIMITED);
    const result = await sendMessage(deps, { to: "ops", message: "key AKIAABCDEFGHIJKLMNOP", origin: "mcp" });
    expect(result).toMatchObject({ status: "refused", reason: "The message contains an AWS access key at characters 5-24. Remove it and send again, or ask the human to send it." });
    expect(audit.records[0]).toMatchObject({ code: "content", findings: [{ kind: "secret", start: 4, end: 24 }] });
    expect(JSON.stringify(audit.records)).not.toContain("AKIAABCDEFGHIJKLMNOP");
  });

  it("refuses when the address book changed while the human was being asked", async () => {
    const transport = recordingTransport();
    const { deps, setConfig } = memoryDeps(BOOK.replace("openclaw:", 'policy: { confirm: "always" }, openclaw:'), transport);
    deps.confirm = async () => {
      setConfig(BOOK.replace('"+27821234567"', '"+4915112345678"').replace("openclaw:", 'policy: { confirm: "always" }, openclaw:'));
      return { answer: "accept" };
    };
    expect(await sendMessage(deps, { to: "alice", message: "hi", origin: "mcp" })).toMatchObject({ status: "refused", reason: expect.stringMatching(/address book changed while the human was asked \("alice" now points elsewhere\)/) });
    deps.confirm = async () => {
      setConfig("{ broken");
      return { answer: "accept" };
    };
    expect(await sendMessage(deps, { to: "alice", message: "hi again", origin: "mcp" })).toMatchObject({ status: "refused", reason: expect.stringMatching(/it is now invalid/) });
    expect(transport.requests).toEqual([]);
  });

  it("confirm: first asks again after a dry run, and again when the alias gets a new target", async () => {
    let dryRun = true;
    const transport = recordingTransport(() => (dryRun ? { status: "sent", dryRun: true } : { status: "sent", messageId: "m" }));
    const FIRST = BOOK.replace("openclaw:", 'policy: { confirm: "first" }, openclaw:');
    const { deps, setConfig } = memoryDeps(FIRST, transport);
    let asked = 0;
    deps.confirm = async () => (asked++, { answer: "accept" });
    await sendMessage(deps, { to: "alice", message: "dry", origin: "mcp" });
    dryRun = false;
    await sendMessage(deps, { to: "alice", message: "real 1", origin: "mcp" });
    await sendMessage(deps, { to: "alice", message: "real 2", origin: "mcp" });
    expect(asked).toBe(2);
    setConfig(FIRST.replace('"+27821234567"', '"+4915112345678"'));
    await sendMessage(deps, { to: "alice", message: "new number", origin: "mcp" });
    expect(asked).toBe(3);
  });

  it("dry runs rehearse the limits without consuming the real quota in the shared ledger", async () => {
    let dryRun = true;
    const transport = recordingTransport(() => (dryRun ? { status: "sent", dryRun: true } : { status: "sent", messageId: "m" }));
    const { deps } = memoryDeps(BOOK.replace("openclaw:", "policy: { rateLimit: { perContact: { count: 2, windowSeconds: 3600 } } }, openclaw:"), transport);
    for (let k = 0; k < 10; k++) expect(await sendMessage(deps, { to: "alice", message: `rehearsal ${k}`, origin: "cli" })).toMatchObject({ status: "sent", dryRun: true });
    dryRun = false;
    expect(await sendMessage(deps, { to: "alice", message: "real 1", origin: "cli" })).toMatchObject({ status: "sent", messageId: "m" });
    expect(await sendMessage(deps, { to: "alice", message: "real 2", origin: "cli" })).toMatchObject({ status: "sent", messageId: "m" });
    // The real quota still binds, and a rehearsal still reports it.
    expect(await sendMessage(deps, { to: "alice", message: "real 3", origin: "cli" })).toMatchObject({ status: "refused", reason: expect.stringMatching(/rate|limit/i) });
    dryRun = true;
    expect(await sendMessage(deps, { to: "alice", message: "rehearsal after", origin: "cli" })).toMatchObject({ status: "refused" });
  });

  it("shows the gateway's address in a failure, not masked like a phone number, and still masks numbers", async () => {
    const transport = recordingTransport(() => ({ status: "failed", reason: "the gateway at ws://127.0.0.1:18789 (from config) is not reachable (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:18789; +4915112345678 nothing was sent." }));
    const { deps } = memoryDeps(BOOK, transport);
    const result = await sendMessage(deps, { to: "alice", message: "hi", origin: "cli" });
    expect(result.reason).toContain("ws://127.0.0.1:18789");
    expect(result.reason).toContain("ECONNREFUSED 127.0.0.1:18789");
    expect(result.reason).not.toContain("4915112345678");
  });

  it("refuses anything needing confirmation when nobody can be asked", async () => {
    const { deps, transport } = memoryDeps(BOOK.replace("openclaw:", 'policy: { confirm: "always" }, openclaw:'));
    expect(await sendMessage(deps, { to: "ops", message: "hi", origin: "cli" })).toMatchObject({ status: "refused", reason: expect.stringMatching(/No human could be asked/) });
    expect(transport.requests).toEqual([]);
  });
});

describe("sendMessage properties", () => {
  it("nothing but an exact alias ever reaches the transport, and every attempt is audited", async () => {
    const aliases = ["alice", "ops"];
    let delivered = 0;
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
          delivered += transport.requests.length;
          expect(JSON.stringify(audit.records)).not.toMatch(FULL_NUMBERS);
        },
      ),
      { numRuns: 1500 },
    );
    // The checks on delivered requests above ran: some inputs were exact aliases.
    expect(delivered).toBeGreaterThan(0);
  }, 180_000); // 1500 audited sends take ~30 s on a loaded 2-core machine
});
