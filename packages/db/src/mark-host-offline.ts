import type { Db } from "./create-db.ts";

/** The host's socket closed. */
export async function markHostOffline(db: Db, hostId: string): Promise<void> {
  await db.host.updateMany({ where: { id: hostId }, data: { online: false } });
}
