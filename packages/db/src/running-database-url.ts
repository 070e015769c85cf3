import { readFile, realpath } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DATABASE_NAME, DATABASE_USER, PASSWORD_FILE } from "./start-database.ts";

/**
 * The URL of the embedded PostgreSQL already serving `dataDir` (a running control plane's), or
 * null when none does. A second process (the CLI) must join it: `startDatabase` would take such
 * a server for a killed control plane's orphan and stop it.
 */
export async function runningDatabaseUrl(dataDir: string): Promise<string | null> {
  // As root in a 0700 home the data directory is a symlink to the cluster (placeDataDir): postgres knows the target.
  const dir = await realpath(resolve(dataDir)).catch(() => resolve(dataDir));
  const lines = await readFile(join(dir, "postmaster.pid"), "utf8").then(
    (t) => t.split("\n"),
    () => null,
  );
  const pid = Number(lines?.[0]);
  const port = Number(lines?.[3]);
  if (!lines || !Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || resolve(lines[1] ?? "") !== dir) return null;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => null);
  if (cmdline === null || !/postgres/.test(cmdline)) return null;
  const password = (await readFile(join(dir, PASSWORD_FILE), "utf8")).trim();
  return `postgresql://${DATABASE_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
}
