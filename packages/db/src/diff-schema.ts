import { readFile } from "node:fs/promises";
import { loadSchemaEngine } from "./load-schema-engine.ts";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "./paths.ts";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import { readMigrationLock, readMigrations, type MigrationFile } from "./read-migrations.ts";

export interface DiffSchemaOptions {
  /** A PostgreSQL server the engine may create a throw-away shadow database on. */
  url: string;
  migrationsDir?: string;
  schemaPath?: string;
}

/**
 * SQL that takes a database from the end state of the migrations folder to schema.prisma
 * (empty string when they agree). The engine replays the migrations into a shadow database,
 * as `prisma migrate dev` does, so hand-edited migrations count as they are.
 */
export async function diffSchema(options: DiffSchemaOptions): Promise<string> {
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const schemaPath = options.schemaPath ?? SCHEMA_PATH;
  const content = await readFile(schemaPath, "utf8");
  const engine = await loadSchemaEngine({ url: options.url, schema: { path: schemaPath, content } });
  try {
    const migrations = await readMigrations(migrationsDir);
    const lock = await readMigrationLock(migrationsDir);
    const filters = { externalTables: [], externalEnums: [] };
    const from =
      migrations.length === 0
        ? ({ tag: "empty" } as const)
        : ({ tag: "migrations", ...toMigrationList(migrationsDir, migrations, lock) } as const);
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
      script: true,
      exitCode: null,
      filters,
    });
    const sql = result.stdout ?? "";
    // An empty diff comes back as a comment only.
    return /^\s*(--[^\n]*\n?\s*)*$/.test(sql) ? "" : sql;
  } finally {
    engine.free();
  }
}

/** The engine's view of a migrations folder. */
export function toMigrationList(migrationsDir: string, migrations: MigrationFile[], lock: string | null): MigrationList {
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lock },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
}
