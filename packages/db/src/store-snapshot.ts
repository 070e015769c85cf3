import { DEFAULT_HEALTH_THRESHOLDS } from "@vfleet/core";
import type { Db } from "./create-db.ts";
import { evaluateDeviceHealth } from "./health/evaluate-device-health.ts";
import { recordSnapshotHistory } from "./record-snapshot-history.ts";
import { writeInventory, type Snapshot } from "./write-inventory.ts";

export type { Snapshot };

/**
 * Make `snapshot` the host's stored inventory (an unchanged hash only touches lastSeenAt), then
 * bring what is derived from it up to date (scheduler summaries, health, capacity history). The
 * control plane calls the two halves itself, so a burst of stores shares the derived writes
 * (apps/web/server/snapshot-store-queue.ts); its agents' sessions skip unchanged snapshots
 * before any of this.
 */
export async function storeSnapshot(db: Db, hostId: string, snapshot: Snapshot): Promise<{ stored: boolean }> {
  const { stored } = await writeInventory(db, hostId, snapshot);
  if (stored) {
    await recordSnapshotHistory(db, [{ hostId, inventory: snapshot.inventory }]);
    await evaluateDeviceHealth(db, [hostId], DEFAULT_HEALTH_THRESHOLDS);
  }
  return { stored };
}
