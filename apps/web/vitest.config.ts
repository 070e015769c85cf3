import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**"],
    // Integration tests build the app once and run real PostgreSQL, sockets and Chromium.
    globalSetup: ["test/build-next-once.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each int test file runs its own PostgreSQL and control plane; two cores do not like four at once.
    fileParallelism: false,
  },
});
