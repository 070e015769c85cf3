import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;

export interface DbOptions {
  /** Connections this process keeps to PostgreSQL at most (node-postgres pool `max`). */
  poolMax?: number;
  /**
   * How long a transaction may wait for a connection. Long on purpose: under load a store waits
   * its turn (the agent is slowed down) instead of failing with "Unable to start a transaction".
   */
  txMaxWaitMs?: number;
  /** How long an interactive transaction may run once started. */
  txTimeoutMs?: number;
}

export const DB_DEFAULTS: Required<DbOptions> = { poolMax: 20, txMaxWaitMs: 60_000, txTimeoutMs: 30_000 };

/** The URL each client was made with: LISTEN needs a connection of its own, outside the pool. */
const urls = new WeakMap<Db, string>();

/** A Prisma client over node-postgres (Prisma 7's engine-free driver adapter). Call `$disconnect()` when done. */
export function createDb(url: string, options: DbOptions = {}): Db {
  const o = { ...DB_DEFAULTS, ...options };
  for (const [field, value] of Object.entries(o)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`createDb: ${field} must be a positive integer, got ${value}`);
  }
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: o.poolMax }),
    transactionOptions: { maxWait: o.txMaxWaitMs, timeout: o.txTimeoutMs },
  });
  urls.set(db, url);
  return db;
}

/** The connection string `db` was created with, or null for a client made elsewhere. */
export function databaseUrlOf(db: Db): string | null {
  return urls.get(db) ?? null;
}
