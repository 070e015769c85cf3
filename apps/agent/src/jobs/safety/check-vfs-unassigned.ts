import type { Inventory } from "@vfleet/protocol";
import type { SafetyViolation } from "./safety-violation.ts";

/** Guests (libvirt definitions) holding each device, by address. */
export function guestsByDevice(inv: Inventory): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of inv.guests) for (const h of g.hostdevs) out.set(h.address, [...(out.get(h.address) ?? []), g.name]);
  return out;
}

/** A PF's VFs that guests hold, and which guests. */
export function assignedVfs(inv: Inventory, pf: string): { vfs: string[]; guests: string[] } {
  const d = inv.devices.find((x) => x.address === pf);
  const by = guestsByDevice(inv);
  const vfs = (d?.sriov?.vfs ?? []).filter((vf) => by.has(vf));
  return { vfs, guests: [...new Set(vfs.flatMap((vf) => by.get(vf)!))].sort() };
}

/** Never change the VF count of a PF while guests hold any of its VFs: destroying them pulls devices out from under the guests. */
export function checkVfsUnassigned(inv: Inventory, pf: string, wanted: number): SafetyViolation | null {
  const { vfs, guests } = assignedVfs(inv, pf);
  if (vfs.length === 0) return null;
  const have = inv.devices.find((x) => x.address === pf)?.sriov?.numVfs ?? 0;
  return {
    code: "vfs-assigned",
    message: `${pf} has ${have} VFs and ${vfs.length} of them are assigned to guests (${guests.join(", ")})`,
    explanation: `The PF already has ${have} VFs: the kernel refuses a new count until it is set to 0, and setting it to 0 destroys every VF, but ${vfs.length} of them are attached to guests (${guests.join(", ")}). Detach them from the guests first (guest.detach), then set the count to ${wanted}.`,
  };
}
