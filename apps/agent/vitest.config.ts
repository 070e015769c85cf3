import { defineConfig } from "vitest/config";

// Two slow cores: building a DGX-2 tree and running lspci over it takes seconds, not ms.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
