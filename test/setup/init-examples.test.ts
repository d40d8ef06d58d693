// examples/clients/<client>.txt are `openclaw-guard init --print <client>` with placeholder paths.
// This test fails when they are out of date; regenerate with:
//   UPDATE_EXAMPLES=1 npx vitest run test/setup/init-examples.test.ts
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers.js";
import { CLIENTS } from "../../src/setup/clients/index.js";
import { renderSnippets } from "../../src/setup/init-command.js";
import type { InitContext } from "../../src/setup/init-plan.js";

const PLACEHOLDERS: InitContext = {
  home: "/home/you",
  cwd: "/path/to/project",
  scope: "user",
  node: "/path/to/node",
  cli: "/path/to/openclaw-guard/dist/cli.js",
  config: "/home/you/.config/openclaw-guard/config.json5",
  platform: "linux",
  env: {},
};

describe.each(CLIENTS.map((c) => [c.name, c] as const))("examples/clients/%s.txt", (name, client) => {
  it("is up to date", () => {
    const file = path.join(REPO_ROOT, "examples", "clients", `${name}.txt`);
    const expected = renderSnippets(client, PLACEHOLDERS);
    if (process.env.UPDATE_EXAMPLES) writeFileSync(file, expected);
    expect(existsSync(file), `${file} is missing: run UPDATE_EXAMPLES=1 npx vitest run test/setup/init-examples.test.ts`).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(expected);
    expect(expected).toContain("/path/to/openclaw-guard");
    expect(expected).not.toMatch(/\/work\/|\/tmp\//);
  });
});
