import { defineConfig } from "vitest/config";

// The gateway section of `npm run bench`: a vitest file so it can reuse the TypeScript e2e harness.
// One file at a time: each starts its own gateway, and two at once would skew both.
export default defineConfig({ test: { include: ["bench/**/*.bench.ts"], testTimeout: 900_000, hookTimeout: 200_000, fileParallelism: false } });
