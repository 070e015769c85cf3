import type { Guest, Inventory, PciDevice, VfNetConfig } from "@vfleet/protocol";

/**
 * A DGX-2-like host as the agent would report it (seed 000): 10 ConnectX-5 PFs (15b3:1017),
 * 16 VFs (15b3:1018) each, every function in its own IOMMU group (ACS on the PLX switches),
 * two NUMA nodes, and a q35 guest holding 80 of the 160 VFs. Built by hand because the
 * simulator and the agent's scan are written at the same time as this package.
 */

// DGX-2 style bus numbers: 5 NICs on NUMA node 0, 5 on node 1.
const PF_BUSES = [0x35, 0x36, 0x5d, 0x5e, 0x60, 0x86, 0x87, 0xb5, 0xb6, 0xd8];
const VFS_PER_PF = 16;
const VFS_TO_GUEST_PER_PF = 8;

const hex2 = (n: number) => n.toString(16).padStart(2, "0");
const bdf = (bus: number, slot: number, fn: number) => `0000:${hex2(bus)}:${hex2(slot)}.${fn}`;
/** ConnectX-5: first VF offset 2, stride 1 from the PF's routing id. */
const vfAddress = (bus: number, index: number) => bdf(bus, (2 + index) >> 3, (2 + index) & 7);
const pfIfName = (bus: number) => `enp${bus}s0f0`;
const mac = (pf: number, vf: number) => `02:00:00:00:${hex2(pf)}:${hex2(vf)}`;

export interface Dgx2Options {
  hostname?: string;
  /** VLAN of every VF config, to make a changed snapshot. */
  vlan?: number | null;
}

