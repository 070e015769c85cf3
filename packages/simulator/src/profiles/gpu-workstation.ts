import type { FunctionSpec, HostSpec } from "../model/host-spec.ts";

/**
 * Seed 004 (VFIO GPU how-to): Xeon E3-1245 v2 on an H67 board. IOMMU groups as the blog
 * lists them: group 1 = processor root port 00:01.0 + GTX 750 (01:00.0) + its audio
 * (01:00.1), because the processor root port has no ACS; group 9 = PCH bridge 00:1c.7 with
 * the PCIe-to-PCI bridge 05:00.0 behind it (nothing assignable); group 11 = LPC 1f.0, SATA
 * 1f.2, SMBus 1f.3; group 12 = the Radeon (02:00.0/.1); everything else alone. GPUs and
 * their audio functions are bound to vfio-pci through driver_override (blog part 3). No
 * SR-IOV. Conventional PCI functions (IGD, EHCI, LPC...) get 256-byte config space.
 */

type F = Omit<FunctionSpec, "numaNode">;
const dev = (f: F): FunctionSpec => ({ numaNode: -1, ...f });
const vfio = { driver: "vfio-pci", driverOverride: "vfio-pci" } as const;

const functions: FunctionSpec[] = [
  dev({ bdf: "0000:00:00.0", vendorId: "8086", deviceId: "0150", classCode: "060000", revision: "09", driver: null, iommuGroup: 0 }),
  dev({ bdf: "0000:00:01.0", vendorId: "8086", deviceId: "0151", classCode: "060400", revision: "09", driver: "pcieport", pcie: "root-port", link: { speed: 8, width: 16 }, bridge: { secondaryBus: 1, subordinateBus: 1 }, iommuGroup: 1 }),
  dev({ bdf: "0000:01:00.0", vendorId: "10de", deviceId: "1381", subsystemVendorId: "3842", subsystemDeviceId: "3753", classCode: "030000", revision: "a2", ...vfio, hostDriver: "nouveau", pcie: "legacy-endpoint", link: { speed: 8, width: 16 }, parent: "0000:00:01.0", iommuGroup: 1 }),
  dev({ bdf: "0000:01:00.1", vendorId: "10de", deviceId: "0fbc", subsystemVendorId: "3842", subsystemDeviceId: "3753", classCode: "040300", revision: "a1", ...vfio, hostDriver: "snd_hda_intel", pcie: "endpoint", link: { speed: 8, width: 16 }, parent: "0000:00:01.0", iommuGroup: 1 }),
  dev({ bdf: "0000:00:02.0", vendorId: "8086", deviceId: "016a", subsystemVendorId: "1043", subsystemDeviceId: "844d", classCode: "030000", revision: "09", driver: "i915", iommuGroup: 2 }),
  dev({ bdf: "0000:00:16.0", vendorId: "8086", deviceId: "1c3a", subsystemVendorId: "1043", subsystemDeviceId: "844d", classCode: "078000", revision: "04", driver: "mei_me", iommuGroup: 3 }),
  dev({ bdf: "0000:00:1a.0", vendorId: "8086", deviceId: "1c2d", subsystemVendorId: "1043", subsystemDeviceId: "844d", classCode: "0c0320", revision: "05", driver: "ehci-pci", iommuGroup: 4 }),
  dev({ bdf: "0000:00:1b.0", vendorId: "8086", deviceId: "1c20", subsystemVendorId: "1043", subsystemDeviceId: "8445", classCode: "040300", revision: "05", driver: "snd_hda_intel", pcie: "rc-endpoint", iommuGroup: 5 }),
  dev({ bdf: "0000:00:1c.0", vendorId: "8086", deviceId: "1c10", classCode: "060400", revision: "b5", driver: "pcieport", pcie: "root-port", link: { speed: 5, width: 4 }, bridge: { secondaryBus: 2, subordinateBus: 2 }, iommuGroup: 6 }),
  dev({ bdf: "0000:00:1c.5", vendorId: "8086", deviceId: "1c1a", classCode: "060400", revision: "b5", driver: "pcieport", pcie: "root-port", link: { speed: 5, width: 1 }, bridge: { secondaryBus: 3, subordinateBus: 3 }, iommuGroup: 7 }),
  dev({ bdf: "0000:00:1c.6", vendorId: "8086", deviceId: "1c1c", classCode: "060400", revision: "b5", driver: "pcieport", pcie: "root-port", link: { speed: 2.5, width: 1 }, bridge: { secondaryBus: 4, subordinateBus: 4 }, iommuGroup: 8 }),
  dev({ bdf: "0000:00:1c.7", vendorId: "8086", deviceId: "1c1e", classCode: "060400", revision: "b5", driver: "pcieport", pcie: "root-port", link: { speed: 2.5, width: 1 }, bridge: { secondaryBus: 5, subordinateBus: 6 }, iommuGroup: 9 }),
  dev({ bdf: "0000:00:1d.0", vendorId: "8086", deviceId: "1c26", subsystemVendorId: "1043", subsystemDeviceId: "844d", classCode: "0c0320", revision: "05", driver: "ehci-pci", iommuGroup: 10 }),
  dev({ bdf: "0000:00:1f.0", vendorId: "8086", deviceId: "1c4a", subsystemVendorId: "1043", subsystemDeviceId: "844d", classCode: "060100", revision: "05", driver: "lpc_ich", iommuGroup: 11 }),
  dev({ bdf: "0000:00:1f.2", vendorId: "8086", deviceId: "1c02", subsystemVendorId: "1043", subsystemDeviceId: "844d", classCode: "010601", revision: "05", driver: "ahci", iommuGroup: 11 }),
  dev({ bdf: "0000:00:1f.3", vendorId: "8086", deviceId: "1c22", subsystemVendorId: "1043", subsystemDeviceId: "844d", classCode: "0c0500", revision: "05", driver: "i801_smbus", iommuGroup: 11 }),
  dev({ bdf: "0000:02:00.0", vendorId: "1002", deviceId: "6611", subsystemVendorId: "1028", subsystemDeviceId: "210b", classCode: "030000", revision: "00", ...vfio, hostDriver: "radeon", pcie: "legacy-endpoint", link: { speed: 5, width: 4, maxSpeed: 5, maxWidth: 8 }, parent: "0000:00:1c.0", iommuGroup: 12 }),
  dev({ bdf: "0000:02:00.1", vendorId: "1002", deviceId: "aab0", subsystemVendorId: "1028", subsystemDeviceId: "aab0", classCode: "040300", revision: "00", ...vfio, hostDriver: "snd_hda_intel", pcie: "legacy-endpoint", link: { speed: 5, width: 4, maxSpeed: 5, maxWidth: 8 }, parent: "0000:00:1c.0", iommuGroup: 12 }),
  // ASMedia ASM1042 USB 3.0: MSI-X table size 8 (ASM1042 exposes 8 vectors).
  dev({ bdf: "0000:03:00.0", vendorId: "1b21", deviceId: "1042", subsystemVendorId: "1043", subsystemDeviceId: "8488", classCode: "0c0330", revision: "00", driver: "xhci_hcd", pcie: "legacy-endpoint", link: { speed: 5, width: 1 }, msixVectors: 8, parent: "0000:00:1c.5", iommuGroup: 13 }),
  // RTL8111: MSI-X table size 4 (r8169 devices expose 4 vectors).
  dev({ bdf: "0000:04:00.0", vendorId: "10ec", deviceId: "8168", subsystemVendorId: "1043", subsystemDeviceId: "8432", classCode: "020000", revision: "06", driver: "r8169", pcie: "endpoint", link: { speed: 2.5, width: 1 }, msixVectors: 4, parent: "0000:00:1c.6", iommuGroup: 14, net: { ifname: "enp4s0", mac: "", carrier: true } }),
  dev({ bdf: "0000:05:00.0", vendorId: "1b21", deviceId: "1080", classCode: "060401", revision: "01", driver: null, pcie: "pcie-to-pci", link: { speed: 2.5, width: 1 }, bridge: { secondaryBus: 6, subordinateBus: 6 }, parent: "0000:00:1c.7", iommuGroup: 9 }),
];

