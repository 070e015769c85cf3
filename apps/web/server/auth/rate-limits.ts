import type { ServerResponse } from "node:http";
import { RateLimiterMemory, RateLimiterPostgres } from "rate-limiter-flexible";
import { openRateLimitPool, RATE_LIMIT_TABLE, type Db } from "@vfleet/db";
import { RATE_LIMIT_DEFAULTS } from "../env.ts";

export interface RateLimitOptions {
  /** Failed sign-ins per source address per window (password guessing). */
  signInFailuresPerMinute?: number;
  /** Failed enrollments (bad, expired or used token) per source address per window (token guessing). */
  enrollFailuresPerMinute?: number;
}

/** The endpoints that take a secret from an anonymous caller, by path (POST only). */
const LIMITED_PATHS = new Map<string, "signIn" | "enroll">([
  ["/api/auth/sign-in/username", "signIn"],
  ["/api/v1/enroll", "enroll"],
]);
/** Counts are per minute: the limits are "per minute" in the environment and docs/reference/configuration.md. */
const WINDOW_SEC = 60;
/** A wrong password, or an unknown, expired or used enrollment token: what guessing looks like. */
const FAILED_STATUS = 401;

export type Limited = { retryAfterSec: number } | null;

/**
 * Per-source-address limits on failed attempts at the endpoints that take a secret from an
 * anonymous caller. Only failures count, so a provisioning host enrolling a thousand hosts is
 * never slowed while a guesser is stopped after the limit: an address with that many failures
 * in the window is answered 429 with Retry-After (the end of the window), right password or not.
 *
 * The counts live in PostgreSQL (rate-limiter-flexible's store, table `RateLimit` made by a
 * migration), so every control-plane process on the database enforces one limit. While
 * PostgreSQL is unreachable each process counts in memory (the library's insurance limiter).
 *
 * An attempt is checked before it runs and counted once its answer is a 401: attempts sent
 * together before any of them failed are all let through, so a burst can pass the limit by its
 * size once; every later one is refused. Counting up front instead would refuse a fleet's
 * concurrent enrollments as if they had failed.
 */
export function createRateLimits(db: Db, options: RateLimitOptions = {}) {
  const o = { ...RATE_LIMIT_DEFAULTS, ...options };
  const pool = openRateLimitPool(db);
  const limiter = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      keyPrefix,
      points,
      duration: WINDOW_SEC,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SEC }),
    });
  const limiters = { signIn: limiter("sign-in", o.signInFailuresPerMinute), enroll: limiter("enroll", o.enrollFailuresPerMinute) };

  return {
    /**
     * For a POST to a limited path: 429's Retry-After when `address` has used up its failures,
     * else null, and the answer is counted against the address if it turns out a failure.
     */
    async admit(method: string, path: string, address: string, res: ServerResponse): Promise<Limited> {
      const kind = method === "POST" ? LIMITED_PATHS.get(path) : undefined;
      if (!kind) return null;
      const l = limiters[kind];
      const seen = await l.get(address);
      if (seen && seen.consumedPoints >= l.points) return { retryAfterSec: Math.max(1, Math.ceil(seen.msBeforeNext / 1000)) };
      res.once("finish", () => {
        // A store error has already fallen back to the in-memory count: nothing left to do with it.
        if (res.statusCode === FAILED_STATUS) l.penalty(address).catch(() => {});
      });
      return null;
    },
    close: () => pool.end(),
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
