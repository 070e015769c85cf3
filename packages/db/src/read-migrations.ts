import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { MIGRATIONS_DIR } from "./paths.ts";

export interface MigrationFile {
  /** Directory name, e.g. `20261121110500_init`: also the `_prisma_migrations.migration_name`. */
  name: string;
  sql: string;
  /** sha256 (hex) of migration.sql, as `prisma migrate deploy` records it. */
  checksum: string;
}

/** Migration directories are `<14-digit UTC timestamp>_<name>`, applied in name order. */
const MIGRATION_DIR = /^\d{14}_[A-Za-z0-9_]+$/;

export function checksumSql(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** The migrations folder in Prisma's layout, oldest first. */
export async function readMigrations(migrationsDir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const names = entries
    .filter((e) => e.isDirectory() && MIGRATION_DIR.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumSql(sql) };
    }),
  );
}

export async function readMigrationLock(migrationsDir: string = MIGRATIONS_DIR): Promise<string | null> {
  return readFile(join(migrationsDir, "migration_lock.toml"), "utf8").catch(() => null);
}
