import { z } from "zod";
import { Bdf, ClassCode, HexId, MacAddress, WireString } from "./primitives.ts";

/**
 * The inventory model: what the agent reads from one host. Every field is a fact read
 * from sysfs/procfs/libvirt, never derived state (capacity, assignment status) which
 * `@vfleet/core` computes. No timestamps inside, so equal hosts hash equal.
 */

/**
 * What a Linux host can report, so a snapshot past it is refused (4400 naming the field) instead of
 * inflating fleet capacity or overflowing a database column (protocol 1.5). Each limit is the
 * kernel's or the hardware's own.
 */
export const INVENTORY_LIMITS = {
  /** VFs per PF: the control plane never sets more (vf.set-count's limit) and no shipping PF offers more. */
  vfsPerPf: 2048,
  /** MAX_NUMNODES: CONFIG_NODES_SHIFT is at most 10, so node ids are below 1024. */
  numaNodes: 1024,
  /** MSI-X Table Size is an 11-bit N-1 field. */
  msixVectors: 2048,
  /** PCIe links are x1..x32 (0 while the link is down). */
  linkWidth: 32,
  /** CONFIG_NR_CPUS is at most 8192 on x86_64 and arm64. */
  cpus: 8192,
  /** PCI functions in one domain (256 buses x 32 slots x 8 functions): devices, groups, interfaces per host. */
  functions: 65536,
  /** IOMMU group ids are kernel ints from an IDA; stored as PostgreSQL integer. */
  groupId: 2_147_483_647,
  /** libvirt domains per host and passthrough devices per guest (QEMU's PCI topology tops out well below). */
  guests: 16384,
  hostdevsPerGuest: 4096,
  /** QEMU's largest vCPU count (x86 q35 with x2APIC). */
  vcpus: 16384,
  /** PCIe root ports / bridges one guest definition can hold (256 buses). */
  rootPorts: 256,
  /** Memory sizes in KiB: 64 PiB, past any machine and inside JavaScript's safe integers. */
  memoryKiB: 2 ** 46,
  /** IOMMU units (DMAR/IVHD remapping hardware units): a few per socket; 1024 leaves room. */
  iommuUnits: 1024,
  /** Bridges above one function: each takes a bus of the 256 in a domain. */
  pciDepth: 256,
} as const;

const L = INVENTORY_LIMITS;
const bounded = (max: number, what: string) =>
  z.number().int("must be an integer").min(0, "must be 0 or more").max(max, `must be at most ${max} (${what})`);
const VfCount = bounded(L.vfsPerPf, "VFs per PF");
const NumaId = bounded(L.numaNodes - 1, "MAX_NUMNODES - 1");
const MemKiB = bounded(L.memoryKiB, "64 PiB in KiB");

export const VfLinkState = z.enum(["auto", "enable", "disable"]);

/** One VF's network settings as the PF driver reports them (`ip -json -details link show`). */
export const VfNetConfig = z.object({
  index: bounded(L.vfsPerPf - 1, "VFs per PF - 1"),
  mac: MacAddress.nullable(),
  vlan: z.number().int().min(0).max(4094).nullable(),
  qos: z.number().int().min(0).max(7).nullable(),
  spoofchk: z.boolean().nullable(),
  trust: z.boolean().nullable(),
  linkState: VfLinkState.nullable(),
});
export type VfNetConfig = z.infer<typeof VfNetConfig>;

export const SriovInfo = z.object({
  totalVfs: VfCount,
  numVfs: VfCount,
  /** VF addresses in `virtfnN` order. */
  vfs: z.array(Bdf).max(L.vfsPerPf),
  vfDeviceId: HexId.nullable(),
  /** First VF Offset and VF Stride: 16-bit fields of the SR-IOV capability. */
  offset: bounded(65535, "16-bit First VF Offset").nullable(),
  stride: bounded(65535, "16-bit VF Stride").nullable(),
  driversAutoprobe: z.boolean().nullable(),
  /** Per-VF network config, when the PF is a network device whose settings could be read. */
  vfConfigs: z.array(VfNetConfig).max(L.vfsPerPf),
});
export type SriovInfo = z.infer<typeof SriovInfo>;

export const PciLink = z.object({
  currentSpeed: WireString.nullable(),
  currentWidth: bounded(L.linkWidth, "PCIe x32").nullable(),
  maxSpeed: WireString.nullable(),
  maxWidth: bounded(L.linkWidth, "PCIe x32").nullable(),
});
export type PciLink = z.infer<typeof PciLink>;

