import type { Guest as InventoryGuest, HostFacts, Inventory, AerCounters, MdevType, PciDevice as PciDeviceFacts } from "@vfleet/protocol";
import type {
  Guest,
  GuestHostdev,
  IommuGroup,
  NetInterface,
  PciDevice,
  PhysicalFunction,
  VirtualFunction,
} from "./generated/prisma/client.ts";

export interface StoredRows {
  facts: HostFacts;
  iommuGroups: IommuGroup[];
  pciDevices: PciDevice[];
  physicalFunctions: PhysicalFunction[];
  virtualFunctions: VirtualFunction[];
  netInterfaces: NetInterface[];
  guests: Guest[];
  guestHostdevs: GuestHostdev[];
}

const byAddress = (a: { address: string }, b: { address: string }) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Rebuild the protocol Inventory from a host's rows (pure), in normalizeInventory's canonical order. */
export function rowsToInventory(rows: StoredRows): Inventory {
  const vfsByPf = groupBy(rows.virtualFunctions, (vf) => vf.pfAddress);
  const pfs = new Map(rows.physicalFunctions.map((pf) => [pf.address, pf]));
  const devices = [...rows.pciDevices].sort(byAddress).map((row) => toPciDevice(row, pfs.get(row.address), vfsByPf.get(row.address) ?? []));
  const members = groupBy(devices, (device) => device.iommuGroup);
  const hostdevs = groupBy(rows.guestHostdevs, (hostdev) => hostdev.guestName);
  return {
    host: rows.facts,
    devices,
    iommuGroups: [...rows.iommuGroups]
      .sort((a, b) => a.number - b.number)
      .map((group) => ({ id: group.number, devices: (members.get(group.number) ?? []).map((device) => device.address) })),
    interfaces: [...rows.netInterfaces].sort(byName).map(({ hostId: _hostId, ...nic }) => nic),
    guests: [...rows.guests].sort(byName).map(({ hostId: _hostId, memoryKiB, memoryHardLimitKiB, state, mdevs, ...guest }) => ({
      ...guest,
      ...(mdevs == null ? {} : { mdevs: mdevs as string[] }),
      state: state as InventoryGuest["state"],
      memoryKiB: Number(memoryKiB),
      memoryHardLimitKiB: memoryHardLimitKiB === null ? null : Number(memoryHardLimitKiB),
      hostdevs: (hostdevs.get(guest.name) ?? [])
        .sort((a, b) => a.position - b.position)
        .map(({ kind, address, managed, mac, vlan }) => ({ kind, address, managed, mac, vlan })),
    })),
  };
}

function toPciDevice(row: PciDevice, pf: PhysicalFunction | undefined, vfRows: VirtualFunction[]): PciDeviceFacts {
  const {
    hostId: _hostId,
    hasLink,
    linkCurrentSpeed,
    linkCurrentWidth,
    linkMaxSpeed,
    linkMaxWidth,
    pciPath,
    mdevTypes,
    aer,
    ...columns
  } = row;
  const vfs = [...vfRows].sort((a, b) => a.index - b.index);
  return {
    ...columns,
    mdevTypes: (mdevTypes ?? null) as MdevType[] | null,
    aer: (aer ?? null) as AerCounters | null,
    pciPath: pciPath === null ? null : pciPath.split("/").filter((b) => b !== ""),
    sriov: pf
      ? {
          totalVfs: pf.totalVfs,
          numVfs: pf.numVfs,
          vfs: vfs.flatMap((vf) => (vf.address === null ? [] : [vf.address])),
          vfDeviceId: pf.vfDeviceId,
          offset: pf.offset,
          stride: pf.stride,
          driversAutoprobe: pf.driversAutoprobe,
          vfConfigs: vfs
            .filter((vf) => vf.hasConfig)
            .map((vf) => ({
              index: vf.index,
              mac: vf.mac,
              vlan: vf.vlan,
              qos: vf.qos,
              spoofchk: vf.spoofchk,
              trust: vf.trust,
              linkState: vf.linkState,
            })),
        }
      : null,
    link: hasLink
      ? { currentSpeed: linkCurrentSpeed, currentWidth: linkCurrentWidth, maxSpeed: linkMaxSpeed, maxWidth: linkMaxWidth }
      : null,
  };
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
