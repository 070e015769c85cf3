import type { Db } from "./create-db.ts";

/**
 * Revoke every live credential of a host (the gateway then closes its socket). Returns how many
 * were revoked. A credential-conflict flag goes with them: the next credential starts clean.
 */
export async function revokeAgentCredentials(db: Db, hostId: string, now: Date = new Date()): Promise<{ revoked: number }> {
  const result = await db.agentCredential.updateMany({ where: { hostId, revokedAt: null }, data: { revokedAt: now } });
  await db.host.updateMany({ where: { id: hostId }, data: { credentialConflictAt: null, credentialConflicts: 0 } });
  return { revoked: result.count };
}
