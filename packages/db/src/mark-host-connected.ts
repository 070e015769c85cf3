import type { AgentAdoption } from "@vfleet/protocol";
import { Prisma } from "./generated/prisma/client.ts";
import type { Db } from "./create-db.ts";

/**
 * An agent said hello on a fresh socket: record it online with its versions and what its policy
 * adopts. An agent that said nothing about adoption (before protocol 1.8) clears what an earlier
 * one said: the control plane then cannot tell, rather than trusting a stale policy.
 */
export async function markHostConnected(
  db: Db,
  hostId: string,
  agent: { agentVersion: string; protocolVersion: string; adoption?: AgentAdoption | undefined },
  now: Date = new Date(),
): Promise<void> {
  const result = await db.host.updateMany({
    where: { id: hostId },
    data: { online: true, connectedAt: now, lastSeenAt: now, agentVersion: agent.agentVersion, protocolVersion: agent.protocolVersion, adoption: agent.adoption ?? Prisma.DbNull },
  });
  if (result.count === 0) throw new Error(`markHostConnected: no host with id ${hostId}`);
}
