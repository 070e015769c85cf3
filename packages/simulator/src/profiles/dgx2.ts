import type { FunctionSpec, HostSpec } from "../model/host-spec.ts";

/**
 * NVIDIA DGX-2 as seed 000 describes it: 10 ConnectX-5 ports with firmware SRIOV_EN=1
 * NUM_OF_VFS=16, 16 Tesla V100 SXM3 32GB and 12 NVSwitches behind PLX switches, two Xeon
 * Platinum 8168, 1.5 TB, Ubuntu 18.04 (4.15) with `intel_iommu=on
 * vfio_iommu_type1.allow_unsafe_interrupts=1 iommu=pt`; the VFs of five ports sit in one
 * q35 guest (16 vCPUs, 8 GiB: the size that carried all VFs in the seed).
 *
 * Topology: each of four GPU "quads" hangs off a CPU root port through a two-level PLX
 * switch: level 1 fans out to two level-2 switches, each with GPU, ConnectX-5, GPU on
 * three downstream ports. With the first GPU at bus g, that reproduces the seed's NIC
 * addresses (g+1 and g+6: 35/3a, 58/5d, b8/bd, e1/e6). The dual-port card (86:00.0/.1)
 * sits on its own CPU root port.
 *
 * MSI-X table sizes: ConnectX-5 PF 64 and VF 12 — the mlxconfig defaults NUM_PF_MSIX=63 /
 * NUM_VF_MSIX=11 plus the async-event vector; I210 5 (Intel I210 datasheet, table size 5).
 * V100 GPUs use MSI, not MSI-X (no MSI-X capability), so their msixVectors is null.
 */

const hex2 = (n: number) => n.toString(16).padStart(2, "0");
const at = (bus: number, dev = 0, fn = 0) => `0000:${hex2(bus)}:${hex2(dev)}.${fn}`;

type BridgeIds = { vendorId: string; deviceId: string; classCode: string; revision: string; driver: string };
const ROOT_PORT: BridgeIds = { vendorId: "8086", deviceId: "2030", classCode: "060400", revision: "04", driver: "pcieport" };
const PLX: BridgeIds = { vendorId: "10b5", deviceId: "9749", classCode: "060400", revision: "ca", driver: "pcieport" };
const GEN3_X16 = { speed: 8, width: 16 } as const;

function bridge(
  bdf: string,
  base: BridgeIds,
  pcie: "root-port" | "upstream" | "downstream",
  secondaryBus: number,
  subordinateBus: number,
  numaNode: number,
  parent?: string,
): FunctionSpec {
  return { bdf, ...base, pcie, link: GEN3_X16, bridge: { secondaryBus, subordinateBus }, numaNode, ...(parent ? { parent } : {}) };
}

function gpu(bus: number, parent: string, numaNode: number): FunctionSpec {
  return {
    bdf: at(bus),
    vendorId: "10de",
    deviceId: "1db8",
    subsystemVendorId: "10de",
    subsystemDeviceId: "12ab",
    classCode: "030200",
    revision: "a1",
    driver: "nvidia",
    pcie: "endpoint",
    link: GEN3_X16,
    numaNode,
    parent,
  };
}

function cx5(
  bdf: string,
  ifname: string,
  carrier: boolean,
  offset: number,
  numaNode: number,
  parent: string,
  subsystemDeviceId: string,
  groupWith?: string,
): FunctionSpec {
  return {
    bdf,
    vendorId: "15b3",
    deviceId: "1017",
    subsystemVendorId: "15b3",
    subsystemDeviceId,
    classCode: "020000",
    revision: "00",
    driver: "mlx5_core",
    pcie: "endpoint",
    link: GEN3_X16,
    msixVectors: 64,
    numaNode,
    parent,
    net: { ifname, mac: "", carrier, speedMbps: 100_000 },
    sriov: { totalVfs: 16, offset, stride: 1, vfDeviceId: "1018", vfDriver: "mlx5_core", vfMsixVectors: 12, vfNetdevs: true },
    ...(groupWith ? { groupWith } : {}),
  };
}

/** A GPU quad: root port -> PLX level 1 -> two PLX level 2 -> GPU, CX-5, GPU each. */
function quad(g: number, numaNode: number): FunctionSpec[] {
  const rootBus = g - 5;
  const rp = at(rootBus);
  const l1Up = at(g - 4);
  const l1DownA = at(g - 3, 0);
  const l1DownB = at(g - 3, 1);
  const l2aUp = at(g - 2);
  const l2bUp = at(g + 3);
  const out: FunctionSpec[] = [
    bridge(rp, ROOT_PORT, "root-port", g - 4, g + 7, numaNode),
    bridge(l1Up, PLX, "upstream", g - 3, g + 7, numaNode, rp),
    bridge(l1DownA, PLX, "downstream", g - 2, g + 2, numaNode, l1Up),
    bridge(l1DownB, PLX, "downstream", g + 3, g + 7, numaNode, l1Up),
    bridge(l2aUp, PLX, "upstream", g - 1, g + 2, numaNode, l1DownA),
    bridge(l2bUp, PLX, "upstream", g + 4, g + 7, numaNode, l1DownB),
  ];
  for (const [up, sec] of [
    [l2aUp, g - 1],
    [l2bUp, g + 4],
  ] as const) {
    for (let port = 0; port < 3; port++) {
      const down = at(sec, port);
      out.push(bridge(down, PLX, "downstream", sec + 1 + port, sec + 1 + port, numaNode, up));
      const bus = sec + 1 + port;
      out.push(port === 1 ? cx5(at(bus), `enp${bus}s0`, false, 1, numaNode, down, "0006") : gpu(bus, down, numaNode));
    }
  }
  return out;
}

