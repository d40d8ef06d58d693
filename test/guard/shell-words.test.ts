import { describe, expect, it } from "vitest";
import { braceExpand, decodeAnsiC, globToRegExp, unescapeUnquoted } from "../../src/guard/shell-words.js";

describe("decodeAnsiC", () => {
  it.each([
    [String.raw`\x6fpenclaw`, "openclaw"],
    [String.raw`open\x63law`, "openclaw"],
    [String.raw`\157penclaw`, "openclaw"],
    [String.raw`\u006fpenclaw`, "openclaw"],
    [String.raw`a\tb\n`, "a\tb\n"],
    [String.raw`it\'s`, "it's"],
    [String.raw`\cA`, "\x01"],
  ])("decodes %s", (body, expected) => {
    expect(decodeAnsiC(body)).toBe(expected);
  });
});

describe("braceExpand", () => {
  it.each([
    ["{openclaw,message,send}", ["openclaw", "message", "send"]],
    ["{open,}claw", ["openclaw", "claw"]],
    ["a{b,c{d,e}}f", ["abf", "acdf", "acef"]],
    ["{1..3}", ["1", "2", "3"]],
    ["{c..a}", ["c", "b", "a"]],
    ["{single}", ["{single}"]],
    ["no-braces", ["no-braces"]],
    ["\\{a,b}", ["\\{a,b}"]],
  ])("expands %s", (word, expected) => {
    expect(braceExpand(word)).toEqual(expected);
  });

  it("caps the number of words", () => {
    expect(braceExpand("{1..100000}")).toHaveLength(64);
  });
});

describe("unescapeUnquoted", () => {
  it("keeps the escaped character and drops backslash-newline", () => {
    expect(unescapeUnquoted("\\openclaw")).toBe("openclaw");
    expect(unescapeUnquoted("open\\\nclaw")).toBe("openclaw");
    expect(unescapeUnquoted("a\\\\b")).toBe("a\\b");
  });
});

describe("globToRegExp", () => {
  it("matches like the shell does for one path segment", () => {
    expect(globToRegExp("opencla[w]").test("openclaw")).toBe(true);
    expect(globToRegExp("o*w").test("openclaw")).toBe(true);
    expect(globToRegExp("open?law").test("openclaw")).toBe(true);
    expect(globToRegExp("[!o]penclaw").test("openclaw")).toBe(false);
    expect(globToRegExp("git*").test("openclaw")).toBe(false);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
  });
});
