import type { Inventory } from "@vfleet/protocol";

/**
 * IOMMU group membership is stored once (PciDevice.iommuGroup), so an inventory whose
 * `iommuGroups[].devices` disagree with the devices' `iommuGroup` could not be loaded back as
 * sent. Reject it with the exact field (pure). Uniqueness of addresses and names is left to the
 * database's keys.
 */
export function checkInventoryRefs(inventory: Inventory): void {
  const problem = findInventoryRefError(inventory);
  if (problem) throw new Error(problem);
}

/** The first reference that does not hold, as a message naming the field; null when all hold. */
export function findInventoryRefError(inventory: Inventory): string | null {
  const groupOf = new Map<string, number | null>(inventory.devices.map((d) => [d.address, d.iommuGroup]));
  const listed = new Set<string>();
  let problem: string | null = null;
  inventory.iommuGroups.forEach((group, g) => {
    group.devices.forEach((address, i) => {
      if (!groupOf.has(address)) {
        problem ??= `inventory.iommuGroups[${g}].devices[${i}]: ${address} is not in inventory.devices`;
      }
      if (groupOf.get(address) !== group.id) {
        problem ??= `inventory.iommuGroups[${g}].devices[${i}]: ${address} has iommuGroup ${groupOf.get(address)} in inventory.devices, not ${group.id}`;
      }
      listed.add(address);
    });
  });
  inventory.devices.forEach((device, i) => {
    if (device.iommuGroup !== null && !listed.has(device.address)) {
      problem ??= `inventory.devices[${i}]: ${device.address} has iommuGroup ${device.iommuGroup} but no inventory.iommuGroups entry lists it`;
    }
  });
  return problem;
}
