import { computeCapacity } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { recordCapacitySample } from "./record-capacity-sample.ts";
import { recordHostHealth } from "./record-host-health.ts";

/**
 * What the fleet page reads besides the inventory, derived from a newly stored one: the host's
 * audit verdict (health column) and a capacity sample when the counts moved (charts). Both come
 * from core's own definitions, so they agree with the host and audit pages.
 */
export async function recordSnapshotHistory(db: Db, hostId: string, inventory: Inventory): Promise<void> {
  await recordCapacitySample(db, hostId, computeCapacity(inventory).totals);
  await recordHostHealth(db, hostId, inventory);
}
