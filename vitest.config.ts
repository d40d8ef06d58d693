import { defineConfig } from "vitest/config";

// Unit and integration tests. The real-gateway suite (test/e2e) has its own config: vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
