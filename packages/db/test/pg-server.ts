import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { applyMigrations } from "../src/apply-migrations.ts";
import { createDb, type Db } from "../src/create-db.ts";
import { startDatabase } from "../src/start-database.ts";

/** A real embedded PostgreSQL in a temp dir, for one test file. */
export async function startTestServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-db-test-"));
  const database = await startDatabase({ dataDir: join(dir, "pg") });
  return {
    url: database.url,
    async stop() {
      await database.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A new empty database on the same server; returns its URL. */
export async function createEmptyDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * One embedded server per test file with the migrations applied and a Prisma client on it,
 * started in beforeAll and stopped in afterAll. Read `db`/`url` inside tests.
 */
export function useMigratedDatabase(): { readonly db: Db; readonly url: string } {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let client: Db | undefined;
  beforeAll(async () => {
    server = await startTestServer();
    await applyMigrations(server.url);
    client = createDb(server.url);
  });
  afterAll(async () => {
    await client?.$disconnect();
    await server?.stop();
  });
  return {
    get db() {
      if (!client) throw new Error("useMigratedDatabase: db is only available inside tests");
      return client;
    },
    get url() {
      if (!server) throw new Error("useMigratedDatabase: url is only available inside tests");
      return server.url;
    },
  };
}
