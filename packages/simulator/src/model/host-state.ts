import type { GuestSpec, HostSpec, LinkSpec, PciePortType, SriovSpec } from "./host-spec.ts";

/**
 * HostState: the live, mutable model of a simulated host. Everything the tree shows is
 * derived from it, so kernel write semantics (sriov_numvfs, driver_override, unbind,
 * drivers_probe) can be implemented as mutations followed by a re-render.
 */

export interface VfNetState {
  mac: string;
  vlan: number;
  qos: number;
  spoofchk: boolean;
  trust: boolean;
  linkState: "auto" | "enable" | "disable";
}

/** The profile's fixed SR-IOV facts plus what the kernel changes at run time. */
export interface SriovState extends Omit<SriovSpec, "driverMaxVfs"> {
  driverMaxVfs: number | null;
  initialVfs: number;
  numVfs: number;
  driversAutoprobe: boolean;
  /** VF addresses in virtfnN order (length numVfs). */
  vfs: string[];
  /** Per-VF settings the PF driver keeps (index = VF number), what `ip link` reports. */
  vfConfigs: VfNetState[];
}

interface NetState {
  ifname: string;
  mac: string;
  carrier: boolean;
  speedMbps: number;
  ifindex: number;
}

export type AerSeverity = "correctable" | "nonfatal" | "fatal";

/** A function's AER statistics (model/aer.ts): per severity, the count of each named error and the total of messages. */
export type AerState = Record<AerSeverity, { errors: Record<string, number>; total: number }>;

export interface PciFunction {
  bdf: string;
  vendorId: string;
  deviceId: string;
  subsystemVendorId: string;
  subsystemDeviceId: string;
  classCode: string;
  revision: string;
  driver: string | null;
  driverOverride: string | null;
  parent: string | null;
  bridge: { secondaryBus: number; subordinateBus: number } | null;
  pcie: PciePortType | null;
  link: LinkSpec | null;
  msixVectors: number | null;
  numaNode: number;
  iommuGroup: number | null;
  net: NetState | null;
  sriov: SriovState | null;
  physfn: string | null;
  vfIndex: number | null;
  /** AER statistics since boot; absent: none raised yet (all zero where the kernel shows them). */
  aer?: AerState;
}

export interface HostState {
  spec: HostSpec;
  /** All PCI functions by BDF (insertion order irrelevant; render sorts). */
  functions: Map<string, PciFunction>;
  guests: GuestState[];
  nextIfindex: number;
}

interface GuestHostdevState {
  kind: "hostdev" | "interface";
  bdf: string;
  mac: string | null;
  vlan: number | null;
}

export interface GuestState extends GuestSpec {
  hostdevs: GuestHostdevState[];
}
