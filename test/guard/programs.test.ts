import { describe, expect, it } from "vitest";
import { commandHandlers } from "../../src/guard/programs/index.js";
import { HANDLED_PROGRAMS } from "../../src/guard/programs/names.js";

describe("the handler table", () => {
  it("answers to exactly the names the fast path knows (programs/names.ts)", () => {
    expect([...HANDLED_PROGRAMS].sort()).toEqual(Object.keys(commandHandlers).sort());
  });
});

describe("the run-string table", () => {
  it("has a fast-path gate for every program it reads strings of (programs/names.ts)", async () => {
    const { runStringHandlers } = await import("../../src/guard/programs/run-strings.js");
    const { RUN_STRING_PROGRAMS } = await import("../../src/guard/programs/names.js");
    for (const name of Object.keys(runStringHandlers)) expect(RUN_STRING_PROGRAMS[name], name).toBeDefined();
  });
});
