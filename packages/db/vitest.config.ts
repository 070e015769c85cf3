import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Integration tests start a real PostgreSQL per file and compile the 5 MB schema engine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
