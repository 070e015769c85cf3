import type { Db } from "./create-db.ts";

/**
 * The host's socket closed. With `connectedAt` (the session's own hello time), only while that
 * session is still the host's latest: when the agent already reconnected to another process,
 * this late close must not mark it offline there. Returns whether it changed the host.
 */
export async function markHostOffline(db: Db, hostId: string, session?: { connectedAt: Date }): Promise<boolean> {
  const { count } = await db.host.updateMany({
    where: { id: hostId, online: true, ...(session ? { connectedAt: session.connectedAt } : {}) },
    data: { online: false },
  });
  return count > 0;
}
