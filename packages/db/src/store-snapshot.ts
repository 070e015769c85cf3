import type { Db } from "./create-db.ts";
import { recordSnapshotHistory } from "./record-snapshot-history.ts";
import { writeInventory, type Snapshot } from "./write-inventory.ts";

export type { Snapshot };

/**
 * Make `snapshot` the host's stored inventory, then bring what is derived from it up to date
 * (scheduler summary, health, capacity history). An unchanged hash costs one UPDATE of
 * lastSeenAt, before the rows are even built. The control plane calls the halves itself: its
 * agents' sessions already skip unchanged snapshots, and a burst of stores shares the derived
 * writes (apps/web/server/snapshot-store-queue.ts).
 */
export async function storeSnapshot(db: Db, hostId: string, snapshot: Snapshot): Promise<{ stored: boolean }> {
  const unchanged = await db.host.updateMany({ where: { id: hostId, snapshotHash: snapshot.hash }, data: { lastSeenAt: new Date() } });
  if (unchanged.count > 0) return { stored: false };
  const { stored } = await writeInventory(db, hostId, snapshot);
  if (stored) await recordSnapshotHistory(db, [{ hostId, inventory: snapshot.inventory }]);
  return { stored };
}
