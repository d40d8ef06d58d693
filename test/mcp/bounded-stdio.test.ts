// The bounded transport's pieces: recovering a request's id from a line read in arbitrary pieces,
// without keeping the line (issue 13.6).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TopLevelScan } from "../../src/mcp/bounded-stdio.js";

function scanInPieces(text: string, cuts: number[]): ReturnType<TopLevelScan["found"]> {
  const bytes = Buffer.from(text, "utf8");
  const scan = new TopLevelScan();
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    scan.feed(bytes.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  scan.feed(bytes.subarray(at));
  return scan.found();
}

const id = fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.string({ unit: "binary", maxLength: 20 }));
/** Values full of decoys: nested "id" and "method" keys, quotes, backslashes and braces inside strings. */
const decoy = fc.oneof(
  fc.jsonValue(),
  fc.constant({ id: 99, method: "x", nested: { id: "inner" } }),
  fc.string({ unit: fc.constantFrom("\\", '"', "{", "}", "[", "]", ",", ":", "id", "a", "\n") }),
);

describe("TopLevelScan", () => {
  it("finds the top-level id and method whatever the key order, decoys and piece boundaries", () => {
    fc.assert(
      fc.property(id, decoy, fc.boolean(), fc.boolean(), fc.array(fc.nat(), { maxLength: 12 }), (theId, params, idFirst, isRequest, cuts) => {
        const body = isRequest ? { method: "tools/call", params } : { result: params };
        const message = idFirst ? { jsonrpc: "2.0", id: theId, ...body } : { jsonrpc: "2.0", ...body, id: theId };
        const text = JSON.stringify(message, null, cuts.length % 2 === 0 ? undefined : 1);
        expect(scanInPieces(text, cuts)).toEqual({ id: theId, request: isRequest });
      }),
      { numRuns: 3000 },
    );
  });

  it("recovers nothing from a notification, garbage or an id too long to be one", () => {
    expect(scanInPieces('{"jsonrpc":"2.0","method":"notifications/x","params":{"id":3}}', [5, 17])).toEqual({ request: true });
    expect(scanInPieces("\u0000garbage \"id\": 7 }}}", [3])).toEqual({ request: false });
    expect(scanInPieces(JSON.stringify({ method: "m", id: "x".repeat(300) }), [100, 200])).toEqual({ request: true });
  });

  it("skips a 50 MiB string without keeping it", () => {
    const big = Buffer.alloc(50 * 1024 * 1024, "a");
    const scan = new TopLevelScan();
    scan.feed(Buffer.from('{"method":"tools/call","params":{"arguments":{"message":"'));
    for (let at = 0; at < big.length; at += 65536) scan.feed(big.subarray(at, at + 65536));
    scan.feed(Buffer.from('"}},"jsonrpc":"2.0","id":42}'));
    expect(scan.found()).toEqual({ id: 42, request: true });
  });
});