/** Six NVSwitches per GPU baseboard behind their own PLX switch. */
function nvswitches(rootBus: number, numaNode: number): FunctionSpec[] {
  const rp = at(rootBus);
  const up = at(rootBus + 1);
  const out: FunctionSpec[] = [
    bridge(rp, ROOT_PORT, "root-port", rootBus + 1, rootBus + 8, numaNode),
    bridge(up, PLX, "upstream", rootBus + 2, rootBus + 8, numaNode, rp),
  ];
  for (let i = 0; i < 6; i++) {
    const down = at(rootBus + 2, i);
    const bus = rootBus + 3 + i;
    out.push(bridge(down, PLX, "downstream", bus, bus, numaNode, up));
    out.push({
      bdf: at(bus),
      vendorId: "10de",
      deviceId: "1ac2",
      subsystemVendorId: "10de",
      subsystemDeviceId: "1ac2",
      classCode: "068000",
      revision: "a1",
      driver: "nvidia-nvswitch",
      pcie: "endpoint",
      link: { speed: 8, width: 2 },
      numaNode,
      parent: down,
    });
  }
  return out;
}

const dualRoot = at(0x85);
const functions: FunctionSpec[] = [
  { bdf: at(0x00), vendorId: "8086", deviceId: "2020", classCode: "060000", revision: "04", driver: null, pcie: "root-port", numaNode: 0 },
  bridge(at(0x00, 0x1c), { ...ROOT_PORT, deviceId: "a190" }, "root-port", 0x04, 0x04, 0),
  {
    bdf: at(0x04),
    vendorId: "8086",
    deviceId: "1533",
    subsystemVendorId: "15d9",
    subsystemDeviceId: "1533",
    classCode: "020000",
    revision: "03",
    driver: "igb",
    pcie: "endpoint",
    link: { speed: 2.5, width: 1 },
    msixVectors: 5,
    numaNode: 0,
    parent: at(0x00, 0x1c),
    net: { ifname: "eno1", mac: "", carrier: true, speedMbps: 1000 },
  },
  { bdf: at(0x00, 0x1f), vendorId: "8086", deviceId: "a1c2", classCode: "060100", revision: "04", driver: null, numaNode: 0 },
  ...nvswitches(0x15, 0),
  ...quad(0x34, 0),
  ...quad(0x57, 0),
  bridge(dualRoot, ROOT_PORT, "root-port", 0x86, 0x86, 1),
  // Dual-port card: PF0's 16 VFs take routing ids 2..17, so PF1 (devfn 1) starts at offset 17.
  cx5(at(0x86, 0, 0), "enp134s0f0", true, 2, 1, dualRoot, "0007"),
  cx5(at(0x86, 0, 1), "enp134s0f1", true, 17, 1, dualRoot, "0007", at(0x86, 0, 0)),
  ...nvswitches(0x95, 1),
  ...quad(0xb7, 1),
  ...quad(0xe0, 1),
];

export const dgx2: HostSpec = {
  profile: "dgx2",
  description: "NVIDIA DGX-2: 10 ConnectX-5 ports (16 VFs each), 16 V100, 12 NVSwitch (seed 000)",
  hostname: "dgx2",
  kernelRelease: "4.15.0-66-generic",
  kernelCmdline:
    "BOOT_IMAGE=/boot/vmlinuz-4.15.0-66-generic root=UUID=7f3c1a52-5e0b-4d5e-9c63-2a6f0d8e4b11 ro intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1 iommu=pt",
  cpu: {
    vendorId: "GenuineIntel",
    modelName: "Intel(R) Xeon(R) Platinum 8168 CPU @ 2.70GHz",
    family: 6,
    model: 85,
    sockets: 2,
    coresPerSocket: 24,
    threadsPerCore: 2,
  },
  memTotalKiB: 1583948800,
  hugepages: { total: 0, free: 0, sizeKiB: 2048 },
  numaNodes: [
    { id: 0, cpulist: "0-23,48-71", memTotalKiB: 791974400 },
    { id: 1, cpulist: "24-47,72-95", memTotalKiB: 791974400 },
  ],
  iommu: { enabled: true, units: ["dmar0", "dmar1", "dmar2", "dmar3", "dmar4", "dmar5", "dmar6", "dmar7"], interruptRemapping: true },
  modules: {
    vfio: {},
    vfio_pci: {},
    vfio_iommu_type1: { allow_unsafe_interrupts: "Y" },
    vfio_virqfd: {},
    irqbypass: {},
    kvm: {},
    kvm_intel: { nested: "N" },
    mlx5_core: {},
    igb: {},
    nvidia: {},
  },
  defaultRouteIfname: "eno1",
  functions,
  defaultVfs: 16,
  guests: [
    {
      name: "dgx-guest",
      uuid: "5b0c7e2a-1d4f-4c3b-9a8e-6f2d1c0b9a87",
      vcpus: 16,
      memoryKiB: 8388608,
      machine: "pc-q35-2.11",
      running: true,
    },
  ],
  // The seed's /sys/class/net order; the first five ports' VFs go to the guest.
  assignments: ["enp134s0f0", "enp134s0f1", "enp184s0", "enp189s0", "enp225s0"].map((pfIfname) => ({
    guest: "dgx-guest",
    kind: "hostdev" as const,
    pfIfname,
    vfIndexes: "all" as const,
  })),
};
