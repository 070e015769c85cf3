import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { HOST_SUMMARY_SELECT, toHostSummary, type HostSummary } from "./host-summary.ts";
import { loadInventory } from "./load-inventory.ts";

/**
 * One host's summary and stored inventory; null for an unknown id. `credentialRevokedAt`: when its
 * last live agent credential was revoked (null while one is live, or before any): no agent can
 * connect for it any more (enrollment makes a new host), so a job queued for it would wait forever.
 */
export async function getHost(
  db: Db,
  hostId: string,
): Promise<{ summary: HostSummary; inventory: Inventory | null; credentialRevokedAt: Date | null } | null> {
  const host = await db.host.findUnique({
    where: { id: hostId },
    select: { ...HOST_SUMMARY_SELECT, credentials: { select: { revokedAt: true } } },
  });
  if (!host) return null;
  const { credentials, ...summary } = host;
  const revoked = credentials.length > 0 && credentials.every((c) => c.revokedAt !== null);
  return {
    summary: toHostSummary(summary),
    inventory: await loadInventory(db, hostId),
    credentialRevokedAt: revoked ? new Date(Math.max(...credentials.map((c) => c.revokedAt!.getTime()))) : null,
  };
}
