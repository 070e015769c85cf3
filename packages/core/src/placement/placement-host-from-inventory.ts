import type { Inventory, NetInterface } from "@vfleet/protocol";
import { assignmentsOf, mdevUsersOf } from "../capacity/compute-capacity.ts";
import { isBridge } from "../pci/iommu-group.ts";
import type { Claim, GroupMember, PlacementDevice, PlacementHost, PlacementPf, PlacementPort } from "./placement-types.ts";

export type HostMeta = {
  id: string;
  name: string;
  online: boolean;
  /** In maintenance (absent: not). */
  maintenance?: boolean;
  labels?: Record<string, string>;
  /** Addresses an operator quarantined (a PF's quarantine covers its VFs). */
  quarantined?: ReadonlySet<string>;
  /** vfleet's reservations and assignments on this host, by address. */
  claims?: ReadonlyMap<string, Claim>;
};

/** Addresses whose network interface the host itself uses (default route, bond or bridge member). */
export function hostUsedAddresses(inventory: Inventory): Set<string> {
  const used = new Set<string>();
  const route = inventory.host.defaultRouteInterface;
  for (const i of inventory.interfaces) {
    if (i.pciAddress && (i.name === route || i.master !== null)) used.add(i.pciAddress);
  }
  return used;
}

/** A PF's port from its first netdev: "up" only with carrier (an interface set down reads no carrier). */
export function portOf(netdev: string | undefined, nics: ReadonlyMap<string, NetInterface>): PlacementPort | null {
  const nic = netdev === undefined ? undefined : nics.get(netdev);
  if (!nic) return null;
  const up = nic.carrier === true;
  return { netdev: nic.name, link: up ? "up" : "down", speedMbps: up ? (nic.speedMbps ?? null) : null };
}

/**
 * The scheduler's view of one host from its inventory. A function a guest definition names is
 * assigned whatever vfleet recorded (libvirt is the truth of what a guest holds), and so is the
 * parent of a mediated device instance; otherwise vfleet's own claim applies.
 */
export function placementHostFromInventory(inventory: Inventory, meta: HostMeta): PlacementHost {
  const nics = new Map(inventory.interfaces.map((i) => [i.name, i] as const));
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d] as const));
  const owner = assignmentsOf(inventory);
  const mdevUsers = mdevUsersOf(inventory);
  const used = hostUsedAddresses(inventory);
  const isQuarantined = (address: string, pf: string | null) =>
    !!meta.quarantined?.has(address) || (pf !== null && !!meta.quarantined?.has(pf));
  const claimOf = (address: string): Claim | null => {
    // A mediated device's parent (a vGPU's VF or GPU) is held by the instance's guest, as in computeCapacity.
    const guest = owner.get(address) ?? mdevUsers.get(address);
    if (guest) return { state: "assigned", guest };
    return meta.claims?.get(address) ?? null;
  };

  const pfs: PlacementPf[] = [];
  const devices: PlacementDevice[] = [];
  for (const d of inventory.devices) {
    if (d.sriov) {
      const configs = new Map(d.sriov.vfConfigs.map((c) => [c.index, c] as const));
      const vfs = d.sriov.vfs.map((address, i) => {
        const vf = byAddress.get(address);
        const index = vf?.vfIndex ?? i;
        const config = configs.get(index);
        return {
          address,
          index,
          driver: vf?.driver ?? null,
          claim: claimOf(address),
          hostUse: used.has(address),
          quarantined: isQuarantined(address, d.address),
          mac: config?.mac ?? null,
          vlan: config?.vlan ?? null,
        };
      });
      const firstVf = d.sriov.vfs.map((a) => byAddress.get(a)).find((v) => v !== undefined);
      pfs.push({
        quarantined: isQuarantined(d.address, null),
        address: d.address,
        vendorId: d.vendorId,
        deviceId: d.deviceId,
        driver: d.driver,
        netInterfaces: d.netInterfaces,
        numaNode: d.numaNode,
        linkSpeed: d.link?.currentSpeed ?? null,
        linkWidth: d.link?.currentWidth ?? null,
        totalVfs: d.sriov.totalVfs,
        numVfs: d.sriov.numVfs,
        offset: d.sriov.offset,
        stride: d.sriov.stride,
        vfMsixVectors: firstVf?.msixVectors ?? null,
        port: portOf(d.netInterfaces[0], nics),
        vfs,
      });
    }
    if (d.physfn !== null || isBridge(d)) continue;
    const group = d.iommuGroup === null ? undefined : inventory.iommuGroups.find((g) => g.id === d.iommuGroup);
    const members: GroupMember[] = (group?.devices ?? [d.address])
      .map((a) => byAddress.get(a))
      .filter((m) => m !== undefined && !isBridge(m))
      .map((m) => ({
        address: m!.address,
        driver: m!.driver,
        claim: claimOf(m!.address),
        hostUse: used.has(m!.address),
        quarantined: isQuarantined(m!.address, m!.physfn),
      }));
    devices.push({
      address: d.address,
      vendorId: d.vendorId,
      deviceId: d.deviceId,
      classCode: d.classCode,
      driver: d.driver,
      numaNode: d.numaNode,
      linkSpeed: d.link?.currentSpeed ?? null,
      linkWidth: d.link?.currentWidth ?? null,
      msixVectors: d.msixVectors,
      iommuGroup: d.iommuGroup,
      group: members,
      hasVfs: (d.sriov?.numVfs ?? 0) > 0,
    });
  }
  return {
    id: meta.id,
    name: meta.name,
    online: meta.online,
    maintenance: meta.maintenance ?? false,
    labels: meta.labels ?? {},
    numaNodes: inventory.host.numaNodes.map((n) => ({ id: n.id, cpulist: n.cpulist })),
    pfs,
    devices,
    guests: inventory.guests.map((g) => ({
      name: g.name,
      state: g.state,
      vcpus: g.vcpus,
      memoryKiB: g.memoryKiB,
      cpuset: g.cpuset,
      heldMsix: g.hostdevs.map((h) => byAddress.get(h.address)?.msixVectors ?? null),
    })),
  };
}