/**
 * One mediated device type a parent offers (`mdev_supported_types/<type>/`, the kernel's
 * vfio-mediated-device ABI): `device_api` and `available_instances` are mandatory there, `name` and
 * `description` optional. `availableInstances` is what the vendor driver says it can still create
 * now, after the instances that exist (of any type) took their share. Since 1.13.
 */
export const MdevType = z.object({
  /** The directory name: the parent driver's name and the vendor's type (`nvidia-63`, `i915-GVTg_V5_4`). */
  type: WireString.min(1).max(256),
  name: WireString.max(256).nullable(),
  description: WireString.max(4096).nullable(),
  deviceApi: WireString.max(64).nullable(),
  availableInstances: bounded(65535, "instances per type").nullable(),
});
export type MdevType = z.infer<typeof MdevType>;

const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a lower-case UUID");

/** One mediated device instance (`/sys/bus/mdev/devices/<uuid>`), in its own IOMMU group. Since 1.13. */
export const Mdev = z.object({
  uuid: Uuid,
  /** The PCI function it was created on: a GPU, or on Ampere-class vGPU GPUs one of its SR-IOV VFs. */
  parent: Bdf,
  /** Its `mdev_type` link's target, and that type's `name`. */
  type: WireString.max(256).nullable(),
  typeName: WireString.max(256).nullable(),
  iommuGroup: bounded(L.groupId, "a kernel int").nullable(),
  /** The libvirt guest whose `<hostdev type='mdev'>` names it. */
  guest: WireString.nullable(),
});
export type Mdev = z.infer<typeof Mdev>;

/**
 * A u64 AER counter as sysfs prints it: bounded to what a JSON number holds exactly (a real
 * counter never gets near it; a larger one is a lying agent).
 */
const AerCount = z.number().int("must be an integer").min(0, "must be 0 or more").max(Number.MAX_SAFE_INTEGER, "must be at most 2^53-1");

/**
 * A device's PCIe AER totals since boot: the `TOTAL_ERR_COR`, `TOTAL_ERR_NONFATAL` and
 * `TOTAL_ERR_FATAL` lines of `aer_dev_correctable`, `aer_dev_nonfatal` and `aer_dev_fatal`
 * (Documentation/ABI/testing/sysfs-bus-pci-devices-aer_stats). A counter is null when its file is
 * absent or unreadable: could not tell, never zero. Since 1.14.
 */
export const AerCounters = z.object({
  correctable: AerCount.nullable(),
  nonfatal: AerCount.nullable(),
  fatal: AerCount.nullable(),
});
export type AerCounters = z.infer<typeof AerCounters>;

export const PciDevice = z.object({
  address: Bdf,
  vendorId: HexId,
  deviceId: HexId,
  subsystemVendorId: HexId.nullable(),
  subsystemDeviceId: HexId.nullable(),
  classCode: ClassCode,
  revision: z
    .string()
    .regex(/^[0-9a-f]{2}$/)
    .nullable(),
  driver: WireString.nullable(),
  driverOverride: WireString.nullable(),
  iommuGroup: bounded(L.groupId, "a kernel int").nullable(),
  numaNode: NumaId.nullable(),
  /** The PF's address when this device is a VF. */
  physfn: Bdf.nullable(),
  /** This VF's index N under its PF (`virtfnN`). */
  vfIndex: bounded(L.vfsPerPf - 1, "VFs per PF - 1").nullable(),
  sriov: SriovInfo.nullable(),
  /** MSI-X table size from config space: the interrupt vectors the function can ask for. */
  msixVectors: bounded(L.msixVectors, "MSI-X Table Size").nullable(),
  link: PciLink.nullable(),
  /** Network interfaces this function carries (`net/<ifname>`). */
  netInterfaces: z.array(WireString).max(4096),
  /**
   * The bridges above this function, root port first, as its `/sys/devices/pci<domain>:<bus>/...`
   * path lists them: root port, then each switch's upstream and downstream port. Empty on a root
   * bus. Absent from older agents (protocol 1.13): topology could not be told.
   */
  pciPath: z.array(Bdf).max(L.pciDepth, `must be at most ${L.pciDepth} bridges (PCI buses)`).nullable().optional(),
  /** The mediated device types it offers when it is an mdev parent (`mdev_supported_types`); null when it is not (1.13). */
  mdevTypes: z.array(MdevType).max(4096).nullable().optional(),
  /**
   * PCIe AER counters (1.14); null when the device has none of the three files (not AER capable,
   * or a kernel without AER statistics). Absent from older agents: health could not be told.
   */
  aer: AerCounters.nullable().optional(),
});
export type PciDevice = z.infer<typeof PciDevice>;

