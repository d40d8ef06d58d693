import { defineConfig } from "vitest/config";

// End-to-end suites against real installs (scripts/setup-e2e.sh): the OpenClaw gateway and CLI on
// Node 24, and the real Claude Code CLI. Files run one at a time: gateways are heavy on 2 cores.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
