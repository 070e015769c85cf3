import type { Db } from "./create-db.ts";
import { hashSecret } from "./secrets.ts";

/** The host an agent credential belongs to, or null when it is unknown or revoked. */
export async function authenticateAgent(db: Db, credential: string): Promise<{ hostId: string; hostName: string } | null> {
  if (typeof credential !== "string" || credential.length === 0) return null;
  const found = await db.agentCredential.findUnique({
    where: { secretHash: hashSecret(credential) },
    select: { revokedAt: true, host: { select: { id: true, name: true } } },
  });
  if (!found || found.revokedAt !== null) return null;
  return { hostId: found.host.id, hostName: found.host.name };
}
