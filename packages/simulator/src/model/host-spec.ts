/**
 * HostSpec: the static description of one simulated host (hardware, firmware limits, boot
 * configuration, libvirt guests). Profiles are pure HostSpec data; `createHostState` turns a
 * spec into a mutable HostState, which the renderers write to disk as a sysfs/procfs tree.
 */

/** PCIe Device/Port Type (PCIe capability register bits 7:4). */
export type PciePortType = "endpoint" | "legacy-endpoint" | "root-port" | "upstream" | "downstream" | "pcie-to-pci" | "rc-endpoint";

export interface LinkSpec {
  /** GT/s per lane: 2.5, 5, 8, 16. */
  speed: 2.5 | 5 | 8 | 16;
  width: number;
  maxSpeed?: 2.5 | 5 | 8 | 16;
  maxWidth?: number;
}

interface NetSpec {
  ifname: string;
  mac: string;
  carrier: boolean;
  /** The port's negotiated speed in Mb/s (`/sys/class/net/<if>/speed`) while it has carrier. */
  speedMbps: number;
}

export interface SriovSpec {
  /** TotalVFs in the SR-IOV capability (what the hardware/firmware offers). */
  totalVfs: number;
  /** A lower limit the PF driver sets with pci_sriov_set_totalvfs(); sysfs shows this one. */
  driverMaxVfs?: number;
  /** First VF Offset and VF Stride from the capability (routing-id arithmetic, PCIe spec 9.3.3.9). */
  offset: number;
  stride: number;
  vfDeviceId: string;
  vfDriver: string;
  vfMsixVectors: number | null;
  /** VFs get netdevs named `<ifname>v<N>` when bound to the VF driver (systemd's SR-IOV naming). */
  vfNetdevs: boolean;
}

export interface FunctionSpec {
  bdf: string;
  vendorId: string;
  deviceId: string;
  subsystemVendorId?: string;
  subsystemDeviceId?: string;
  classCode: string;
  revision: string;
  driver: string | null;
  driverOverride?: string | null;
  /** The host driver that claims the device once driver_override is cleared, when it boots on vfio-pci/pci-stub. */
  hostDriver?: string;
  /** Upstream bridge's BDF; absent for devices on a root bus. */
  parent?: string;
  /** Header type 1 bridges carry their bus window. */
  bridge?: { secondaryBus: number; subordinateBus: number };
  /** PCIe capability port type; absent for conventional PCI functions (256-byte config). */
  pcie?: PciePortType;
  link?: LinkSpec;
  msixVectors?: number;
  numaNode: number;
  /** Fixed IOMMU group number; otherwise one is allocated (own group, or shared via groupWith). */
  iommuGroup?: number;
  /** Share the IOMMU group of this BDF (functions without ACS between them). */
  groupWith?: string;
  net?: NetSpec;
  sriov?: SriovSpec;
}

interface CpuSpec {
  vendorId: "GenuineIntel" | "AuthenticAMD";
  modelName: string;
  family: number;
  model: number;
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: number;
}

interface NumaNodeSpec {
  id: number;
  cpulist: string;
  memTotalKiB: number;
}

/** VFs (by PF netdev name and VF index range) or whole devices handed to a guest. */
export type AssignmentSpec =
  | { guest: string; kind: "hostdev" | "interface"; pfIfname: string; vfIndexes: "all" | number[]; vlan?: number; mac?: string }
  | { guest: string; kind: "hostdev"; bdf: string };

export interface GuestSpec {
  name: string;
  uuid: string;
  vcpus: number;
  memoryKiB: number;
  /** e.g. `pc-q35-2.11`, `pc-i440fx-2.1`. */
  machine: string;
  running: boolean;
  /** Extra XML inside <domain> (cputune, memoryBacking...) verbatim. */
  extraXml?: string;
}

export interface HostSpec {
  profile: string;
  description: string;
  hostname: string;
  kernelRelease: string;
  kernelCmdline: string;
  cpu: CpuSpec;
  memTotalKiB: number;
  hugepages: { total: number; free: number; sizeKiB: number };
  numaNodes: NumaNodeSpec[];
  iommu: { enabled: boolean; units: string[]; interruptRemapping: boolean };
  /** Loaded modules (`/sys/module/<name>`); parameters as file contents. */
  modules: Record<string, Record<string, string>>;
  defaultRouteIfname: string;
  /** Linux bridges (e.g. br0 over the onboard NIC): member netdevs get a `master` link. */
  bridges?: Array<{ name: string; mac: string; members: string[] }>;
  functions: FunctionSpec[];
  /** VFs created per PF when no `--vfs` is given. */
  defaultVfs: number;
  guests: GuestSpec[];
  assignments: AssignmentSpec[];
}
