import type { AgentAdoption } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";

/**
 * An agent said hello on a fresh socket: record it online with its versions and what its policy
 * adopts, and return the hash of the inventory stored for it (null before its first snapshot),
 * which the welcome tells the agent so it can skip an unchanged snapshot. One statement: at 5,000
 * agents connecting at once, every round trip of the hello counts. An agent that said
 * nothing about adoption (before protocol 1.8) clears what an earlier one said: the control
 * plane then cannot tell, rather than trusting a stale policy.
 */
export async function markHostConnected(
  db: Db,
  hostId: string,
  agent: { agentVersion: string; protocolVersion: string; adoption?: AgentAdoption | undefined },
  now: Date = new Date(),
): Promise<{ knownHash: string | null }> {
  const adoption = agent.adoption === undefined ? null : JSON.stringify(agent.adoption);
  const rows = await db.$queryRaw<{ snapshotHash: string | null }[]>`
    UPDATE "Host" SET online = true, "connectedAt" = ${now}, "lastSeenAt" = ${now}, "agentVersion" = ${agent.agentVersion},
      "protocolVersion" = ${agent.protocolVersion}, adoption = ${adoption}::jsonb
    WHERE id = ${hostId} RETURNING "snapshotHash"`;
  if (rows.length === 0) throw new Error(`markHostConnected: no host with id ${hostId}`);
  return { knownHash: rows[0]!.snapshotHash };
}