export const IommuGroup = z.object({
  id: bounded(L.groupId, "a kernel int"),
  devices: z.array(Bdf).max(L.functions),
});
export type IommuGroup = z.infer<typeof IommuGroup>;

export const NetInterface = z.object({
  name: WireString,
  mac: WireString.nullable(),
  carrier: z.boolean().nullable(),
  operstate: WireString.nullable(),
  pciAddress: Bdf.nullable(),
  /** Bond or bridge this interface is enslaved to (`master` link). */
  master: WireString.nullable(),
  /** `speed` in Mb/s while the link is up; null when down or unreadable (`-1`, EINVAL). Since 1.11. */
  speedMbps: z.number().int().min(0).max(10_000_000, "must be at most 10,000,000 Mb/s").nullable().optional(),
});
export type NetInterface = z.infer<typeof NetInterface>;

export const GuestHostdev = z.object({
  /** `hostdev` for `<hostdev>`, `interface` for `<interface type='hostdev'>`. */
  kind: z.enum(["hostdev", "interface"]),
  address: Bdf,
  managed: z.boolean(),
  mac: MacAddress.nullable(),
  vlan: bounded(4094, "802.1Q VLAN id").nullable(),
});
export type GuestHostdev = z.infer<typeof GuestHostdev>;

export const Guest = z.object({
  name: WireString,
  uuid: WireString.nullable(),
  state: z.enum(["running", "shut off", "paused", "unknown"]),
  vcpus: bounded(L.vcpus, "QEMU's vCPU limit").min(1, "must be at least 1"),
  memoryKiB: MemKiB,
  /** `machine` attribute of `<os><type>`, e.g. `pc-q35-7.2` or `pc-i440fx-bionic`. */
  machine: WireString.nullable(),
  /** `cpuset` of `<vcpu>` or the union of `<vcpupin>`s: where the vCPUs may run. */
  cpuset: WireString.nullable(),
  hugepages: z.boolean(),
  /** PCIe root ports / PCI bridges the definition already has. */
  pcieRootPorts: bounded(L.rootPorts, "PCI buses of one guest"),
  hostdevs: z.array(GuestHostdev).max(L.hostdevsPerGuest),
  /** UUIDs of its `<hostdev type='mdev'>` devices (1.13; absent from older agents). */
  mdevs: z.array(Uuid).max(L.hostdevsPerGuest).optional(),
  /** `<memtune><hard_limit>`: the memlock/RSS ceiling libvirt gives QEMU; absent = libvirt's default. */
  memoryHardLimitKiB: MemKiB.nullable().optional(),
  /** `<numatune><memory nodeset=...>`: host NUMA nodes the guest memory is bound to. */
  numaMemoryNodes: WireString.nullable().optional(),
});
export type Guest = z.infer<typeof Guest>;

export const NumaNode = z.object({
  id: NumaId,
  cpulist: WireString.max(65536),
  memTotalKiB: MemKiB.nullable(),
});
export type NumaNode = z.infer<typeof NumaNode>;

/**
 * Boot-time configuration that makes the passthrough setup survive a reboot, read from
 * /etc (sysfsutils, udev rules, modprobe.d, modules-load.d). Each entry names its file.
 */
export const PersistenceConfig = z.object({
  /** VF counts set at boot: sysfs.d lines or udev rules writing `sriov_numvfs`. */
  vfCounts: z
    .array(
      z.object({
        source: WireString,
        /** What the line targets: an interface, a PCI address or (udev) a driver name. */
        interface: WireString.nullable(),
        address: WireString.nullable(),
        driver: WireString.nullable(),
        /** What the boot config asks for, which the kernel caps at sriov_totalvfs (16-bit TotalVFs). */
        numVfs: bounded(65535, "16-bit TotalVFs"),
      }),
    )
    .max(4096),
  /** `options vfio-pci ids=VVVV:DDDD,...` in modprobe.d or `vfio-pci.ids=` on the command line. */
  vfioPciIds: z.array(z.object({ source: WireString, ids: z.array(WireString) })),
  /** Modules loaded at boot (`/etc/modules`, `/etc/modules-load.d/*.conf`). */
  modulesLoaded: z.array(z.object({ source: WireString, module: WireString })),
  /** `driver_override` values written at boot (udev rules or sysfs.d), by PCI address. */
  driverOverrides: z.array(z.object({ source: WireString, address: WireString, driver: WireString })),
});
export type PersistenceConfig = z.infer<typeof PersistenceConfig>;

const PciName = WireString.min(1).max(256);

