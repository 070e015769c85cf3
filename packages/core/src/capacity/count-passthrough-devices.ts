import type { Inventory, PciDevice } from "@vfleet/protocol";
import { whyNotAssignable } from "../pci/assignable-endpoint.ts";

/**
 * Whole devices (functions) a guest can be given beside VFs, each counted once:
 * - ready:     on vfio-pci, no guest holds it;
 * - needsBind: a GPU (class 03) or processing accelerator (class 12) still on a host driver, no
 *              guest holds it: the devices operators buy hosts to pass through (Proxmox and
 *              Harvester list them as passthrough candidates too);
 * - assigned:  a guest's definition holds it.
 * Left out: VFs (counted as VFs), SR-IOV capable PFs (the VF source), mdev parents (shared by type),
 * bridges, and integrated
 * graphics on the root bus (the host's console; IGD assignment is a special case that rarely
 * resets cleanly) unless it is already on vfio-pci. Any other endpoint on a host driver is the
 * host's own (a disk controller, the management NIC) and is not capacity.
 */
export interface DeviceCounts {
  devices: number;
  devicesReady: number;
  devicesNeedsBind: number;
  devicesAssigned: number;
}

export type DeviceCapacityState = "ready" | "needs-bind" | "assigned";

/** The device's passthrough state, or null when it is not passthrough capacity (see DeviceCounts). */
export function passthroughStateOf(d: PciDevice, guest: string | null): DeviceCapacityState | null {
  const accelerator = d.classCode.startsWith("03") || d.classCode.startsWith("12");
  if (d.physfn !== null || whyNotAssignable(d) !== null) return null;
  // An SR-IOV PF is capacity through its VFs. A GPU that merely has the capability (A100, H100 and
  // L40 expose sriov_totalvfs) and no VFs yet is still a whole GPU: passed through as one, or split
  // into vGPU VFs, either way.
  if (d.sriov !== null && !(accelerator && d.sriov.numVfs === 0)) return null;
  // An mdev parent is shared by type through its vendor driver (vGPU), not passed through whole.
  if (d.mdevTypes) return null;
  if (guest) return "assigned";
  if (d.driver === "vfio-pci") return "ready";
  const integrated = d.address.split(":")[1] === "00";
  return accelerator && !integrated ? "needs-bind" : null;
}

export function countPassthroughDevices(inventory: Inventory, owner: ReadonlyMap<string, string>): DeviceCounts {
  const counts: DeviceCounts = { devices: 0, devicesReady: 0, devicesNeedsBind: 0, devicesAssigned: 0 };
  for (const d of inventory.devices) {
    const state = passthroughStateOf(d, owner.get(d.address) ?? null);
    if (!state) continue;
    counts.devices++;
    if (state === "ready") counts.devicesReady++;
    else if (state === "needs-bind") counts.devicesNeedsBind++;
    else counts.devicesAssigned++;
  }
  return counts;
}
