import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { HOST_SUMMARY_SELECT, toHostSummary, type HostSummary } from "./host-summary.ts";
import { loadInventory } from "./load-inventory.ts";

/** One host's summary and stored inventory; null for an unknown id. */
export async function getHost(db: Db, hostId: string): Promise<{ summary: HostSummary; inventory: Inventory | null } | null> {
  const host = await db.host.findUnique({ where: { id: hostId }, select: HOST_SUMMARY_SELECT });
  if (!host) return null;
  return { summary: toHostSummary(host), inventory: await loadInventory(db, hostId) };
}
