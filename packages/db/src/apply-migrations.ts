import { randomUUID } from "node:crypto";
import pg from "pg";
import { MIGRATIONS_DIR } from "./paths.ts";
import { readMigrations } from "./read-migrations.ts";

/**
 * The advisory lock key `prisma migrate deploy` itself takes (72707369), so this runner and the
 * Prisma CLI never migrate the same database at once either.
 */
export const MIGRATION_LOCK_KEY = 72707369;

// The table exactly as Prisma's schema engine creates it, so `prisma migrate deploy` and
// `prisma migrate status` read our rows as their own.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Apply the pending migrations of `prisma/migrations` in name order, as `prisma migrate deploy`
 * does: one `_prisma_migrations` row per migration (checksum = sha256 of migration.sql). Safe to
 * call from several processes at once (advisory lock) and on every start (no-op when current).
 * Refuses to run over a failed migration or one edited after it was applied.
 */
export async function applyMigrations(url: string, options: { migrationsDir?: string } = {}): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(options.migrationsDir ?? MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const rows = (await client.query<AppliedRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`))
      .rows;
    const live = rows.filter((row) => row.rolled_back_at === null);
    const failed = live.find((row) => row.finished_at === null);
    if (failed) {
      throw new Error(
        `applyMigrations: migration ${failed.migration_name} failed earlier and was not rolled back; fix the database, then mark it rolled back (prisma migrate resolve --rolled-back ${failed.migration_name})`,
      );
    }
    const done = new Map(live.map((row) => [row.migration_name, row.checksum]));
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `applyMigrations: migration ${migration.name} was edited after it was applied (checksum ${checksum} in the database, ${migration.checksum} on disk)`,
          );
        }
        continue;
      }
      const id = randomUUID();
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      try {
        // One simple-protocol query: PostgreSQL runs the whole script in one implicit transaction.
        await client.query(migration.sql);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
        throw new Error(`applyMigrations: migration ${migration.name} failed: ${message}`);
      }
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    // Closing the session releases the advisory lock too; unlock explicitly for pooled setups.
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
