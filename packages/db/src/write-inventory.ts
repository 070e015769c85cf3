import type { Inventory } from "@vfleet/protocol";
import { checkInventoryRefs } from "./check-inventory-refs.ts";
import type { Db } from "./create-db.ts";
import { inventoryToRows } from "./inventory-to-rows.ts";

export interface Snapshot {
  /** Content hash the agent computed over the inventory. */
  hash: string;
  scannedAt: Date;
  inventory: Inventory;
  /** Summary the caller derived from this inventory; cleared when omitted, as it would be stale. */
  capacity?: unknown;
}

/**
 * Make `snapshot` the host's stored rows, in one round trip: the SQL function
 * `vfleet_store_inventory` (migration `store_inventory_function`) replaces the host row's facts
 * and every inventory table's rows as one statement, so readers see the old or the new
 * inventory, never a mix, and a failure keeps the old one. An unchanged hash only touches
 * lastSeenAt ({ stored: false }). The derived summaries are not written here (see storeSnapshot).
 *
 * Rows go as one JSON parameter per store: PostgreSQL's jsonb_populate_recordset turns them into
 * rows in a few ms, where Prisma's createMany spent ~250 ms of CPU on a DGX-2 snapshot.
 */
export async function writeInventory(db: Db, hostId: string, snapshot: Snapshot): Promise<{ stored: boolean }> {
  if (typeof snapshot.hash !== "string" || snapshot.hash.length < 1 || snapshot.hash.length > 128) {
    throw new Error(`storeSnapshot: hash must be a string of 1-128 characters, got ${JSON.stringify(snapshot.hash)}`);
  }
  if (!(snapshot.scannedAt instanceof Date) || Number.isNaN(snapshot.scannedAt.getTime())) {
    throw new Error(`storeSnapshot: scannedAt must be a valid Date, got ${String(snapshot.scannedAt)}`);
  }
  const { inventory } = snapshot;
  checkInventoryRefs(inventory);
  const rows = inventoryToRows(hostId, inventory);
  const tables = JSON.stringify(
    {
      IommuGroup: rows.iommuGroups,
      PciDevice: rows.pciDevices,
      PhysicalFunction: rows.physicalFunctions,
      VirtualFunction: rows.virtualFunctions,
      NetInterface: rows.netInterfaces,
      Guest: rows.guests,
      GuestHostdev: rows.guestHostdevs,
    },
    (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
  );
  const capacity = snapshot.capacity === undefined || snapshot.capacity === null ? null : JSON.stringify(snapshot.capacity);
  try {
    const [result] = await db.$queryRaw<{ stored: boolean }[]>`
      SELECT "vfleet_store_inventory"(${hostId}, ${snapshot.hash}, ${snapshot.scannedAt}::timestamp(3), ${new Date()}::timestamp(3),
        ${inventory.host.hostname}, ${JSON.stringify(inventory.host)}::jsonb, ${capacity}::jsonb, ${tables}::jsonb) AS stored`;
    return { stored: result!.stored };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("vfleet: no host with id")) throw new Error(`storeSnapshot: no host with id ${hostId}`, { cause: error });
    throw new Error(`storeSnapshot: host ${hostId} snapshot ${snapshot.hash} not stored, previous inventory kept: ${message}`, {
      cause: error,
    });
  }
}
