import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { HOST_SUMMARY_SELECT, toHostSummary, type HostSummary } from "./host-summary.ts";
import { loadInventoryWithHash } from "./load-inventory.ts";

/** Inventories kept by host and snapshot hash (the control plane's; see its inventory-cache). */
export interface InventoryCache {
  get(hostId: string, hash: string | null): Inventory | undefined;
  set(hostId: string, hash: string | null, inventory: Inventory): void;
}

/**
 * One host's summary and stored inventory; null for an unknown id. `credentialRevokedAt`: when its
 * last live agent credential was revoked (null while one is live, or before any): no agent can
 * connect for it any more (enrollment makes a new host), so a job queued for it would wait forever.
 * With `cache`, an inventory rebuilt earlier for the host's current snapshot hash is reused (the
 * scheduler's checks read a candidate's whole inventory on every placement).
 */
export async function getHost(
  db: Db,
  hostId: string,
  opts: { cache?: InventoryCache } = {},
): Promise<{ summary: HostSummary; inventory: Inventory | null; credentialRevokedAt: Date | null } | null> {
  const host = await db.host.findUnique({
    where: { id: hostId },
    select: { ...HOST_SUMMARY_SELECT, snapshotHash: true, credentials: { select: { revokedAt: true } } },
  });
  if (!host) return null;
  const { credentials, snapshotHash, ...summary } = host;
  const revoked = credentials.length > 0 && credentials.every((c) => c.revokedAt !== null);
  return {
    summary: toHostSummary(summary),
    inventory: opts.cache?.get(hostId, snapshotHash) ?? (await readInventory(db, hostId, opts.cache)),
    credentialRevokedAt: revoked ? new Date(Math.max(...credentials.map((c) => c.revokedAt!.getTime()))) : null,
  };
}

export async function readInventory(db: Db, hostId: string, cache: InventoryCache | undefined): Promise<Inventory | null> {
  const read = await loadInventoryWithHash(db, hostId);
  if (read) cache?.set(hostId, read.hash, read.inventory);
  return read?.inventory ?? null;
}
