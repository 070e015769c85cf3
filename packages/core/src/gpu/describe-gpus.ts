import type { Inventory, MdevType, PciDevice } from "@vfleet/protocol";
import { passthroughStateOf, type DeviceCapacityState } from "../capacity/count-passthrough-devices.ts";
import { isBridge } from "../pci/iommu-group.ts";
import { namePciDevice } from "../pci/name-pci-device.ts";
import { pcieTopologyOf, type PcieTopology } from "./pcie-topology.ts";

/**
 * A GPU's passthrough state; `host` is the host's own (integrated graphics on the root bus, the
 * console); `mediated` an mdev parent, shared by type through its vendor driver (vGPU), not whole.
 */
export type GpuState = DeviceCapacityState | "host" | "mediated";

export interface GpuMdevs {
  types: MdevType[];
  instances: { uuid: string; type: string | null; typeName: string | null; guest: string | null }[];
}

/** How the GPU is driven: for a guest (vfio-pci), by the host (its own driver), or by nothing. */
export type GpuMode = "vfio-pci" | "host-driver" | "no-driver";

export interface GpuFunction {
  address: string;
  /** pci.ids class name, e.g. "Audio device"; null when the host's database lacks it. */
  className: string | null;
  driver: string | null;
}

export interface GpuView {
  address: string;
  vendorId: string;
  deviceId: string;
  /** The marketing name from the host's pci.ids ("Tesla V100 SXM3 32GB"), else the ids (`10de:1db8`). */
  model: string;
  /** The full pci.ids device name ("GV100GL [Tesla V100 SXM3 32GB]"); null when the database lacks it. */
  chip: string | null;
  vendor: string | null;
  classCode: string;
  driver: string | null;
  mode: GpuMode;
  state: GpuState;
  guest: string | null;
  numaNode: number | null;
  iommuGroup: number | null;
  /** Other endpoints of its IOMMU group: VFIO hands over the whole group, so they go with it. */
  groupPeers: string[];
  /** The other functions of the same slot (its HDMI/DP audio, USB-C controller): they belong to the card. */
  companions: GpuFunction[];
  /** Root port and switches above it; null when the agent did not report the path (protocol before 1.13). */
  topology: PcieTopology | null;
  /** Its mediated device types and instances when it is an mdev parent; null when not. */
  mdev: GpuMdevs | null;
}

/** Display controllers (VGA 0300, XGA 0301, 3D 0302, other 0380): what lspci and operators call GPUs. */
export const isGpu = (d: Pick<PciDevice, "classCode" | "physfn">): boolean => d.classCode.startsWith("03") && d.physfn === null;

/**
 * The model an operator knows: pci.ids device names are "chip [marketing name]" ("GV100GL [Tesla V100
 * SXM3 32GB]"), so the bracketed part when there is one, else the whole name, else the ids.
 */
export function gpuModelName(d: Pick<PciDevice, "vendorId" | "deviceId">, names: Inventory["host"]["pciNames"]): string {
  const chip = names?.devices[`${d.vendorId}:${d.deviceId}`];
  if (!chip) return `${d.vendorId}:${d.deviceId}`;
  const bracket = /\[(.+)\]\s*$/.exec(chip);
  return bracket ? bracket[1]! : chip;
}

const slotOf = (bdf: string) => bdf.slice(0, -2);

/** Every GPU of the host with its state, mode, NUMA node, IOMMU group, companion functions and PCIe path. */
export function describeGpus(inventory: Inventory, owner: ReadonlyMap<string, string>): GpuView[] {
  const names = inventory.host.pciNames;
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d] as const));
  return inventory.devices.filter(isGpu).map((d) => {
    const guest = owner.get(d.address) ?? null;
    const group = d.iommuGroup === null ? undefined : inventory.iommuGroups.find((g) => g.id === d.iommuGroup);
    const n = namePciDevice(d, names);
    return {
      address: d.address,
      vendorId: d.vendorId,
      deviceId: d.deviceId,
      model: gpuModelName(d, names),
      chip: n.device,
      vendor: n.vendor,
      classCode: d.classCode,
      driver: d.driver,
      mode: d.driver === "vfio-pci" ? "vfio-pci" : d.driver ? "host-driver" : "no-driver",
      state: d.mdevTypes ? "mediated" : (passthroughStateOf(d, guest) ?? "host"),
      guest,
      numaNode: d.numaNode,
      iommuGroup: d.iommuGroup,
      groupPeers: (group?.devices ?? []).filter((m) => m !== d.address && !isBridge(byAddress.get(m) ?? { classCode: "" })),
      companions: inventory.devices
        .filter((f) => f.address !== d.address && f.physfn === null && slotOf(f.address) === slotOf(d.address))
        .map((f) => ({ address: f.address, className: namePciDevice(f, names).className, driver: f.driver })),
      topology: pcieTopologyOf(d, inventory, names),
      mdev: d.mdevTypes
        ? {
            types: d.mdevTypes,
            instances: (inventory.host.mdevs ?? [])
              .filter((m) => m.parent === d.address)
              .map(({ uuid, type, typeName, guest: holder }) => ({ uuid, type, typeName, guest: holder })),
          }
        : null,
    };
  });
}

/** Whole GPUs a guest can be given, by state, and by model: what the fleet page sums. */
export interface GpuCounts {
  gpus: number;
  gpusReady: number;
  gpusNeedsBind: number;
  gpusAssigned: number;
}

export type GpuModelCounts = Record<string, { ready: number; needsBind: number; assigned: number }>;

/** Counts over the GPUs that are passthrough capacity (the host's own console is not). */
export function countGpus(gpus: readonly GpuView[]): GpuCounts & { gpuModels: GpuModelCounts } {
  const counts = { gpus: 0, gpusReady: 0, gpusNeedsBind: 0, gpusAssigned: 0, gpuModels: {} as GpuModelCounts };
  for (const g of gpus) {
    if (g.state === "host" || g.state === "mediated") continue;
    const model = (counts.gpuModels[g.model] ??= { ready: 0, needsBind: 0, assigned: 0 });
    counts.gpus++;
    if (g.state === "ready") {
      counts.gpusReady++;
      model.ready++;
    } else if (g.state === "needs-bind") {
      counts.gpusNeedsBind++;
      model.needsBind++;
    } else {
      counts.gpusAssigned++;
      model.assigned++;
    }
  }
  return counts;
}
