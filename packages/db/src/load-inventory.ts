import type { HostFacts, Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { rowsToInventory } from "./rows-to-inventory.ts";

/**
 * The host's stored inventory rebuilt from its rows, in the canonical order documented at
 * normalizeInventory; null when the host is unknown or has sent no snapshot yet. Read in one
 * REPEATABLE READ transaction so a concurrent storeSnapshot cannot show half of each.
 */
export async function loadInventory(db: Db, hostId: string): Promise<Inventory | null> {
  return (await loadInventoryWithHash(db, hostId))?.inventory ?? null;
}

/** The inventory and the snapshot hash it was stored with, read in the same transaction (what InventoryCache keys on). */
export async function loadInventoryWithHash(db: Db, hostId: string): Promise<{ inventory: Inventory; hash: string | null } | null> {
  const where = { where: { hostId } };
  const [host, iommuGroups, pciDevices, physicalFunctions, virtualFunctions, netInterfaces, guests, guestHostdevs] = await db.$transaction(
    [
      db.host.findUnique({ where: { id: hostId }, select: { facts: true, snapshotHash: true } }),
      db.iommuGroup.findMany(where),
      db.pciDevice.findMany(where),
      db.physicalFunction.findMany(where),
      db.virtualFunction.findMany(where),
      db.netInterface.findMany(where),
      db.guest.findMany(where),
      db.guestHostdev.findMany(where),
    ],
    { isolationLevel: "RepeatableRead" },
  );
  if (!host?.facts) return null;
  const inventory = rowsToInventory({
    facts: host.facts as HostFacts,
    iommuGroups,
    pciDevices,
    physicalFunctions,
    virtualFunctions,
    netInterfaces,
    guests,
    guestHostdevs,
  });
  return { inventory, hash: host.snapshotHash };
}
