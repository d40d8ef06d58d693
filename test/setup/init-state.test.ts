// init-state.json: what init found in a file before it first wrote there (pure parts).
import { describe, expect, it } from "vitest";
import { forgetFiles, formatInitState, parseInitState, recordPreexisting } from "../../src/setup/init-state.js";
import type { FilePlan } from "../../src/setup/init-plan.js";

const plan = (path: string, preexisting?: string[]) => ({ path, ...(preexisting ? { preexisting } : {}) }) as unknown as FilePlan;

describe("init-state.json", () => {
  it("round-trips, and a missing, broken or foreign file reads as empty (remove then takes out every entry of ours)", () => {
    const state = { "/h/.openclaw/openclaw.json": ["tools.deny: plugins"] };
    expect(parseInitState(formatInitState(state))).toEqual(state);
    for (const text of [undefined, "", "{", "[]", "null", '{"preexisting":[1]}', '{"preexisting":{"/f":[1]}}']) expect(parseInitState(text)).toEqual({});
  });

  it("records a file once, at the first install, and only what it already held; --remove forgets it", () => {
    const first = recordPreexisting({}, [plan("/a", ["tools.deny: plugins"]), plan("/b"), plan("/c", [])]);
    expect(first).toEqual({ "/a": ["tools.deny: plugins"] });
    // A later run never rewrites the record (the items are init's own by then).
    expect(recordPreexisting(first, [plan("/a", ["tools.deny: plugins", "tools.deny: gateway"])])).toBe(first);
    expect(forgetFiles(first, ["/a"])).toEqual({});
  });
});
