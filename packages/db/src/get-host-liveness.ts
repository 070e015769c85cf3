import type { Db } from "./create-db.ts";

/** A host's connection facts without its inventory (the SSH installer polls this while it waits). */
export function getHostLiveness(
  db: Db,
  hostId: string,
): Promise<{ name: string; online: boolean; connectedAt: Date | null; snapshotAt: Date | null; agentVersion: string | null } | null> {
  return db.host.findUnique({
    where: { id: hostId },
    select: { name: true, online: true, connectedAt: true, snapshotAt: true, agentVersion: true },
  });
}
