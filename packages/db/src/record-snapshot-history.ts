import { computeCapacity } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { recordCapacitySamples } from "./record-capacity-sample.ts";
import { recordHostHealth } from "./record-host-health.ts";
import { refreshPfCapacity } from "./scheduler/refresh-pf-capacity.ts";

/**
 * What readers use besides the inventory, derived from newly stored ones: the scheduler's per-PF
 * summary (from the stored rows, with the host's reservations), the host's audit verdict (health
 * column) and a capacity sample when the counts moved (charts). All come from core's own
 * definitions, so they agree with the host and audit pages. Several hosts at once cost the same
 * few statements as one: the control plane passes every host stored while the previous call ran.
 * One entry per host (the newest inventory).
 */
export async function recordSnapshotHistory(db: Db, stored: { hostId: string; inventory: Inventory }[]): Promise<void> {
  if (stored.length === 0) return;
  const at = new Date();
  await refreshPfCapacity(
    db,
    stored.map((s) => s.hostId),
  );
  await recordCapacitySamples(
    db,
    stored.map(({ hostId, inventory }) => ({ hostId, totals: computeCapacity(inventory).totals, at })),
  );
  await recordHostHealth(db, stored);
}
