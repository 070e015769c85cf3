import { Inventory, type PciDevice } from "@vfleet/protocol";

/**
 * A DGX-2-like inventory (seed 000): 10 ConnectX-5 ports, 16 VFs each bound to vfio-pci, two
 * NUMA nodes, IOMMU on with every VF in its own group, and one guest holding the first
 * `assigned` VFs of the first PF. Stands in for simulator+scan output until those land.
 */
export function buildDgx2Inventory(options: { hostname?: string; assigned?: number } = {}): Inventory {
  const hostname = options.hostname ?? "dgx2-01";
  const assigned = options.assigned ?? 0;
  const buses = [0x35, 0x36, 0x3a, 0x3b, 0x5d, 0xb5, 0xb6, 0xba, 0xbb, 0xdd];
  const hex2 = (n: number) => n.toString(16).padStart(2, "0");
  const devices: PciDevice[] = [];
  const groups: { id: number; devices: string[] }[] = [];
  let nextGroup = 10;
  const base = {
    subsystemVendorId: "15b3",
    subsystemDeviceId: "0008",
    revision: "00",
    driverOverride: null,
    msixVectors: 8,
    link: null,
    sriov: null,
    physfn: null,
    vfIndex: null,
    netInterfaces: [] as string[],
  };

  // Chipset: host bridge alone; an LPC group with two endpoints (audio, SMBus) behind an ISA bridge.
  const chipset: [string, string, string | null, number][] = [
    ["0000:00:00.0", "060000", null, 0],
    ["0000:00:1f.0", "060100", null, 1],
    ["0000:00:1f.3", "040300", "snd_hda_intel", 1],
    ["0000:00:1f.4", "0c0500", "i801_smbus", 1],
  ];
  for (const [address, classCode, driver, group] of chipset) {
    devices.push({
      ...base,
      address,
      vendorId: "8086",
      deviceId: "2020",
      subsystemVendorId: null,
      subsystemDeviceId: null,
      classCode,
      driver,
      iommuGroup: group,
      numaNode: 0,
      msixVectors: null,
    });
    const g = groups.find((x) => x.id === group);
    if (g) g.devices.push(address);
    else groups.push({ id: group, devices: [address] });
  }

  buses.forEach((bus, p) => {
    const pf = `0000:${hex2(bus)}:00.0`;
    const numaNode = p < 5 ? 0 : 1;
    const vfs = Array.from({ length: 16 }, (_, i) => {
      const devfn = 2 + i; // offset 2, stride 1
      return `0000:${hex2(bus)}:${hex2(devfn >> 3)}.${devfn & 7}`;
    });
    const pfGroup = nextGroup++;
    groups.push({ id: pfGroup, devices: [pf] });
    devices.push({
      ...base,
      address: pf,
      vendorId: "15b3",
      deviceId: "1017",
      classCode: "020000",
      driver: "mlx5_core",
      iommuGroup: pfGroup,
      numaNode,
      msixVectors: 64,
      netInterfaces: [`enp${bus}s0f0`],
      sriov: {
        totalVfs: 16,
        numVfs: 16,
        vfs,
        vfDeviceId: "1018",
        offset: 2,
        stride: 1,
        driversAutoprobe: true,
        vfConfigs: vfs.map((_, i) => ({
          index: i,
          mac: `52:54:00:${hex2(p)}:00:${hex2(i)}`,
          vlan: i % 2 === 0 ? 100 + p : null,
          qos: null,
          spoofchk: true,
          trust: false,
          linkState: "auto" as const,
        })),
      },
    });
    vfs.forEach((vf, i) => {
      const g = nextGroup++;
      groups.push({ id: g, devices: [vf] });
      devices.push({
        ...base,
        address: vf,
        vendorId: "15b3",
        deviceId: "1018",
        classCode: "020000",
        driver: "vfio-pci",
        driverOverride: "vfio-pci",
        iommuGroup: g,
        numaNode,
        physfn: pf,
        vfIndex: i,
      });
    });
  });

  const firstPf = devices.find((d) => d.sriov)!;
  const inventory = {
    host: {
      hostname,
      kernelRelease: "5.4.0-42-generic",
      kernelCmdline: "BOOT_IMAGE=/boot/vmlinuz-5.4.0-42-generic root=/dev/md0 ro intel_iommu=on iommu=pt",
      cpuVendor: "intel" as const,
      cpuCount: 96,
      memTotalKiB: 1_584_000_000,
      hugepages: { total: 0, free: 0, sizeKiB: 2048 },
      iommu: {
        enabled: true,
        groups: groups.length,
        units: ["dmar0", "dmar1", "dmar2", "dmar3"],
        interruptRemapping: true,
        allowUnsafeInterrupts: false,
      },
      modules: ["vfio", "vfio_pci", "vfio_iommu_type1", "mlx5_core"],
      numaNodes: [
        { id: 0, cpulist: "0-23,48-71", memTotalKiB: 792_000_000 },
        { id: 1, cpulist: "24-47,72-95", memTotalKiB: 792_000_000 },
      ],
      defaultRouteInterface: "enp134s0f0",
    },
    devices,
    iommuGroups: groups,
    interfaces: buses.map((bus) => ({
      name: `enp${bus}s0f0`,
      mac: null,
      carrier: true,
      operstate: "up",
      pciAddress: `0000:${hex2(bus)}:00.0`,
      master: null,
    })),
    guests: [
      {
        name: "dgx-vm",
        uuid: null,
        state: "shut off" as const,
        vcpus: 16,
        memoryKiB: 8 * 1024 * 1024,
        machine: "pc-q35-4.2",
        cpuset: null,
        hugepages: false,
        pcieRootPorts: 0,
        hostdevs: firstPf
          .sriov!.vfs.slice(0, assigned)
          .map((address) => ({ kind: "hostdev" as const, address, managed: true, mac: null, vlan: null })),
      },
    ],
  };
  return Inventory.parse(inventory);
}
