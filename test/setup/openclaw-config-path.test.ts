// configPath() against the pinned OpenClaw's own config-path parser (the one `openclaw config set/unset`
// uses): every key path init can write, spelled by configPath, reads back as the same keys.
import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configPath } from "../../src/setup/clients/openclaw.js";
import { REPO_ROOT } from "../helpers.js";

const MODULE = join(REPO_ROOT, ".cache/e2e/openclaw/node_modules/openclaw/dist/dot-path-BSC76DAI.mjs");

describe("configPath, read back by OpenClaw's config-path parser", () => {
  it("round-trips any key OpenClaw accepts (dots, brackets, quotes, backslashes, digits, Unicode)", async () => {
    if (!existsSync(MODULE)) throw new Error(`${MODULE} is missing: run scripts/setup-e2e.sh (or the pinned openclaw moved this module)`);
    const { r: parseConcreteConfigPath } = (await import(MODULE)) as { r: (path: string) => string[] };
    const key = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom("openclaw-guard", "my.bot", 'a"]b', "\\", "0", "12", "x[0]", "é", "ｔｇ"));
    // OpenClaw itself refuses these segments (prototype keys; blank or padded ones it trims).
    const accepted = (k: string) => k.trim() === k && k !== "" && !["__proto__", "constructor", "prototype"].includes(k);
    fc.assert(
      fc.property(fc.array(key.filter(accepted), { minLength: 1, maxLength: 5 }), (keys) => {
        expect(parseConcreteConfigPath(configPath(keys))).toEqual(keys);
      }),
      { numRuns: 2000 },
    );
  });
});
