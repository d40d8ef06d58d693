import { describe, expect, it } from "vitest";
import { commandHandlers } from "../../src/guard/programs/index.js";
import { HANDLED_PROGRAMS } from "../../src/guard/programs/names.js";
import { findQuery } from "../../src/guard/programs/launchers.js";
import { word } from "../../src/guard/programs/types.js";

const query = (command: string) => findQuery(command.split(" ").map(word));

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

describe("findQuery: what find selects, read only from an expression that narrows", () => {
  it("reads starts, names, the file type and the depths", () => {
    const q = query("scripts tools -maxdepth 2 -type f -iname *.SH -newer package.json -exec sh {} ;");
    expect(q).toMatchObject({ starts: ["scripts", "tools"], filesOnly: true, minDepth: 0, maxDepth: 2 });
    expect(q?.names.map((n) => n.test("run.sh"))).toEqual([true]);
    expect(query("-name x -exec sh {} +")?.starts).toEqual(["."]);
  });

  it.each(["-name a -o -name b -exec sh {} ;", "! -name a -exec sh {} ;", "( -name a ) -exec sh {} ;", "-L . -name a -exec sh {} ;", "s* -name a -exec sh {} ;", "-maxdepth x -exec sh {} ;", "-name a -exec sh {}", "-prune -exec sh {} ;"])(
    "gives up on %j (it could select paths a plain reading misses)",
    (expression) => expect(query(expression)).toBeUndefined(),
  );
});
