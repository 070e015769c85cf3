import type { Inventory, PciDevice } from "@vfleet/protocol";
import { countGpus, describeGpus, type GpuCounts, type GpuModelCounts, type GpuView } from "../gpu/describe-gpus.ts";
import { countPassthroughDevices, type DeviceCounts } from "./count-passthrough-devices.ts";

/**
 * Passthrough capacity of one host, derived from its inventory.
 * - possible: sum of `sriov_totalvfs` over SR-IOV PFs (the firmware limit);
 * - created:  VFs that exist now (`sriov_numvfs`);
 * - bound:    created VFs whose driver is vfio-pci (ready for a guest);
 * - assigned: created VFs named by a guest's `<hostdev>`/`<interface type='hostdev'>`, or carrying a
 *             mediated device instance (see mdevUsersOf);
 * - free:     created VFs no guest has (they may still need binding to vfio-pci).
 */
export interface CapacityCounts {
  possible: number;
  created: number;
  bound: number;
  assigned: number;
  free: number;
}

/** At-a-glance state of one VF; `assigned` wins over the driver it is bound to. */
export type VfState = "assigned" | "vfio" | "host-driver" | "unbound";

export interface VfView {
  address: string;
  pf: string;
  index: number;
  driver: string | null;
  state: VfState;
  guest: string | null;
  numaNode: number | null;
  mac: string | null;
  vlan: number | null;
}

export interface PfCapacity extends CapacityCounts {
  address: string;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  numaNode: number | null;
  netInterfaces: string[];
  vfs: VfView[];
}

/**
 * A host's totals as the fleet stores and sums them: the VF counts, free VFs split into ready (on
 * vfio-pci) and needs bind (still on a host driver or none), whole passthrough devices, and of
 * those the GPUs, also by model (`gpuModels`, the one key that is not a number: the fleet page
 * sums it apart).
 */
export interface HostCapacityTotals extends CapacityCounts, DeviceCounts, GpuCounts {
  ready: number;
  needsBind: number;
  gpuModels: GpuModelCounts;
}

/** Every key of HostCapacityTotals, in display order: what the fleet sums and shows per host. */
export const HOST_TOTAL_KEYS = [
  "possible",
  "created",
  "bound",
  "assigned",
  "free",
  "ready",
  "needsBind",
  "devices",
  "devicesReady",
  "devicesNeedsBind",
  "devicesAssigned",
  "gpus",
  "gpusReady",
  "gpusNeedsBind",
  "gpusAssigned",
] as const satisfies readonly (keyof HostCapacityTotals)[];

export interface HostCapacity {
  totals: HostCapacityTotals;
  pfs: PfCapacity[];
  byNuma: { node: number | null; counts: CapacityCounts }[];
  /** Every GPU (class 03) with its state and topology, the host's own console included (`host`). */
  gpus: GpuView[];
}

export const emptyCounts = (): CapacityCounts => ({ possible: 0, created: 0, bound: 0, assigned: 0, free: 0 });

export function sumCounts(list: readonly CapacityCounts[]): CapacityCounts {
  const total = emptyCounts();
  for (const c of list) {
    total.possible += c.possible;
    total.created += c.created;
    total.bound += c.bound;
    total.assigned += c.assigned;
    total.free += c.free;
  }
  return total;
}

/** Map of device address -> name of the guest that holds it. */
export function assignmentsOf(inventory: Inventory): Map<string, string> {
  const owner = new Map<string, string>();
  for (const guest of inventory.guests) for (const h of guest.hostdevs) owner.set(h.address, guest.name);
  return owner;
}

function vfStateOf(driver: string | null, guest: string | null): VfState {
  if (guest) return "assigned";
  if (driver === "vfio-pci") return "vfio";
  return driver ? "host-driver" : "unbound";
}

/**
 * Parents of mediated device instances -> who uses them: the guest holding the instance, else
 * `mdev <uuid>`. A parent with an instance is in use, never free: on Ampere-class vGPU GPUs the
 * parents are the GPU's SR-IOV VFs (one instance each), and counting those VFs free would offer
 * a VF whose vGPU a guest runs on.
 */
export function mdevUsersOf(inventory: Inventory): Map<string, string> {
  const users = new Map<string, string>();
  for (const m of inventory.host.mdevs ?? []) if (!users.has(m.parent)) users.set(m.parent, m.guest ?? `mdev ${m.uuid}`);
  return users;
}

export function computeCapacity(inventory: Inventory): HostCapacity {
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d] as const));
  const owner = assignmentsOf(inventory);
  const mdevUsers = mdevUsersOf(inventory);

  const pfs: PfCapacity[] = inventory.devices
    .filter((d): d is PciDevice & { sriov: NonNullable<PciDevice["sriov"]> } => d.sriov !== null)
    .map((pf) => {
      const configs = new Map(pf.sriov.vfConfigs.map((c) => [c.index, c] as const));
      const vfs: VfView[] = pf.sriov.vfs.map((address, index) => {
        const vf = byAddress.get(address);
        const guest = owner.get(address) ?? mdevUsers.get(address) ?? null;
        const driver = vf?.driver ?? null;
        const config = configs.get(vf?.vfIndex ?? index);
        return {
          address,
          pf: pf.address,
          index: vf?.vfIndex ?? index,
          driver,
          state: vfStateOf(driver, guest),
          guest,
          numaNode: vf?.numaNode ?? pf.numaNode,
          mac: config?.mac ?? null,
          vlan: config?.vlan ?? null,
        };
      });
      const assigned = vfs.filter((v) => v.guest !== null).length;
      return {
        address: pf.address,
        vendorId: pf.vendorId,
        deviceId: pf.deviceId,
        driver: pf.driver,
        numaNode: pf.numaNode,
        netInterfaces: pf.netInterfaces,
        vfs,
        possible: pf.sriov.totalVfs,
        created: vfs.length,
        bound: vfs.filter((v) => v.driver === "vfio-pci").length,
        assigned,
        free: vfs.length - assigned,
      };
    });

  const nodes = [...new Set(pfs.map((p) => p.numaNode))].sort((a, b) => (a ?? -1) - (b ?? -1));
  const ready = pfs.reduce((n, pf) => n + pf.vfs.filter((v) => v.state === "vfio").length, 0);
  const counts = sumCounts(pfs);
  const gpus = describeGpus(inventory, owner);
  return {
    totals: {
      ...counts,
      ready,
      needsBind: counts.free - ready,
      ...countPassthroughDevices(inventory, owner),
      ...countGpus(gpus),
    },
    pfs,
    byNuma: nodes.map((node) => ({ node, counts: sumCounts(pfs.filter((p) => p.numaNode === node)) })),
    gpus,
  };
}