export const gpuWorkstation: HostSpec = {
  profile: "gpu-workstation",
  description: "Xeon E3-1245 v2 / H67 desktop with GTX 750 and Radeon HD 8570 on vfio-pci (seed 004)",
  hostname: "vfio-desktop",
  kernelRelease: "4.1.4-200.fc22.x86_64",
  kernelCmdline: "BOOT_IMAGE=/vmlinuz-4.1.4-200.fc22.x86_64 root=/dev/mapper/fedora-root ro rd.lvm.lv=fedora/root rhgb quiet intel_iommu=on rd.driver.pre=vfio-pci hugepages=2048",
  cpu: { vendorId: "GenuineIntel", modelName: "Intel(R) Xeon(R) CPU E3-1245 V2 @ 3.40GHz", family: 6, model: 58, sockets: 1, coresPerSocket: 4, threadsPerCore: 2 },
  memTotalKiB: 32829492,
  // hugepages=2048 on the command line; the running 4 GiB guest holds all of them.
  hugepages: { total: 2048, free: 0, sizeKiB: 2048 },
  numaNodes: [{ id: 0, cpulist: "0-7", memTotalKiB: 32829492 }],
  iommu: { enabled: true, units: ["dmar0", "dmar1"], interruptRemapping: true },
  modules: { vfio: {}, vfio_pci: {}, vfio_iommu_type1: { allow_unsafe_interrupts: "N" }, vfio_virqfd: {}, kvm: {}, kvm_intel: {}, i915: {}, r8169: {}, snd_hda_intel: {} },
  defaultRouteIfname: "br0",
  bridges: [{ name: "br0", mac: "02:00:00:04:00:01", members: ["enp4s0"] }],
  functions,
  defaultVfs: 0,
  guests: [{
    name: "win-gtx750", uuid: "3e1f9c7a-2b6d-4a8e-9f10-7c5d4e3b2a19", vcpus: 4, memoryKiB: 4194304, machine: "pc-i440fx-2.1", running: true,
    extraXml: "  <memoryBacking>\n    <hugepages/>\n  </memoryBacking>\n  <cputune>\n    <vcpupin vcpu='0' cpuset='2'/>\n    <vcpupin vcpu='1' cpuset='3'/>\n    <vcpupin vcpu='2' cpuset='6'/>\n    <vcpupin vcpu='3' cpuset='7'/>\n  </cputune>",
  }],
  assignments: [
    { guest: "win-gtx750", kind: "hostdev", bdf: "0000:01:00.0" },
    { guest: "win-gtx750", kind: "hostdev", bdf: "0000:01:00.1" },
  ],
};