/**
 * Names of the host's devices from its own PCI ID database (`pci.ids`, as `lspci` resolves them),
 * only for the ids present on the host. Keyed `vvvv` (vendor), `vvvv:dddd` (device),
 * `vvvv:dddd:ssss:ssss` (subsystem of that device), and `cc` / `ccss` / `ccsspp` (class, subclass,
 * programming interface). An id the database lacks is simply absent ("could not tell").
 */
export const PciNames = z.object({
  /** The database file read, and its `Version:` line when it has one. */
  source: WireString.max(512),
  version: WireString.max(128).nullable(),
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
  uri: WireString.max(256),
  /** libvirt's version when reachable; what went wrong (and how to fix it) when not. */
  detail: WireString.max(2048),
});
export type LibvirtStatus = z.infer<typeof LibvirtStatus>;

export const HostFacts = z.object({
  hostname: WireString,
  kernelRelease: WireString.nullable(),
  kernelCmdline: WireString,
  cpuVendor: z.enum(["intel", "amd", "other"]).nullable(),
  cpuCount: bounded(L.cpus, "CONFIG_NR_CPUS").nullable(),
  memTotalKiB: MemKiB.nullable(),
  hugepages: z
    .object({
      total: MemKiB,
      free: MemKiB,
      /** 2 MiB and 1 GiB on x86; 16 GiB is the largest (POWER). */
      sizeKiB: bounded(16 * 1024 * 1024, "16 GiB pages"),
    })
    .nullable(),
  iommu: z.object({
    /**
     * The IOMMU is on: groups exist (the reliable sign), or, where /sys/kernel/iommu_groups was not
     * read (`unread`), its units are registered or the command line asks for it and interrupts are
     * remapped. False there means "could not tell", not off.
     */
    enabled: z.boolean(),
    groups: bounded(L.functions, "one group per PCI function at most"),
    /** `/sys/class/iommu` entries: dmar* (Intel VT-d) or ivhd* (AMD-Vi). */
    units: z.array(WireString),
    /** From `/proc/interrupts` (IR- chips); null when it could not be told. */
    interruptRemapping: z.boolean().nullable(),
    allowUnsafeInterrupts: z.boolean().nullable(),
    /**
     * Intel VT-d units' extended capability registers as the kernel prints them (hex, no 0x) from
     * `/sys/devices/virtual/iommu/dmarN/intel-iommu/ecap`: what the hardware offers (bit 3 =
     * interrupt remapping). Absent when none was read (protocol 1.9; older agents did not read it).
     */
    ecap: z
      .array(z.object({ unit: WireString.max(64), ecap: z.string().regex(/^[0-9a-f]{1,16}$/, "a 64-bit register in hex") }))
      .max(L.iommuUnits)
      .optional(),
  }),
  /** Loaded modules among those passthrough depends on (`/sys/module/<name>`). */
  modules: z.array(WireString),
  numaNodes: z.array(NumaNode).max(L.numaNodes),
  /** Interface that carries the default route (`/proc/net/route`). */
  defaultRouteInterface: WireString.nullable(),
  /** Boot-time persistence config; absent when the scan did not read /etc. */
  persistence: PersistenceConfig.optional(),
  /** Device names from the host's pci.ids; absent when the host has no PCI ID database (protocol 1.3). */
  pciNames: PciNames.optional(),
  /** Whether the agent could reach libvirtd (guest changes need it); absent when it did not check (protocol 1.3). */
  libvirt: LibvirtStatus.optional(),
  /**
   * Whether the agent acts on the simulator's model of a kernel (`agent run --simulated`: a sysfs
   * tree whose writes the model answers) or on the real kernel it runs on (false). Absent from
   * agents before protocol 1.12 and from a plain `agent scan`: could not tell.
   */
  simulated: z.boolean().optional(),
  /**
   * Sources the scan could not read (absent or unreadable), e.g. `/proc/cmdline`, `/sys/module`,
   * `/etc`, `/sys/kernel/iommu_groups`: facts from them are unknown, not empty (protocol 1.5; absent
   * from older agents, which did not say).
   */
  unread: z.array(WireString.max(256)).max(64).optional(),
  /** Mediated device instances (`/sys/bus/mdev/devices`); absent from older agents (1.13). */
  mdevs: z.array(Mdev).max(L.functions).optional(),
});
export type HostFacts = z.infer<typeof HostFacts>;

export const Inventory = z.object({
  host: HostFacts,
  devices: z.array(PciDevice).max(L.functions),
  iommuGroups: z.array(IommuGroup).max(L.functions),
  interfaces: z.array(NetInterface).max(L.functions),
  guests: z.array(Guest).max(L.guests),
});
export type Inventory = z.infer<typeof Inventory>;
