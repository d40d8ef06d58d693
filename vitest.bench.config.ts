import { defineConfig } from "vitest/config";

// The gateway section of `npm run bench`: a vitest file so it can reuse the TypeScript e2e harness.
export default defineConfig({ test: { include: ["bench/**/*.bench.ts"], testTimeout: 900_000, hookTimeout: 120_000 } });
