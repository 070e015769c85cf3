import type { FunctionSpec, HostSpec } from "../model/host-spec.ts";

/**
 * The host of seed 001 (RHEL SR-IOV chapter): a dual-port Intel 82576 at 03:00.0/03:00.1
 * behind root port 00:01.0, VFs 8086:10ca on igbvf at 03:10.x/03:11.x.
 *
 * VF limits: the 82576 hardware offers 8 VFs per port (TotalVFs 8 in the SR-IOV capability),
 * but igb calls pci_sriov_set_totalvfs(pdev, 7) (igb_probe_vfs), so sysfs sriov_totalvfs and
 * the scan say 7 while lspci's "Total VFs" says 8. VF offset 0x80 and stride 2 put PF0's VFs
 * on even functions and PF1's on odd ones (03:10.0, 03:10.2... / 03:10.1, 03:10.3...), exactly
 * the addresses in the seed (03:11.5 is a VF of 03:00.1).
 * MSI-X table sizes: 82576 PF 10, VF 3 (82576 datasheet: 10 vectors per PF, 3 per VF).
 * Single-socket machine without SRAT proximity: devices report numa_node -1.
 */

const port = (fn: 0 | 1): FunctionSpec => ({
  bdf: `0000:03:00.${fn}`,
  vendorId: "8086",
  deviceId: "10c9",
  subsystemVendorId: "8086",
  subsystemDeviceId: "a02c",
  classCode: "020000",
  revision: "01",
  driver: "igb",
  pcie: "endpoint",
  link: { speed: 2.5, width: 4 },
  msixVectors: 10,
  numaNode: -1,
  parent: "0000:00:01.0",
  net: { ifname: `enp3s0f${fn}`, mac: "", carrier: true, speedMbps: 1000 },
  sriov: {
    totalVfs: 8,
    driverMaxVfs: 7,
    offset: 0x80,
    stride: 2,
    vfDeviceId: "10ca",
    vfDriver: "igbvf",
    vfMsixVectors: 3,
    vfNetdevs: true,
  },
  // The two ports share an IOMMU group (seed: group 14 holds 03:00.0 and 03:00.1).
  ...(fn === 1 ? { groupWith: "0000:03:00.0" } : {}),
});

const functions: FunctionSpec[] = [
  {
    bdf: "0000:00:00.0",
    vendorId: "8086",
    deviceId: "3406",
    classCode: "060000",
    revision: "22",
    driver: null,
    pcie: "root-port",
    numaNode: -1,
  },
  {
    bdf: "0000:00:01.0",
    vendorId: "8086",
    deviceId: "3408",
    classCode: "060400",
    revision: "22",
    driver: "pcieport",
    pcie: "root-port",
    link: { speed: 2.5, width: 4 },
    bridge: { secondaryBus: 3, subordinateBus: 3 },
    numaNode: -1,
  },
  {
    bdf: "0000:00:1c.0",
    vendorId: "8086",
    deviceId: "3a40",
    classCode: "060400",
    revision: "00",
    driver: "pcieport",
    pcie: "root-port",
    link: { speed: 2.5, width: 1 },
    bridge: { secondaryBus: 5, subordinateBus: 5 },
    numaNode: -1,
  },
  { bdf: "0000:00:1f.0", vendorId: "8086", deviceId: "3a16", classCode: "060100", revision: "00", driver: "lpc_ich", numaNode: -1 },
  { bdf: "0000:00:1f.2", vendorId: "8086", deviceId: "3a22", classCode: "010601", revision: "00", driver: "ahci", numaNode: -1 },
  port(0),
  port(1),
  {
    bdf: "0000:05:00.0",
    vendorId: "8086",
    deviceId: "10d3",
    subsystemVendorId: "8086",
    subsystemDeviceId: "a01f",
    classCode: "020000",
    revision: "00",
    driver: "e1000e",
    pcie: "endpoint",
    link: { speed: 2.5, width: 1 },
    msixVectors: 5,
    numaNode: -1,
    parent: "0000:00:1c.0",
    net: { ifname: "eno1", mac: "", carrier: true, speedMbps: 1000 },
  },
];

export const intel82576: HostSpec = {
  profile: "intel-82576",
  description: "RHEL host with a dual-port Intel 82576 (7 VFs per port on igb) (seed 001)",
  hostname: "rhel-sriov",
  kernelRelease: "3.10.0-1160.el7.x86_64",
  kernelCmdline: "BOOT_IMAGE=/vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet intel_iommu=on",
  cpu: {
    vendorId: "GenuineIntel",
    modelName: "Intel(R) Xeon(R) CPU           E5620  @ 2.40GHz",
    family: 6,
    model: 44,
    sockets: 1,
    coresPerSocket: 4,
    threadsPerCore: 2,
  },
  memTotalKiB: 24522856,
  hugepages: { total: 0, free: 0, sizeKiB: 2048 },
  numaNodes: [{ id: 0, cpulist: "0-7", memTotalKiB: 24522856 }],
  iommu: { enabled: true, units: ["dmar0"], interruptRemapping: true },
  modules: {
    vfio: {},
    vfio_pci: {},
    vfio_iommu_type1: { allow_unsafe_interrupts: "N" },
    kvm: {},
    kvm_intel: {},
    igb: { max_vfs: "7" },
    igbvf: {},
    e1000e: {},
  },
  defaultRouteIfname: "eno1",
  functions,
  defaultVfs: 7,
  guests: [
    {
      name: "guestVM",
      uuid: "9d6a3f3e-58d2-4c1e-a1b7-3f0e2c4d5a61",
      vcpus: 2,
      memoryKiB: 4194304,
      machine: "pc-i440fx-rhel7.6.0",
      running: true,
    },
  ],
  // Seed: VF 03:10.2 (VF 1 of 03:00.0) as <interface type='hostdev'> with MAC 52:54:00:6d:90:02 on VLAN 42.
  assignments: [{ guest: "guestVM", kind: "interface", pfIfname: "enp3s0f0", vfIndexes: [1], vlan: 42, mac: "52:54:00:6d:90:02" }],
};
