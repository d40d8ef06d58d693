import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GRAMMAR_PATH } from "../../src/guard/shell-parser.js";

describe("vendored tree-sitter-bash grammar", () => {
  it("is the pinned tree-sitter-bash 0.25.1 build", () => {
    const digest = createHash("sha256").update(readFileSync(GRAMMAR_PATH)).digest("hex");
    expect(digest).toBe("8292919c88a0f7d3fb31d0cd0253ca5a9531bc1ede82b0537f2c63dd8abe6a7a");
  });
});