export function buildDgx2Inventory(options: Dgx2Options = {}): Inventory {
  const hostname = options.hostname ?? "dgx2-01";
  const devices: PciDevice[] = [];
  let group = 0;
  const base = {
    subsystemVendorId: null,
    subsystemDeviceId: null,
    revision: "00",
    driverOverride: null,
    physfn: null,
    vfIndex: null,
    sriov: null,
    msixVectors: null,
    link: null,
    netInterfaces: [],
  } satisfies Partial<PciDevice>;
  devices.push({
    ...base,
    address: "0000:00:00.0",
    vendorId: "8086",
    deviceId: "2020",
    classCode: "060000",
    revision: "04",
    driver: null,
    iommuGroup: group++,
    numaNode: 0,
  });
  devices.push({
    ...base,
    address: "0000:02:00.0",
    vendorId: "8086",
    deviceId: "1521",
    subsystemVendorId: "15d9",
    subsystemDeviceId: "1521",
    classCode: "020000",
    revision: "01",
    driver: "igb",
    iommuGroup: group++,
    numaNode: 0,
    msixVectors: 10,
    link: { currentSpeed: "5.0 GT/s PCIe", currentWidth: 4, maxSpeed: "5.0 GT/s PCIe", maxWidth: 4 },
    netInterfaces: ["eno1"],
  });
  const interfaces: Inventory["interfaces"] = [
    { name: "br0", mac: "0c:c4:7a:00:00:01", carrier: true, operstate: "up", pciAddress: null, master: null },
    { name: "eno1", mac: "0c:c4:7a:00:00:01", carrier: true, operstate: "up", pciAddress: "0000:02:00.0", master: "br0" },
  ];
  const hostdevs: Guest["hostdevs"] = [];

  PF_BUSES.forEach((bus, pfIndex) => {
    const pfAddress = bdf(bus, 0, 0);
    const numaNode = pfIndex < 5 ? 0 : 1;
    const vfs = Array.from({ length: VFS_PER_PF }, (_, i) => vfAddress(bus, i));
    const vfConfigs: VfNetConfig[] = vfs.map((_, index) => ({
      index,
      mac: mac(pfIndex, index),
      vlan: options.vlan === undefined ? (index < VFS_TO_GUEST_PER_PF ? 100 + pfIndex : null) : options.vlan,
      qos: index < VFS_TO_GUEST_PER_PF ? 0 : null,
      spoofchk: true,
      trust: index === 0,
      linkState: index % 2 === 0 ? "auto" : "enable",
    }));
    devices.push({
      ...base,
      address: pfAddress,
      vendorId: "15b3",
      deviceId: "1017",
      subsystemVendorId: "15b3",
      subsystemDeviceId: "0008",
      classCode: "020000",
      driver: "mlx5_core",
      iommuGroup: group++,
      numaNode,
      msixVectors: 64,
      link: { currentSpeed: "8.0 GT/s PCIe", currentWidth: 16, maxSpeed: "8.0 GT/s PCIe", maxWidth: 16 },
      netInterfaces: [pfIfName(bus)],
      sriov: { totalVfs: 16, numVfs: 16, vfs, vfDeviceId: "1018", offset: 2, stride: 1, driversAutoprobe: true, vfConfigs },
    });
    interfaces.push({ name: pfIfName(bus), mac: mac(pfIndex, 0xff), carrier: true, operstate: "up", pciAddress: pfAddress, master: null });
    vfs.forEach((address, vfIndex) => {
      const toGuest = vfIndex < VFS_TO_GUEST_PER_PF;
      const ifName = `${pfIfName(bus)}v${vfIndex}`;
      devices.push({
        ...base,
        address,
        vendorId: "15b3",
        deviceId: "1018",
        subsystemVendorId: "15b3",
        subsystemDeviceId: "0008",
        classCode: "020000",
        driver: toGuest ? "vfio-pci" : "mlx5_core",
        driverOverride: toGuest ? "vfio-pci" : null,
        iommuGroup: group++,
        numaNode,
        physfn: pfAddress,
        vfIndex,
        msixVectors: 12,
        netInterfaces: toGuest ? [] : [ifName],
      });
      if (toGuest) {
        // Half as plain hostdevs, half as <interface type='hostdev'> with the VF's MAC and VLAN.
        hostdevs.push(
          vfIndex % 2 === 0
            ? { kind: "hostdev", address, managed: true, mac: null, vlan: null }
            : { kind: "interface", address, managed: true, mac: mac(pfIndex, vfIndex), vlan: 100 + pfIndex },
        );
      } else {
        interfaces.push({ name: ifName, mac: mac(pfIndex, vfIndex), carrier: false, operstate: "down", pciAddress: address, master: null });
      }
    });
  });

  const iommuGroups = devices.map((device) => ({ id: device.iommuGroup ?? -1, devices: [device.address] }));
  return {
    host: {
      hostname,
      kernelRelease: "5.4.0-150-generic",
      kernelCmdline: "BOOT_IMAGE=/vmlinuz-5.4.0-150-generic root=/dev/md0 ro intel_iommu=on iommu=pt hugepages=4096",
      cpuVendor: "intel",
      cpuCount: 96,
      memTotalKiB: 1_584_952_320,
      hugepages: { total: 4096, free: 0, sizeKiB: 2048 },
      iommu: {
        enabled: true,
        groups: iommuGroups.length,
        units: ["dmar0", "dmar1", "dmar2", "dmar3"],
        interruptRemapping: true,
        allowUnsafeInterrupts: false,
      },
      modules: ["mlx5_core", "vfio", "vfio_iommu_type1", "vfio_pci"],
      numaNodes: [
        { id: 0, cpulist: "0-23,48-71", memTotalKiB: 792_476_160 },
        { id: 1, cpulist: "24-47,72-95", memTotalKiB: 792_476_160 },
      ],
      defaultRouteInterface: "br0",
    },
    devices,
    iommuGroups,
    interfaces,
    guests: [
      {
        name: "dgx2-guest",
        uuid: "9c7e3f0a-5d1b-4e4f-9a53-1f2a3b4c5d6e",
        state: "running",
        vcpus: 16,
        memoryKiB: 8 * 1024 * 1024,
        machine: "pc-q35-4.2",
        cpuset: "0-15",
        hugepages: true,
        pcieRootPorts: 80,
        hostdevs,
        memoryHardLimitKiB: 9 * 1024 * 1024,
        numaMemoryNodes: "0-1",
      },
      // An idle guest from an older agent: no memtune/numatune fields at all.
      {
        name: "build-vm",
        uuid: null,
        state: "shut off",
        vcpus: 2,
        memoryKiB: 4 * 1024 * 1024,
        machine: "pc-i440fx-bionic",
        cpuset: null,
        hugepages: false,
        pcieRootPorts: 0,
        hostdevs: [],
      },
    ],
  };
}
