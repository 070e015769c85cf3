import type { Db } from "./create-db.ts";

/**
 * Revoke every live credential of a host (the gateway then closes its socket). Returns how many
 * were revoked. A credential-conflict flag goes with them: the next credential starts clean.
 * Also inside a transaction (host removal).
 */
export async function revokeAgentCredentials(
  db: Pick<Db, "agentCredential" | "host">,
  hostId: string,
  now: Date = new Date(),
): Promise<{ revoked: number }> {
  const result = await db.agentCredential.updateMany({ where: { hostId, revokedAt: null }, data: { revokedAt: now } });
  await db.host.updateMany({ where: { id: hostId }, data: { credentialConflictAt: null, credentialConflicts: 0 } });
  return { revoked: result.count };
}
