import { z } from "zod";
import { DEFAULT_HEALTH_THRESHOLDS, HealthThresholds, HealthThresholdsOverride, thresholdsFor } from "@vfleet/core";

const port = z.coerce.number().int().min(0).max(65535);
const ms = z.coerce.number().int().positive();

/** Failed attempts per source address per minute before 429 (createRateLimits' defaults too). */
export const RATE_LIMIT_DEFAULTS = { signInFailuresPerMinute: 10, enrollFailuresPerMinute: 30 } as const;
const perMinute = z.coerce.number().int().min(1).max(100_000);

/** Control-plane configuration from the environment. Parsed once in main(), never at import time. */
export const Env = z
  .object({
    /** 3000 is what operators expect from a Next.js app; 0 picks a free port (tests). */
    PORT: port.default(3000),
    /** Loopback by default: nothing is exposed to the network until the operator says so. */
    HOST: z.string().min(1).default("127.0.0.1"),
    /** External PostgreSQL; without it an embedded server runs under VFLEET_DATA_DIR. */
    DATABASE_URL: z.string().url().optional(),
    /** Where the embedded PostgreSQL keeps its files: in the repo's ignored `.vfleet/`. */
    VFLEET_DATA_DIR: z.string().min(1).default(".vfleet/postgres"),
    /** Signs session cookies; set it (32+ characters) when several processes share one database. */
    VFLEET_AUTH_SECRET: z.string().min(32).optional(),
    /** Without VFLEET_AUTH_SECRET, a generated secret is kept here (mode 0600) so restarts keep sessions. */
    VFLEET_AUTH_SECRET_FILE: z.string().min(1).default(".vfleet/auth-secret"),
    /** The URL browsers use when a TLS-terminating proxy stands in front (e.g. https://vfleet.example.net). */
    VFLEET_PUBLIC_URL: z.string().url().optional(),
    /** The control plane's own certificate and key (PEM): it then serves https:// and wss://. */
    VFLEET_TLS_CERT_FILE: z.string().min(1).optional(),
    VFLEET_TLS_KEY_FILE: z.string().min(1).optional(),
    /** "1": serve plain HTTP beyond loopback because a TLS-terminating proxy stands in front (logged at start). */
    VFLEET_ALLOW_PLAIN_HTTP: z.enum(["0", "1"]).default("0"),
    /** Agents heartbeat this often; 10 s keeps the write rate low at thousands of hosts. */
    VFLEET_HEARTBEAT_INTERVAL_MS: ms.default(10_000),
    /** A host silent this long is offline; with the 5 s sweep that is within 30 s of vanishing. */
    VFLEET_OFFLINE_AFTER_MS: ms.default(25_000),
    /** PostgreSQL connections this process holds at most (node-postgres pool size); N processes hold N times this. */
    VFLEET_DB_POOL_MAX: z.coerce.number().int().min(2).max(1000).default(20),
    /** A transaction waits this long for a pool connection before failing (the wait is the backpressure). */
    VFLEET_DB_TX_MAX_WAIT_MS: ms.default(60_000),
    /** An interactive transaction may run this long. */
    VFLEET_DB_TX_TIMEOUT_MS: ms.default(30_000),
    /** Inventory snapshot stores running at once; the others queue (newest per host) with their agents paused. */
    VFLEET_SNAPSHOT_STORE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
    /** Agent connections worked on at once (upgrade to first snapshot stored); the others get 503 + Retry-After and come back. */
    VFLEET_AGENTS_CONNECTING_MAX: z.coerce.number().int().min(1).max(100_000).default(64),
    /** Failed sign-ins one source address may make per minute (all processes together) before 429. */
    VFLEET_SIGN_IN_FAILURES_PER_MINUTE: perMinute.default(RATE_LIMIT_DEFAULTS.signInFailuresPerMinute),
    /**
     * Failed enrollments (unknown, expired or used token) one address may make per minute before 429;
     * successful ones never count, so a provisioning host may enroll a fleet at full speed.
     */
    VFLEET_ENROLL_FAILURES_PER_MINUTE: perMinute.default(RATE_LIMIT_DEFAULTS.enrollFailuresPerMinute),
    /**
     * Device health's AER limits as JSON, over the defaults: `{"quarantined":{"correctable":500}}`.
     * Pools override them for the devices they select.
     */
    VFLEET_HEALTH_THRESHOLDS: z
      .string()
      .optional()
      .transform((text, ctx): HealthThresholds => {
        if (text === undefined || text.trim() === "") return DEFAULT_HEALTH_THRESHOLDS;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          ctx.addIssue({ code: "custom", message: 'must be JSON like {"degraded":{"correctable":10},"quarantined":{"fatal":1}}' });
          return z.NEVER;
        }
        const parsed = HealthThresholdsOverride.safeParse(json);
        if (!parsed.success) {
          const i = parsed.error.issues[0]!;
          ctx.addIssue({ code: "custom", message: `${i.path.join(".") || "value"}: ${i.message}` });
          return z.NEVER;
        }
        return HealthThresholds.parse(thresholdsFor(DEFAULT_HEALTH_THRESHOLDS, [parsed.data]));
      }),
    /** `production` serves the `next build` output; anything else runs Next in dev mode. */
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  })
  .refine((e) => (e.VFLEET_TLS_CERT_FILE === undefined) === (e.VFLEET_TLS_KEY_FILE === undefined), {
    message: "VFLEET_TLS_CERT_FILE and VFLEET_TLS_KEY_FILE go together: set both or neither",
    path: ["VFLEET_TLS_KEY_FILE"],
  });
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = Env.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "env"}: ${i.message}`);
  throw new Error(`invalid environment:\n${lines.join("\n")}`);
}
