import { createHash } from "node:crypto";
import { chmod, lstat, mkdir, readlink, realpath, rm, stat, symlink } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { SHARED_DIR } from "./postgres-binaries.ts";
import { userCan, type PostgresUser } from "./postgres-user.ts";

/**
 * The directory PostgreSQL keeps `dataDir`'s cluster in. Running as ourselves, or where the
 * postgres user can reach it, that is `dataDir` (its own parent, vfleet's `.vfleet/` or a test's
 * temp directory, is opened for traversal, x only). Where it cannot (a checkout in root's 0700
 * home), the cluster lives in /var/lib/vfleet/data/<hash of dataDir> and `dataDir` is a symlink to
 * it, so everything that reads the data directory still finds it there. A home directory is never
 * opened up. A symlink removed with its `.vfleet` (`rm -rf .vfleet` starts afresh) leaves its
 * cluster behind: the next start finds it unlinked and removes it before making a new one.
 */
export async function placeDataDir(dataDir: string, user: PostgresUser): Promise<string> {
  const dir = resolve(dataDir);
  if (!user) return dir;
  const link = await lstat(dir).catch(() => null);
  if (link?.isSymbolicLink()) {
    const target = resolve(dirname(dir), await readlink(dir));
    await mkdir(target, { recursive: true, mode: 0o700 });
    return realpath(dir);
  }
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const homes = new Set([homedir(), "/root"]);
  if (!homes.has(parent) && userCan(user, "x", dirname(parent))) {
    await openForTraversal(parent);
    return dir;
  }
  if (link) {
    if (await stat(join(dir, "PG_VERSION")).catch(() => null))
      throw new Error(
        `startDatabase: the user postgres cannot reach the cluster in ${dir}; move it where it can and set VFLEET_DATA_DIR, or set DATABASE_URL`,
      );
    await rm(dir, { recursive: true, force: true }); // left empty by a start that failed here
  }
  const target = join(SHARED_DIR, "data", createHash("sha256").update(dir).digest("hex").slice(0, 16));
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  await rm(target, { recursive: true, force: true }); // an earlier cluster of this path whose link was removed
  await mkdir(target, { mode: 0o700 });
  await symlink(target, dir);
  return target;
}

async function openForTraversal(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && (info.mode & 0o001) === 0) await chmod(dir, info.mode | 0o001);
}
