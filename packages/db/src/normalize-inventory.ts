import type { Inventory } from "@vfleet/protocol";

const byString =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * The canonical order an inventory is loaded from the database in (pure):
 * - devices by address; each PF's `sriov.vfs` in `virtfnN` order, `sriov.vfConfigs` by index;
 * - IOMMU groups by id, each group's devices by address;
 * - interfaces and guests by name;
 * - guest fields newer than protocol 1.0 (`memoryHardLimitKiB`, `numaMemoryNodes`) and an
 *   interface's `speedMbps` (1.11) and a device's `pciPath` and `mdevTypes` (1.13) and `aer` (1.14) are null when the agent left them out (older agents do);
 * - kept as reported: a guest's hostdevs (definition order matters to libvirt), a device's
 *   netInterfaces, and everything in host facts.
 * Scanned and stored inventories compare equal after this, whatever order the agent read in.
 */
export function normalizeInventory(inventory: Inventory): Inventory {
  return {
    host: inventory.host,
    devices: [...inventory.devices].sort(byString((d) => d.address)).map((device) => ({
      ...device,
      pciPath: device.pciPath ?? null,
      mdevTypes: device.mdevTypes ?? null,
      aer: device.aer ?? null,
      sriov: device.sriov && { ...device.sriov, vfConfigs: [...device.sriov.vfConfigs].sort((a, b) => a.index - b.index) },
    })),
    iommuGroups: [...inventory.iommuGroups].sort((a, b) => a.id - b.id).map((group) => ({ ...group, devices: [...group.devices].sort() })),
    interfaces: [...inventory.interfaces].sort(byString((i) => i.name)).map((nic) => ({ ...nic, speedMbps: nic.speedMbps ?? null })),
    guests: [...inventory.guests]
      .sort(byString((g) => g.name))
      .map((guest) => ({ ...guest, memoryHardLimitKiB: guest.memoryHardLimitKiB ?? null, numaMemoryNodes: guest.numaMemoryNodes ?? null })),
  };
}
