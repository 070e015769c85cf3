import type { Db } from "./create-db.ts";

/** Hash of the host's stored inventory (null before the first snapshot or for an unknown host): the agent skips a snapshot with this hash. */
export async function getKnownHash(db: Db, hostId: string): Promise<string | null> {
  const host = await db.host.findUnique({ where: { id: hostId }, select: { snapshotHash: true } });
  return host?.snapshotHash ?? null;
}
