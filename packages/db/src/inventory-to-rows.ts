import type { Inventory, PciDevice } from "@vfleet/protocol";
import type { Prisma } from "./generated/prisma/client.ts";

export interface InventoryRows {
  iommuGroups: Prisma.IommuGroupCreateManyInput[];
  pciDevices: Prisma.PciDeviceCreateManyInput[];
  physicalFunctions: Prisma.PhysicalFunctionCreateManyInput[];
  virtualFunctions: Prisma.VirtualFunctionCreateManyInput[];
  netInterfaces: Prisma.NetInterfaceCreateManyInput[];
  guests: Prisma.GuestCreateManyInput[];
  guestHostdevs: Prisma.GuestHostdevCreateManyInput[];
}

/**
 * One host's inventory as table rows (pure). Host facts are not here: they are one JSON
 * column of Host. IOMMU group membership is stored once, as PciDevice.iommuGroup.
 */
export function inventoryToRows(hostId: string, inventory: Inventory): InventoryRows {
  const rows: InventoryRows = {
    iommuGroups: inventory.iommuGroups.map((group) => ({ hostId, number: group.id })),
    pciDevices: inventory.devices.map((device) => pciDeviceRow(hostId, device)),
    physicalFunctions: [],
    virtualFunctions: [],
    netInterfaces: inventory.interfaces.map((nic) => ({ hostId, ...nic, speedMbps: nic.speedMbps ?? null })),
    guests: [],
    guestHostdevs: [],
  };
  for (const device of inventory.devices) {
    if (device.sriov) sriovRows(hostId, device.address, device.sriov, rows);
  }
  for (const guest of inventory.guests) {
    const { hostdevs, memoryKiB, memoryHardLimitKiB, numaMemoryNodes, mdevs, ...columns } = guest;
    rows.guests.push({
      hostId,
      ...columns,
      mdevs: mdevs ?? undefined,
      numaMemoryNodes: numaMemoryNodes ?? null,
      memoryKiB: BigInt(memoryKiB),
      memoryHardLimitKiB: memoryHardLimitKiB == null ? null : BigInt(memoryHardLimitKiB),
    });
    hostdevs.forEach((hostdev, position) => rows.guestHostdevs.push({ hostId, guestName: guest.name, position, ...hostdev }));
  }
  return rows;
}

function pciDeviceRow(hostId: string, device: PciDevice): Prisma.PciDeviceCreateManyInput {
  const { sriov: _sriov, link, pciPath, mdevTypes, aer, ...columns } = device;
  return {
    hostId,
    ...columns,
    pciPath: pciPath == null ? null : pciPath.join("/"),
    // Omitted (NULL) when not an mdev parent or not reported: the rows travel as JSON to jsonb_populate_recordset.
    mdevTypes: mdevTypes ?? undefined,
    aer: aer ?? undefined,
    hasLink: link !== null,
    linkCurrentSpeed: link?.currentSpeed ?? null,
    linkCurrentWidth: link?.currentWidth ?? null,
    linkMaxSpeed: link?.maxSpeed ?? null,
    linkMaxWidth: link?.maxWidth ?? null,
  };
}

/** One VirtualFunction row per index that has an address (`virtfnN`) or a network config, or both. */
function sriovRows(hostId: string, pfAddress: string, sriov: NonNullable<PciDevice["sriov"]>, rows: InventoryRows): void {
  const { vfs, vfConfigs, ...pf } = sriov;
  rows.physicalFunctions.push({ hostId, address: pfAddress, ...pf });
  const configs = new Map(vfConfigs.map((config) => [config.index, config]));
  const indices = new Set([...vfs.keys(), ...configs.keys()]);
  for (const index of [...indices].sort((a, b) => a - b)) {
    const config = configs.get(index);
    rows.virtualFunctions.push({
      hostId,
      pfAddress,
      index,
      address: vfs[index] ?? null,
      hasConfig: config !== undefined,
      mac: config?.mac ?? null,
      vlan: config?.vlan ?? null,
      qos: config?.qos ?? null,
      spoofchk: config?.spoofchk ?? null,
      trust: config?.trust ?? null,
      linkState: config?.linkState ?? null,
    });
  }
}
