import type { Db } from "../create-db.ts";

/**
 * Liveness for many hosts in one statement: every host whose agent socket answered this
 * process's last ping. Replaces one UPDATE per heartbeat per agent. Also sets online:
 * a sweep may have marked a live socket offline while this process was stalled.
 */
export async function touchHostsSeen(db: Db, hostIds: readonly string[], now: Date = new Date()): Promise<number> {
  if (hostIds.length === 0) return 0;
  return db.$executeRaw`UPDATE "Host" SET "lastSeenAt" = ${now}, online = true WHERE id = ANY(${hostIds as string[]}::text[])`;
}
