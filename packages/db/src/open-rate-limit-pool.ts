import pg from "pg";
import { databaseUrlOf, type Db } from "./create-db.ts";

/** The table rate-limiter-flexible's PostgreSQL store uses (migration `rate_limit_store`). */
export const RATE_LIMIT_TABLE = "RateLimit";

/** What the limiter's store calls: node-postgres's `query` (it builds its own SQL) and `end`. */
export interface RateLimitPool {
  query(query: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: unknown[]; rowCount: number | null }>;
  end(): Promise<void>;
}

/**
 * A small node-postgres pool on `db`'s database for rate-limiter-flexible's PostgreSQL store,
 * which speaks node-postgres, not Prisma (Prisma would also hand its BIGINT back as a BigInt).
 * Its few, short queries need few connections.
 */
export function openRateLimitPool(db: Db, max = 4): RateLimitPool {
  const url = databaseUrlOf(db);
  if (!url) throw new Error("openRateLimitPool: the client was not made by createDb (no connection string)");
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection lost with PostgreSQL emits this; the next query connects again.
  pool.on("error", () => {});
  return pool;
}
