import { defineConfig } from "vitest/config";

// Two slow cores: writing a DGX-2 tree (thousands of files) takes seconds.
export default defineConfig({ test: { include: ["src/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 } });
