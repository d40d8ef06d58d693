// The secret scan's cost must not grow with the number of messages a long-running server has
// checked: @secretlint/core's process-wide profiler kept (and searched) every mark it ever saw.
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { findSecrets } from "../../src/policy/content.js";

describe("secret scan in a long-running process", () => {
  it("leaves no profiler marks behind, and still finds secrets", async () => {
    performance.clearMarks();
    for (let i = 0; i < 50; i++) expect(await findSecrets(`deploy ${i} finished, all tests passed`)).toEqual([]);
    const token = `ghp_${"A1b2C3d4E5".repeat(3)}abcdef`;
    const found = await findSecrets(`the token is ${token}`);
    expect(found.map((f) => f.label)).toContain("a GitHub token");
    // Let the observer's batched callback run: it is what used to keep and search every mark.
    await new Promise((resolve) => setImmediate(resolve));
    expect(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("@core>"))).toEqual([]);
  });
});
