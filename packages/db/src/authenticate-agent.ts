import type { Db } from "./create-db.ts";
import { hashSecret } from "./secrets.ts";

/**
 * The host an agent credential belongs to, or null when it is unknown or revoked. `hostname` is
 * the one enrolled: the gateway refuses snapshots that name another.
 */
export async function authenticateAgent(
  db: Db,
  credential: string,
): Promise<{ hostId: string; hostName: string; hostname: string } | null> {
  if (typeof credential !== "string" || credential.length === 0) return null;
  const found = await db.agentCredential.findUnique({
    where: { secretHash: hashSecret(credential) },
    select: { revokedAt: true, host: { select: { id: true, name: true, hostname: true } } },
  });
  if (!found || found.revokedAt !== null) return null;
  return { hostId: found.host.id, hostName: found.host.name, hostname: found.host.hostname };
}
