import { readFile } from "node:fs/promises";
import { applyMigrations, createDb, startDatabase } from "@vfleet/db";
import { loadAuthSecret } from "./auth/load-auth-secret.ts";
import { createControlPlane } from "./create-control-plane.ts";
import { loadEnv } from "./env.ts";
import { jsonLog } from "./logger.ts";

/** `pnpm --filter @vfleet/web start`: database, migrations, control plane, signals. */
async function main(): Promise<void> {
  const env = loadEnv(process.env);
  const database = await startDatabase({ dataDir: env.VFLEET_DATA_DIR, databaseUrl: env.DATABASE_URL });
  await applyMigrations(database.url);
  const db = createDb(database.url, {
    poolMax: env.VFLEET_DB_POOL_MAX,
    txMaxWaitMs: env.VFLEET_DB_TX_MAX_WAIT_MS,
    txTimeoutMs: env.VFLEET_DB_TX_TIMEOUT_MS,
  });
  const authSecret = await loadAuthSecret(env.VFLEET_AUTH_SECRET, env.VFLEET_AUTH_SECRET_FILE);
  const tls =
    env.VFLEET_TLS_CERT_FILE && env.VFLEET_TLS_KEY_FILE
      ? { cert: await readFile(env.VFLEET_TLS_CERT_FILE), key: await readFile(env.VFLEET_TLS_KEY_FILE) }
      : undefined;
  const plane = await createControlPlane({
    db,
    authSecret,
    publicUrl: env.VFLEET_PUBLIC_URL,
    tls,
    allowPlainHttp: env.VFLEET_ALLOW_PLAIN_HTTP === "1",
    port: env.PORT,
    host: env.HOST,
    dev: env.NODE_ENV !== "production",
    heartbeatIntervalMs: env.VFLEET_HEARTBEAT_INTERVAL_MS,
    offlineAfterMs: env.VFLEET_OFFLINE_AFTER_MS,
    snapshotStoreConcurrency: env.VFLEET_SNAPSHOT_STORE_CONCURRENCY,
    agentsConnectingMax: env.VFLEET_AGENTS_CONNECTING_MAX,
    healthThresholds: env.VFLEET_HEALTH_THRESHOLDS,
    rateLimits: {
      signInFailuresPerMinute: env.VFLEET_SIGN_IN_FAILURES_PER_MINUTE,
      enrollFailuresPerMinute: env.VFLEET_ENROLL_FAILURES_PER_MINUTE,
    },
  });
  // Tests and scripts read this line to learn the URL when PORT=0.
  process.stdout.write(`vfleet control plane ready at ${plane.url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    jsonLog("info", "shutting down", { signal });
    await plane.close();
    await db.$disconnect();
    await database.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  jsonLog("error", "control plane failed to start", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
