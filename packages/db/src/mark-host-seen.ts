import type { Db } from "./create-db.ts";

/**
 * Traffic arrived from the host's agent. Also sets online: a sweep may have marked a live
 * socket offline while this process was stalled, and the traffic proves it is back.
 */
export async function markHostSeen(db: Db, hostId: string, now: Date = new Date()): Promise<void> {
  await db.host.updateMany({ where: { id: hostId }, data: { lastSeenAt: now, online: true } });
}
