import type { Db } from "./create-db.ts";

/** Revoke every live credential of a host (the gateway then closes its socket). Returns how many were revoked. */
export async function revokeAgentCredentials(db: Db, hostId: string, now: Date = new Date()): Promise<{ revoked: number }> {
  const result = await db.agentCredential.updateMany({ where: { hostId, revokedAt: null }, data: { revokedAt: now } });
  return { revoked: result.count };
}
