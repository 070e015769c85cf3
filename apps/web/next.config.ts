import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages export TypeScript source (with `.ts` import extensions): compile them.
  // @vfleet/db is deliberately absent: the custom server hands its functions over at runtime
  // (lib/control-plane-context.ts), so Prisma and embedded PostgreSQL never enter the bundle.
  transpilePackages: ["@vfleet/protocol", "@vfleet/core"],
  // The custom server owns the process; no telemetry banner, no powered-by header.
  poweredByHeader: false,
  // unauthorized() / forbidden() in pages: each page checks its caller itself (lib/auth/page-access.ts).
  experimental: { authInterrupts: true },
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default config;
