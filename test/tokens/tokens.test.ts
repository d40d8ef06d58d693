import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeRate, findAgent, hashToken, mintToken, parseRate, parseTokenFile, type TokenFile } from "../../src/tokens/tokens.js";

function fileWith(...names: string[]) {
  const minted = names.map((name) => ({ name, ...mintToken() }));
  const file: TokenFile = { version: 1, tokens: Object.fromEntries(minted.map((m) => [m.name, { hash: m.hash, created: "2026-11-29T00:00:00Z" }])) };
  return { file, tokens: Object.fromEntries(minted.map((m) => [m.name, m.token])) as Record<string, string> };
}

describe("agent tokens", () => {
  it("are 256 random bits with a recognisable prefix, stored only as their sha256", () => {
    const { token, hash } = mintToken();
    expect(token).toMatch(/^ocg_[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashToken(token));
    expect(hash).not.toContain(token.slice(4));
    expect(new Set(Array.from({ length: 50 }, () => mintToken().token)).size).toBe(50);
  });

  it("each token finds exactly its own agent", () => {
    const { file, tokens } = fileWith("red", "blue", "green");
    for (const name of ["red", "blue", "green"]) expect(findAgent(file, tokens[name]!)?.name).toBe(name);
  });

  it("nothing but a whole, exact token finds an agent (property)", () => {
    const { file, tokens } = fileWith("red", "blue");
    const red = tokens.red!;
    const nearMisses = fc.oneof(
      fc.string(),
      fc.nat({ max: red.length - 1 }).map((n) => red.slice(0, n)),
      fc.tuple(fc.nat({ max: red.length - 1 }), fc.string({ minLength: 1, maxLength: 1 })).filter(([i, c]) => red[i] !== c).map(([i, c]) => red.slice(0, i) + c + red.slice(i + 1)),
      fc.string({ minLength: 1 }).map((s) => red + s),
      fc.constantFrom(red.toUpperCase(), ` ${red}`, `${red} `, hashToken(red), file.tokens.red!.hash),
    );
    fc.assert(fc.property(nearMisses, (candidate) => findAgent(file, candidate) === undefined));
  });

  it("reads the rate as COUNT/WINDOW and refuses anything else", () => {
    expect(parseRate("20/1h")).toEqual({ count: 20, windowSeconds: 3600 });
    expect(parseRate("5/90s")).toEqual({ count: 5, windowSeconds: 90 });
    expect(parseRate("3/600")).toEqual({ count: 3, windowSeconds: 600 });
    expect(parseRate("100/1d")).toEqual({ count: 100, windowSeconds: 86_400 });
    for (const bad of ["", "20", "/1h", "20/0", "20/32d", "-1/1h", "1.5/1h", "20/1w", "20 per hour"]) expect(() => parseRate(bad)).toThrow(/COUNT\/WINDOW/);
    expect(describeRate({ count: 20, windowSeconds: 3600 })).toBe("20/1h");
    expect(describeRate({ count: 5, windowSeconds: 90 })).toBe("5/90s");
    expect(describeRate(undefined)).toBe("book limits only");
  });

  it("refuses a token file that is not exactly the expected shape", () => {
    expect(() => parseTokenFile("{", "/t.json")).toThrow(/not valid JSON/);
    expect(() => parseTokenFile(JSON.stringify({ version: 1, tokens: { red: { hash: "x", created: "" } } }), "/t.json")).toThrow(/not a valid token file/);
    expect(() => parseTokenFile(JSON.stringify({ version: 1, tokens: { "Red Team": { hash: "a".repeat(64), created: "" } } }), "/t.json")).toThrow(/not a valid token file/);
    expect(() => parseTokenFile(JSON.stringify({ version: 1, tokens: {}, extra: 1 }), "/t.json")).toThrow(/not a valid token file/);
  });
});
