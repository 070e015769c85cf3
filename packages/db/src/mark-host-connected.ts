import type { Db } from "./create-db.ts";

/** An agent said hello on a fresh socket: record it online with its versions. */
export async function markHostConnected(
  db: Db,
  hostId: string,
  agent: { agentVersion: string; protocolVersion: string },
  now: Date = new Date(),
): Promise<void> {
  const result = await db.host.updateMany({
    where: { id: hostId },
    data: { online: true, connectedAt: now, lastSeenAt: now, agentVersion: agent.agentVersion, protocolVersion: agent.protocolVersion },
  });
  if (result.count === 0) throw new Error(`markHostConnected: no host with id ${hostId}`);
}
