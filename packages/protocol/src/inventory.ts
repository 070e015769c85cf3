import { z } from "zod";
import { Bdf, ClassCode, HexId, MacAddress } from "./primitives.ts";

/**
 * The inventory model: what the agent reads from one host. Every field is a fact read
 * from sysfs/procfs/libvirt, never derived state (capacity, assignment status) which
 * `@vfleet/core` computes. No timestamps inside, so equal hosts hash equal.
 */

export const VfLinkState = z.enum(["auto", "enable", "disable"]);

/** One VF's network settings as the PF driver reports them (`ip -json -details link show`). */
export const VfNetConfig = z.object({
  index: z.number().int().min(0),
  mac: MacAddress.nullable(),
  vlan: z.number().int().min(0).max(4094).nullable(),
  qos: z.number().int().min(0).max(7).nullable(),
  spoofchk: z.boolean().nullable(),
  trust: z.boolean().nullable(),
  linkState: VfLinkState.nullable(),
});
export type VfNetConfig = z.infer<typeof VfNetConfig>;

export const SriovInfo = z.object({
  totalVfs: z.number().int().min(0),
  numVfs: z.number().int().min(0),
  /** VF addresses in `virtfnN` order. */
  vfs: z.array(Bdf),
  vfDeviceId: HexId.nullable(),
  offset: z.number().int().nullable(),
  stride: z.number().int().nullable(),
  driversAutoprobe: z.boolean().nullable(),
  /** Per-VF network config, when the PF is a network device whose settings could be read. */
  vfConfigs: z.array(VfNetConfig),
});
export type SriovInfo = z.infer<typeof SriovInfo>;

export const PciLink = z.object({
  currentSpeed: z.string().nullable(),
  currentWidth: z.number().int().nullable(),
  maxSpeed: z.string().nullable(),
  maxWidth: z.number().int().nullable(),
});
export type PciLink = z.infer<typeof PciLink>;

export const PciDevice = z.object({
  address: Bdf,
  vendorId: HexId,
  deviceId: HexId,
  subsystemVendorId: HexId.nullable(),
  subsystemDeviceId: HexId.nullable(),
  classCode: ClassCode,
  revision: z.string().regex(/^[0-9a-f]{2}$/).nullable(),
  driver: z.string().nullable(),
  driverOverride: z.string().nullable(),
  iommuGroup: z.number().int().min(0).nullable(),
  numaNode: z.number().int().min(0).nullable(),
  /** The PF's address when this device is a VF. */
  physfn: Bdf.nullable(),
  /** This VF's index N under its PF (`virtfnN`). */
  vfIndex: z.number().int().min(0).nullable(),
  sriov: SriovInfo.nullable(),
  /** MSI-X table size from config space: the interrupt vectors the function can ask for. */
  msixVectors: z.number().int().min(0).nullable(),
  link: PciLink.nullable(),
  /** Network interfaces this function carries (`net/<ifname>`). */
  netInterfaces: z.array(z.string()),
});
export type PciDevice = z.infer<typeof PciDevice>;

export const IommuGroup = z.object({
  id: z.number().int().min(0),
  devices: z.array(Bdf),
});
export type IommuGroup = z.infer<typeof IommuGroup>;

export const NetInterface = z.object({
  name: z.string(),
  mac: z.string().nullable(),
  carrier: z.boolean().nullable(),
  operstate: z.string().nullable(),
  pciAddress: Bdf.nullable(),
  /** Bond or bridge this interface is enslaved to (`master` link). */
  master: z.string().nullable(),
});
export type NetInterface = z.infer<typeof NetInterface>;

export const GuestHostdev = z.object({
  /** `hostdev` for `<hostdev>`, `interface` for `<interface type='hostdev'>`. */
  kind: z.enum(["hostdev", "interface"]),
  address: Bdf,
  managed: z.boolean(),
  mac: MacAddress.nullable(),
  vlan: z.number().int().nullable(),
});
export type GuestHostdev = z.infer<typeof GuestHostdev>;

export const Guest = z.object({
  name: z.string(),
  uuid: z.string().nullable(),
  state: z.enum(["running", "shut off", "paused", "unknown"]),
  vcpus: z.number().int().min(1),
  memoryKiB: z.number().int().min(0),
  /** `machine` attribute of `<os><type>`, e.g. `pc-q35-7.2` or `pc-i440fx-bionic`. */
  machine: z.string().nullable(),
  /** `cpuset` of `<vcpu>` or the union of `<vcpupin>`s: where the vCPUs may run. */
  cpuset: z.string().nullable(),
  hugepages: z.boolean(),
  /** PCIe root ports / PCI bridges the definition already has. */
  pcieRootPorts: z.number().int().min(0),
  hostdevs: z.array(GuestHostdev),
  /** `<memtune><hard_limit>`: the memlock/RSS ceiling libvirt gives QEMU; absent = libvirt's default. */
  memoryHardLimitKiB: z.number().int().min(0).nullable().optional(),
  /** `<numatune><memory nodeset=...>`: host NUMA nodes the guest memory is bound to. */
  numaMemoryNodes: z.string().nullable().optional(),
});
export type Guest = z.infer<typeof Guest>;

