import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/apply-migrations.ts";
import { createMigration } from "../src/create-migration.ts";
import { diffSchema, toMigrationList } from "../src/diff-schema.ts";
import { loadSchemaEngine } from "../src/load-schema-engine.ts";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "../src/paths.ts";
import { checksumSql, readMigrationLock, readMigrations } from "../src/read-migrations.ts";
import { createEmptyDatabase, query, startTestServer } from "./pg-server.ts";

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  rolled_back_at: Date | null;
}

describe("applyMigrations", () => {
  it("applies the init migration on an empty database, then is a no-op", async () => {
    const url = await createEmptyDatabase(server.url, "apply_once");
    const migrations = await readMigrations();
    expect(migrations.map((m) => m.name)).toContainEqual(expect.stringMatching(/^\d{14}_init$/));

    expect((await applyMigrations(url)).applied).toEqual(migrations.map((m) => m.name));
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "Host",
        "AgentCredential",
        "EnrollmentToken",
        "PciDevice",
        "PhysicalFunction",
        "VirtualFunction",
        "IommuGroup",
        "NetInterface",
        "Guest",
        "GuestHostdev",
        "_prisma_migrations",
      ]),
    );

    expect((await applyMigrations(url)).applied).toEqual([]);
    const rows = await query<MigrationRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows).toHaveLength(migrations.length);
    const init = rows[0]!;
    const file = await readFile(join(MIGRATIONS_DIR, init.migration_name, "migration.sql"));
    expect(init.checksum).toBe(checksumSql(file.toString("utf8")));
    expect(init.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(init.finished_at).toBeInstanceOf(Date);
    expect(init.finished_at!.getTime()).toBeGreaterThanOrEqual(init.started_at.getTime());
    expect(init.applied_steps_count).toBe(1);
    expect(init.rolled_back_at).toBeNull();
  });

  it("Prisma's own engine reads our _prisma_migrations rows as its own (no edited, failed or pending migrations)", async () => {
    const url = await createEmptyDatabase(server.url, "apply_prisma_view");
    await applyMigrations(url);
    const schema = { path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, "utf8") };
    const engine = await loadSchemaEngine({ url, schema });
    try {
      const list = toMigrationList(MIGRATIONS_DIR, await readMigrations(), await readMigrationLock());
      const diagnosis = await engine.diagnoseMigrationHistory({
        migrationsList: list,
        optInToShadowDatabase: false,
        filters: { externalTables: [], externalEnums: [] },
      });
      expect(diagnosis).toMatchObject({ hasMigrationsTable: true, editedMigrationNames: [], failedMigrationNames: [], history: null });
      // ...and it does compare checksums: a wrong one is reported as an edited migration.
      await query(url, `UPDATE "_prisma_migrations" SET checksum = $1`, [checksumSql("something else")]);
      const tampered = await engine.diagnoseMigrationHistory({
        migrationsList: list,
        optInToShadowDatabase: false,
        filters: { externalTables: [], externalEnums: [] },
      });
      expect(tampered.editedMigrationNames).toEqual(list.migrationDirectories.map((d) => d.path));
    } finally {
      engine.free();
    }
  });

  it("two processes starting at once apply each migration exactly once", async () => {
    const url = await createEmptyDatabase(server.url, "apply_race");
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    const count = (await readMigrations()).length;
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, count]);
    const rows = await query<MigrationRow>(url, `SELECT * FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(count);
  });

  it("refuses a migration edited after it was applied, naming it", async () => {
    const url = await createEmptyDatabase(server.url, "apply_edited");
    const dir = await copyMigrations();
    try {
      await applyMigrations(url, { migrationsDir: dir });
      const [init] = await readMigrations(dir);
      await writeFile(join(dir, init!.name, "migration.sql"), `${init!.sql}\n-- edited\n`);
      await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(`migration ${init!.name} was edited after it was applied`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("records a failing migration and stops there until it is resolved", async () => {
    const url = await createEmptyDatabase(server.url, "apply_failing");
    const dir = await copyMigrations();
    try {
      await writeFile(
        join(await mkdirp(dir, "29990101000000_broken"), "migration.sql"),
        `CREATE TABLE "Ok" (id INT);\nSELECT * FROM "NoSuchTable";\n`,
      );
      await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(/migration 29990101000000_broken failed: .*NoSuchTable/);
      const [broken] = await query<MigrationRow & { logs: string }>(
        url,
        `SELECT * FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
      );
      expect(broken?.finished_at).toBeNull();
      expect(broken?.logs).toMatch(/NoSuchTable/);
      // The script ran as one transaction: its first statement was rolled back too.
      expect(await query(url, `SELECT to_regclass('"Ok"') AS t`)).toEqual([{ t: null }]);
      await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
        "migration 29990101000000_broken failed earlier and was not rolled back",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("schema engine (wasm)", () => {
  it("schema.prisma and the committed migrations agree (run migration:create after editing the schema)", async () => {
    expect(await diffSchema({ url: server.url })).toBe("");
    // The engine replays migrations into a throw-away shadow database, never the one it was given.
    expect(await query(server.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([]);
    expect(await query(server.url, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'")).toEqual([]);
  });

  it("migration:create writes the next migration for a changed schema, and it applies", async () => {
    const dir = await copyMigrations();
    try {
      const schemaPath = join(dir, "schema.prisma");
      const schema = await readFile(SCHEMA_PATH, "utf8");
      await writeFile(schemaPath, schema.replace("  agentVersion    String?\n", "  agentVersion    String?\n  rack            String?\n"));
      expect(await createMigration({ url: server.url, name: "nothing", migrationsDir: dir, schemaPath: SCHEMA_PATH })).toBeNull();

      const created = await createMigration({
        url: server.url,
        name: "add_rack",
        migrationsDir: dir,
        schemaPath,
        now: new Date("2099-01-02T03:04:05Z"),
      });
      expect(created?.name).toBe("20990102030405_add_rack");
      expect(created?.sql).toMatch(/ALTER TABLE "Host" ADD COLUMN\s+"rack" TEXT/);
      expect((await readdir(dir)).sort()).toContain("20990102030405_add_rack");

      const url = await createEmptyDatabase(server.url, "apply_created");
      const { applied } = await applyMigrations(url, { migrationsDir: dir });
      expect(applied.at(-1)).toBe("20990102030405_add_rack");
      expect(
        await query(url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'Host' AND column_name = 'rack'`),
      ).toHaveLength(1);
      expect(await createMigration({ url: server.url, name: "again", migrationsDir: dir, schemaPath })).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects a migration name outside a-z 0-9 _", async () => {
    await expect(createMigration({ url: server.url, name: "Add Rack" })).rejects.toThrow("name must be 1-64 characters of a-z 0-9 _");
  });
});

async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-migrations-"));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function mkdirp(parent: string, name: string): Promise<string> {
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(parent, name), { recursive: true });
  return join(parent, name);
}
