import type { Inventory } from "@vfleet/protocol";
import { checkInventoryRefs } from "./check-inventory-refs.ts";
import type { Db } from "./create-db.ts";
import { Prisma } from "./generated/prisma/client.ts";
import { insertRows, type InventoryTable } from "./insert-rows.ts";
import { inventoryToRows } from "./inventory-to-rows.ts";
import { recordSnapshotHistory } from "./record-snapshot-history.ts";
import { refreshPfCapacity } from "./scheduler/refresh-pf-capacity.ts";

export interface Snapshot {
  /** Content hash the agent computed over the inventory. */
  hash: string;
  scannedAt: Date;
  inventory: Inventory;
  /** Summary the caller derived from this inventory; cleared when omitted, as it would be stale. */
  capacity?: unknown;
}

/**
 * Make `snapshot` the host's stored inventory. An unchanged hash costs one UPDATE of
 * lastSeenAt. Otherwise the host's rows are replaced in one transaction of bulk statements
 * (deleteMany + one multi-row INSERT per table, see insertRows): readers see the old or the new inventory, never a mix,
 * and a failure anywhere keeps the old one. The leading host UPDATE locks the host row, so two
 * writers for one host take turns.
 */
export async function storeSnapshot(db: Db, hostId: string, snapshot: Snapshot): Promise<{ stored: boolean }> {
  if (typeof snapshot.hash !== "string" || snapshot.hash.length < 1 || snapshot.hash.length > 128) {
    throw new Error(`storeSnapshot: hash must be a string of 1-128 characters, got ${JSON.stringify(snapshot.hash)}`);
  }
  if (!(snapshot.scannedAt instanceof Date) || Number.isNaN(snapshot.scannedAt.getTime())) {
    throw new Error(`storeSnapshot: scannedAt must be a valid Date, got ${String(snapshot.scannedAt)}`);
  }
  const now = new Date();
  const unchanged = await db.host.updateMany({ where: { id: hostId, snapshotHash: snapshot.hash }, data: { lastSeenAt: now } });
  if (unchanged.count > 0) return { stored: false };

  const { inventory } = snapshot;
  checkInventoryRefs(inventory);
  const rows = inventoryToRows(hostId, inventory);
  const where = { where: { hostId } };
  const insert = (table: InventoryTable, data: object[]) => (data.length > 0 ? [insertRows(db, table, data)] : []);
  try {
    await db.$transaction([
      db.host.update({
        where: { id: hostId },
        data: {
          hostname: inventory.host.hostname,
          snapshotHash: snapshot.hash,
          snapshotAt: snapshot.scannedAt,
          lastSeenAt: now,
          facts: inventory.host as Prisma.InputJsonValue,
          capacity: snapshot.capacity === undefined || snapshot.capacity === null ? Prisma.DbNull : (snapshot.capacity as Prisma.InputJsonValue),
        },
        select: { id: true },
      }),
      // Children first, then parents; inserts the other way round (foreign keys).
      db.guestHostdev.deleteMany(where),
      db.guest.deleteMany(where),
      db.netInterface.deleteMany(where),
      db.virtualFunction.deleteMany(where),
      db.physicalFunction.deleteMany(where),
      db.pciDevice.deleteMany(where),
      db.iommuGroup.deleteMany(where),
      ...insert("IommuGroup", rows.iommuGroups),
      ...insert("PciDevice", rows.pciDevices),
      ...insert("PhysicalFunction", rows.physicalFunctions),
      ...insert("VirtualFunction", rows.virtualFunctions),
      ...insert("NetInterface", rows.netInterfaces),
      ...insert("Guest", rows.guests),
      ...insert("GuestHostdev", rows.guestHostdevs),
    ]);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") {
      throw new Error(`storeSnapshot: no host with id ${hostId}`, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`storeSnapshot: host ${hostId} snapshot ${snapshot.hash} not stored, previous inventory kept: ${message}`, { cause: error });
  }
  // The scheduler's per-PF summary follows the stored rows (issue 8).
  await refreshPfCapacity(db, hostId);
  await recordSnapshotHistory(db, hostId, inventory);
  return { stored: true };
}
