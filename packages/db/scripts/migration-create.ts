/**
 * `pnpm --filter @vfleet/db migration:create <name>`: write the next migration from the
 * difference between prisma/migrations and prisma/schema.prisma. Needs a PostgreSQL server for
 * the engine's shadow database: DATABASE_URL if set, else a throw-away embedded one.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMigration } from "../src/create-migration.ts";
import { lastPanic } from "../src/load-schema-engine.ts";
import { startDatabase } from "../src/start-database.ts";

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name) throw new Error("usage: migration:create <name>   (name: a-z 0-9 _, e.g. add_jobs)");
  const scratch = await mkdtemp(join(tmpdir(), "vfleet-migrate-"));
  const database = await startDatabase({ dataDir: join(scratch, "pg"), databaseUrl: process.env.DATABASE_URL });
  try {
    const created = await createMigration({ url: database.url, name });
    console.log(created ? `wrote ${created.path}` : "schema.prisma matches the migrations: nothing to write");
  } finally {
    await database.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (lastPanic) console.error(`schema engine panic: ${lastPanic}`);
  process.exit(1);
});
