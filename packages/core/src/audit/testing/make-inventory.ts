import type { Guest, HostFacts, Inventory, PciDevice } from "@vfleet/protocol";

/**
 * Small hand-made inventories for rule unit tests (the seed scenarios run on the simulator's
 * DGX-2 tree instead). The default is a healthy Intel host: IOMMU on, vfio loaded, one
 * ConnectX-5 PF `0000:86:00.0` (enp134s0f0) with `vfs` VFs on vfio-pci, each in its own group.
 */
export function makeHost(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    hostname: "hv1",
    kernelRelease: "6.1.0-18-amd64",
    kernelCmdline: "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt",
    cpuVendor: "intel",
    cpuCount: 32,
    memTotalKiB: 256 * 1024 * 1024,
    hugepages: { total: 0, free: 0, sizeKiB: 2048 },
    iommu: { enabled: true, groups: 0, units: ["dmar0"], interruptRemapping: true, allowUnsafeInterrupts: false },
    modules: ["vfio", "vfio_iommu_type1", "vfio_pci"],
    numaNodes: [
      { id: 0, cpulist: "0-15", memTotalKiB: 128 * 1024 * 1024 },
      { id: 1, cpulist: "16-31", memTotalKiB: 128 * 1024 * 1024 },
    ],
    defaultRouteInterface: "eno1",
    persistence: { vfCounts: [], vfioPciIds: [], modulesLoaded: [], driverOverrides: [] },
    ...overrides,
  };
}

export function makeDevice(address: string, overrides: Partial<PciDevice> = {}): PciDevice {
  return {
    address,
    vendorId: "8086",
    deviceId: "1533",
    subsystemVendorId: null,
    subsystemDeviceId: null,
    classCode: "020000",
    revision: "03",
    driver: "igb",
    driverOverride: null,
    iommuGroup: null,
    numaNode: 0,
    physfn: null,
    vfIndex: null,
    sriov: null,
    msixVectors: 5,
    link: null,
    netInterfaces: [],
    ...overrides,
  };
}

export function makeInventory(options: { vfs?: number; host?: Partial<HostFacts> } = {}): Inventory {
  const n = options.vfs ?? 4;
  const pf = "0000:86:00.0";
  const vfs = Array.from({ length: n }, (_, i) => {
    const slot = 0x00 + Math.floor((i + 2) / 8);
    return `0000:86:${slot.toString(16).padStart(2, "0")}.${(i + 2) % 8}`;
  });
  const devices: PciDevice[] = [
    makeDevice("0000:00:03.0", {
      vendorId: "8086",
      deviceId: "2030",
      classCode: "060400",
      driver: "pcieport",
      iommuGroup: 1,
      msixVectors: null,
    }),
    makeDevice("0000:01:00.0", { driver: "igb", iommuGroup: 2, netInterfaces: ["eno1"] }),
    makeDevice(pf, {
      vendorId: "15b3",
      deviceId: "1017",
      driver: "mlx5_core",
      iommuGroup: 10,
      numaNode: 1,
      msixVectors: 64,
      netInterfaces: ["enp134s0f0"],
      sriov: {
        totalVfs: 16,
        numVfs: n,
        vfs,
        vfDeviceId: "1018",
        offset: 2,
        stride: 1,
        driversAutoprobe: true,
        vfConfigs: vfs.map((_, i) => ({
          index: i,
          mac: `02:00:00:00:00:${(i + 1).toString(16).padStart(2, "0")}`,
          vlan: null,
          qos: null,
          spoofchk: true,
          trust: false,
          linkState: "auto" as const,
        })),
      },
    }),
    ...vfs.map((address, i) =>
      makeDevice(address, {
        vendorId: "15b3",
        deviceId: "1018",
        driver: "vfio-pci",
        iommuGroup: 100 + i,
        numaNode: 1,
        physfn: pf,
        vfIndex: i,
        msixVectors: 8,
      }),
    ),
  ];
  const iommuGroups = devices.filter((d) => d.iommuGroup !== null).map((d) => ({ id: d.iommuGroup!, devices: [d.address] }));
  const host = makeHost({ ...options.host });
  if (options.host?.iommu === undefined) host.iommu = { ...host.iommu, groups: iommuGroups.length };
  return {
    host,
    devices,
    iommuGroups,
    interfaces: [
      { name: "eno1", mac: "3c:ec:ef:00:00:01", carrier: true, operstate: "up", pciAddress: "0000:01:00.0", master: null },
      { name: "enp134s0f0", mac: "b8:ce:f6:00:00:01", carrier: true, operstate: "up", pciAddress: pf, master: null },
    ],
    guests: [],
  };
}

export function makeGuest(overrides: Partial<Guest> = {}): Guest {
  return {
    name: "vm1",
    uuid: null,
    state: "shut off",
    vcpus: 4,
    memoryKiB: 8 * 1024 * 1024,
    machine: "pc-q35-7.2",
    cpuset: null,
    hugepages: false,
    pcieRootPorts: 0,
    hostdevs: [],
    memoryHardLimitKiB: null,
    numaMemoryNodes: null,
    ...overrides,
  };
}

/** The guest holding VFs `from..to-1` of makeInventory's PF, managed by libvirt. */
export function guestWithVfs(inv: Inventory, count: number, overrides: Partial<Guest> = {}): Guest {
  const vfs = inv.devices.find((d) => d.sriov)!.sriov!.vfs.slice(0, count);
  return makeGuest({
    hostdevs: vfs.map((address) => ({ kind: "hostdev" as const, address, managed: true, mac: null, vlan: null })),
    ...overrides,
  });
}
