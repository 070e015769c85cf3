import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Who the embedded PostgreSQL runs as: ourselves, or as root the system user `postgres` (PostgreSQL refuses root). */
export type PostgresUser = { uid: number; gid: number } | null;

const isRoot = () => process.getuid?.() === 0;

async function idOf(name: string): Promise<{ uid: number; gid: number } | null> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/** As root: the `postgres` user, created (with its group) when the system has none. Otherwise null: we run it ourselves. */
export async function postgresUser(): Promise<PostgresUser> {
  if (!isRoot()) return null;
  const found = await idOf("postgres");
  if (found) return found;
  try {
    await run("groupadd", ["--system", "postgres"]).catch(() => undefined); // the group may exist alone
    await run("useradd", ["--system", "-g", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  } catch (error) {
    throw new Error(`startDatabase: PostgreSQL cannot run as root and creating the user postgres failed: ${String(error)}`);
  }
  const created = await idOf("postgres");
  if (!created) throw new Error("startDatabase: the user postgres was created but `id postgres` does not find it");
  return created;
}

/** Whether `user` may `test -<flag>` on `path` (search every directory on the way included), as the kernel decides. */
export function userCan(user: PostgresUser, flag: "x" | "r" | "w", path: string): boolean {
  if (!user) return true;
  return spawnSync("test", [`-${flag}`, path], { uid: user.uid, gid: user.gid, stdio: "ignore" }).status === 0;
}
