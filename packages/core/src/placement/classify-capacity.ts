import type { PlacementDevice, PlacementPf, PlacementVf } from "./placement-types.ts";

/**
 * One PF's VFs, each counted once:
 * - ready:    created, on vfio-pci, not assigned, not reserved;
 * - bindable: created, on the host driver (or none), the host does not use it;
 * - creatable: up to `sriov_totalvfs` (the firmware limit), only when the count can change
 *   without destroying a VF that is assigned, reserved or used by the host (the kernel destroys
 *   every VF before it creates a new count) and the new VFs' addresses are known (offset/stride);
 * - assigned / reserved: held by a guest or a vfleet plan;
 * - inUse: the host's own traffic runs on it (default route, bond or bridge member);
 * - quarantined: an operator took it out of service (not in the summary counts: given to nobody).
 */
export interface PfSplit {
  ready: PlacementVf[];
  bindable: PlacementVf[];
  creatable: number;
  assigned: number;
  reserved: number;
  inUse: number;
  /** Quarantined by an operator: neither free nor held, given to nobody. */
  quarantined: number;
  /** Why creatable is 0 although the firmware allows more, in plain words. */
  creatableBlocked: string | null;
}

export function classifyPf(pf: PlacementPf): PfSplit {
  const split: PfSplit = {
    ready: [],
    bindable: [],
    creatable: 0,
    assigned: 0,
    reserved: 0,
    inUse: 0,
    quarantined: 0,
    creatableBlocked: null,
  };
  for (const vf of pf.vfs) {
    if (vf.claim?.state === "assigned") split.assigned++;
    else if (vf.claim?.state === "reserved") split.reserved++;
    else if (vf.hostUse) split.inUse++;
    else if (vf.quarantined) split.quarantined++;
    else if (vf.driver === "vfio-pci") split.ready.push(vf);
    else split.bindable.push(vf);
  }
  const more = pf.totalVfs - pf.numVfs;
  if (more <= 0) return split;
  if (pf.offset === null || pf.stride === null)
    split.creatableBlocked = "the PF's VF offset/stride is unknown, so the new VFs' addresses could not be told";
  // A quarantined PF's errors are its VFs' too: no new ones on it.
  else if (pf.quarantined) split.creatableBlocked = "the PF is quarantined";
  else if (!pf.driver || pf.driver === "vfio-pci")
    split.creatableBlocked = `the PF is on ${pf.driver ?? "no driver"}, not an SR-IOV capable host driver`;
  // A count change recreates VFs at the same addresses: a quarantined one would come back as new.
  else if (split.quarantined > 0)
    split.creatableBlocked = `changing the VF count would recreate ${split.quarantined} quarantined VF(s) at the same address`;
  else if (split.assigned + split.reserved + split.inUse > 0)
    split.creatableBlocked = `changing the VF count would destroy ${split.assigned + split.reserved + split.inUse} VF(s) that are assigned, reserved or used by the host`;
  else split.creatable = more;
  return split;
}

export type DeviceState = "ready" | "bindable" | "assigned" | "reserved" | "unavailable";

/** A whole device with its IOMMU group: free only when no endpoint of the group is held or used. */
export function classifyDevice(d: PlacementDevice): { state: DeviceState; why: string | null } {
  const self = d.group.find((m) => m.address === d.address);
  if (self?.claim) return { state: self.claim.state, why: null };
  const held = d.group.find((m) => m.claim);
  if (held)
    return {
      state: "unavailable",
      why: `IOMMU group ${d.iommuGroup} member ${held.address} is ${held.claim!.state}${held.claim!.guest ? ` to ${held.claim!.guest}` : ""}`,
    };
  const quarantined = d.group.find((m) => m.quarantined);
  if (quarantined)
    return {
      state: "unavailable",
      why:
        quarantined.address === d.address
          ? "quarantined by an operator"
          : `IOMMU group ${d.iommuGroup} member ${quarantined.address} is quarantined`,
    };
  const used = d.group.find((m) => m.hostUse);
  if (used) return { state: "unavailable", why: `IOMMU group ${d.iommuGroup} member ${used.address} carries host traffic` };
  if (d.hasVfs) return { state: "unavailable", why: "its VFs exist: passing the PF whole would take them away" };
  return { state: d.group.every((m) => m.driver === "vfio-pci" || m.driver === null) ? "ready" : "bindable", why: null };
}
