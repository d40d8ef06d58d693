import { describe, expect, it } from "vitest";
import { commandHandlers } from "../../src/guard/programs/index.js";
import { HANDLED_PROGRAMS } from "../../src/guard/programs/names.js";

describe("the handler table", () => {
  it("answers to exactly the names the fast path knows (programs/names.ts)", () => {
    expect([...HANDLED_PROGRAMS].sort()).toEqual(Object.keys(commandHandlers).sort());
  });
});
