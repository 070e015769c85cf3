import type { Inventory } from "@vfleet/protocol";

/**
 * IOMMU group membership is stored once (PciDevice.iommuGroup), so an inventory whose
 * `iommuGroups[].devices` disagree with the devices' `iommuGroup` could not be loaded back as
 * sent. Reject it with the exact field (pure). Uniqueness of addresses and names is left to the
 * database's keys.
 */
export function checkInventoryRefs(inventory: Inventory): void {
  const groupOf = new Map<string, number | null>(inventory.devices.map((d) => [d.address, d.iommuGroup]));
  const listed = new Set<string>();
  inventory.iommuGroups.forEach((group, g) => {
    group.devices.forEach((address, i) => {
      if (!groupOf.has(address)) {
        throw new Error(`inventory.iommuGroups[${g}].devices[${i}]: ${address} is not in inventory.devices`);
      }
      if (groupOf.get(address) !== group.id) {
        throw new Error(`inventory.iommuGroups[${g}].devices[${i}]: ${address} has iommuGroup ${groupOf.get(address)} in inventory.devices, not ${group.id}`);
      }
      listed.add(address);
    });
  });
  inventory.devices.forEach((device, i) => {
    if (device.iommuGroup !== null && !listed.has(device.address)) {
      throw new Error(`inventory.devices[${i}]: ${device.address} has iommuGroup ${device.iommuGroup} but no inventory.iommuGroups entry lists it`);
    }
  });
}