export const NumaNode = z.object({
  id: z.number().int().min(0),
  cpulist: z.string(),
  memTotalKiB: z.number().int().min(0).nullable(),
});
export type NumaNode = z.infer<typeof NumaNode>;

/**
 * Boot-time configuration that makes the passthrough setup survive a reboot, read from
 * /etc (sysfsutils, udev rules, modprobe.d, modules-load.d). Each entry names its file.
 */
export const PersistenceConfig = z.object({
  /** VF counts set at boot: sysfs.d lines or udev rules writing `sriov_numvfs`. */
  vfCounts: z.array(z.object({
    source: z.string(),
    /** What the line targets: an interface, a PCI address or (udev) a driver name. */
    interface: z.string().nullable(),
    address: z.string().nullable(),
    driver: z.string().nullable(),
    numVfs: z.number().int().min(0),
  })),
  /** `options vfio-pci ids=VVVV:DDDD,...` in modprobe.d or `vfio-pci.ids=` on the command line. */
  vfioPciIds: z.array(z.object({ source: z.string(), ids: z.array(z.string()) })),
  /** Modules loaded at boot (`/etc/modules`, `/etc/modules-load.d/*.conf`). */
  modulesLoaded: z.array(z.object({ source: z.string(), module: z.string() })),
  /** `driver_override` values written at boot (udev rules or sysfs.d), by PCI address. */
  driverOverrides: z.array(z.object({ source: z.string(), address: z.string(), driver: z.string() })),
});
export type PersistenceConfig = z.infer<typeof PersistenceConfig>;

const PciName = z.string().min(1).max(256);

/**
 * Names of the host's devices from its own PCI ID database (`pci.ids`, as `lspci` resolves them),
 * only for the ids present on the host. Keyed `vvvv` (vendor), `vvvv:dddd` (device),
 * `vvvv:dddd:ssss:ssss` (subsystem of that device), and `cc` / `ccss` / `ccsspp` (class, subclass,
 * programming interface). An id the database lacks is simply absent ("could not tell").
 */
export const PciNames = z.object({
  /** The database file read, and its `Version:` line when it has one. */
  source: z.string().max(512),
  version: z.string().max(128).nullable(),
  vendors: z.record(z.string().regex(/^[0-9a-f]{4}$/), PciName),
  devices: z.record(z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/), PciName),
  subsystems: z.record(z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}:[0-9a-f]{4}:[0-9a-f]{4}$/), PciName),
  classes: z.record(z.string().regex(/^[0-9a-f]{2}([0-9a-f]{2}([0-9a-f]{2})?)?$/), PciName),
});
export type PciNames = z.infer<typeof PciNames>;

/**
 * The agent's last `virsh version` against its libvirt URI: what guest jobs need besides sysfs. No
 * timestamp: it is part of the snapshot's content hash, and an unchanged host must hash the same.
 */
export const LibvirtStatus = z.object({
  reachable: z.boolean(),
  uri: z.string().max(256),
  /** libvirt's version when reachable; what went wrong (and how to fix it) when not. */
  detail: z.string().max(2048),
});
export type LibvirtStatus = z.infer<typeof LibvirtStatus>;

export const HostFacts = z.object({
  hostname: z.string(),
  kernelRelease: z.string().nullable(),
  kernelCmdline: z.string(),
  cpuVendor: z.enum(["intel", "amd", "other"]).nullable(),
  cpuCount: z.number().int().min(0).nullable(),
  memTotalKiB: z.number().int().min(0).nullable(),
  hugepages: z.object({
    total: z.number().int().min(0),
    free: z.number().int().min(0),
    sizeKiB: z.number().int().min(0),
  }).nullable(),
  iommu: z.object({
    /** IOMMU groups exist: the only reliable sign the IOMMU is on. */
    enabled: z.boolean(),
    groups: z.number().int().min(0),
    /** `/sys/class/iommu` entries: dmar* (Intel VT-d) or ivhd* (AMD-Vi). */
    units: z.array(z.string()),
    /** From `/proc/interrupts` (IR- chips); null when it could not be told. */
    interruptRemapping: z.boolean().nullable(),
    allowUnsafeInterrupts: z.boolean().nullable(),
  }),
  /** Loaded modules among those passthrough depends on (`/sys/module/<name>`). */
  modules: z.array(z.string()),
  numaNodes: z.array(NumaNode),
  /** Interface that carries the default route (`/proc/net/route`). */
  defaultRouteInterface: z.string().nullable(),
  /** Boot-time persistence config; absent when the scan did not read /etc. */
  persistence: PersistenceConfig.optional(),
  /** Device names from the host's pci.ids; absent when the host has no PCI ID database (protocol 1.3). */
  pciNames: PciNames.optional(),
  /** Whether the agent could reach libvirtd (guest changes need it); absent when it did not check (protocol 1.3). */
  libvirt: LibvirtStatus.optional(),
});
export type HostFacts = z.infer<typeof HostFacts>;

export const Inventory = z.object({
  host: HostFacts,
  devices: z.array(PciDevice),
  iommuGroups: z.array(IommuGroup),
  interfaces: z.array(NetInterface),
  guests: z.array(Guest),
});
export type Inventory = z.infer<typeof Inventory>;
