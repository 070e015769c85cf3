import type { HealthThresholdsOverride } from "../health/device-health.ts";
/**
 * The scheduler's view of the fleet: compact per-host facts placement needs, built from an
 * inventory (placementHostFromInventory) or straight from stored rows (@vfleet/db's
 * loadPlacementHosts) so 5,000 hosts are never loaded as whole inventories.
 */

/** What a pool selects. PF ids select that PF's VFs (`kind: "vf"`); device ids select whole devices. */
export interface PoolSelector {
  kind?: "vf" | "device";
  vendorId?: string;
  deviceId?: string;
  /** PF driver (vf pools) or the device's host driver (device pools). */
  driver?: string;
  /** PF network interface names (`enp134s0f0`). */
  pfNames?: string[];
  /** PF (vf pools) or device PCI addresses. */
  addresses?: string[];
  hosts?: string[];
  /** Operator-set host labels that must all match (`fabric=roce`). */
  hostLabels?: Record<string, string>;
  numaNode?: number;
  /** PCIe link: current speed as sysfs says it (`8.0 GT/s PCIe`, prefix match) and width. */
  linkSpeed?: string;
  linkWidth?: number;
}

export interface Pool {
  name: string;
  selector: PoolSelector;
  /** Pool-wide MAC range for allocated VF MACs (inclusive). */
  macRange?: { from: string; to: string } | null;
  /** The pool's default strategy for placements that name none: pack (fill the busiest host) or spread (the freest). */
  strategy?: "pack" | "spread" | null;
  /** Device health thresholds for the devices it selects, over the control plane's defaults; null: the defaults. */
  health?: HealthThresholdsOverride | null;
}

/** Who holds a function: a guest in libvirt, a vfleet reservation, or a vfleet assignment. */
export type Claim = { state: "reserved" | "assigned"; guest: string | null };

export interface PlacementVf {
  address: string;
  index: number;
  driver: string | null;
  /** A guest's definition names it (inventory) or vfleet holds it (reservation / assignment). */
  claim: Claim | null;
  /** The host uses it: its netdev is the default route or enslaved to a bond/bridge. */
  hostUse: boolean;
  /** An operator quarantined it (or its PF): never given out until they return it to service. */
  quarantined: boolean;
  mac: string | null;
  vlan: number | null;
}

/** A PF's network port: its netdev, whether it has carrier ("up") or not ("down"), and speed. */
export interface PlacementPort {
  netdev: string;
  link: "up" | "down";
  /** Mb/s while up; null when down or not told (agents before protocol 1.9). */
  speedMbps: number | null;
}

export interface PlacementPf {
  address: string;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  netInterfaces: string[];
  numaNode: number | null;
  linkSpeed: string | null;
  linkWidth: number | null;
  totalVfs: number;
  numVfs: number;
  offset: number | null;
  stride: number | null;
  /** MSI-X table size of this PF's VFs (for guest sizing); null when no VF exists to read it from. */
  vfMsixVectors: number | null;
  /** Null when the PF has no netdev (not a network port, or its driver is unbound): links do not apply. */
  port: PlacementPort | null;
  vfs: PlacementVf[];
  /** The PF itself is quarantined (by an operator or device health): no VF of it is given, none is created. */
  quarantined?: boolean;
}

/** One endpoint of a whole device's IOMMU group (bridges left out). */
export interface GroupMember {
  address: string;
  driver: string | null;
  claim: Claim | null;
  hostUse: boolean;
  /** Quarantined by an operator: the group goes to no guest while it is. */
  quarantined: boolean;
}

export interface PlacementDevice {
  address: string;
  vendorId: string;
  deviceId: string;
  classCode: string;
  driver: string | null;
  numaNode: number | null;
  linkSpeed: string | null;
  linkWidth: number | null;
  msixVectors: number | null;
  iommuGroup: number | null;
  /** Every endpoint of the device's IOMMU group, the device included: they go to the guest together. */
  group: GroupMember[];
  /** SR-IOV PF with VFs created: passing it whole would take its VFs away. */
  hasVfs: boolean;
}

export interface PlacementGuest {
  name: string;
  state: string;
  vcpus: number;
  memoryKiB: number;
  cpuset: string | null;
  /** MSI-X table sizes of what the guest already holds (sizing counts them too). */
  heldMsix: (number | null)[];
}

export interface PlacementHost {
  id: string;
  name: string;
  online: boolean;
  /** An operator put the host in maintenance: nothing new is placed on it. */
  maintenance: boolean;
  labels: Record<string, string>;
  numaNodes: { id: number; cpulist: string }[];
  pfs: PlacementPf[];
  devices: PlacementDevice[];
  guests: PlacementGuest[];
}
