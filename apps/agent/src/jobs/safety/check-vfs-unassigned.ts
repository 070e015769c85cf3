import { assignedVfs, guestsByDevice, type DeviceFacts } from "@vfleet/core";
import type { SafetyViolation } from "./safety-violation.ts";

export { assignedVfs, guestsByDevice };

/** Never change the VF count of a PF while guests hold any of its VFs: destroying them pulls devices out from under the guests. */
export function checkVfsUnassigned(inv: DeviceFacts, pf: string, wanted: number): SafetyViolation | null {
  const { vfs, guests } = assignedVfs(inv, pf);
  if (vfs.length === 0) return null;
  const have = inv.devices.find((x) => x.address === pf)?.sriov?.numVfs ?? 0;
  return {
    code: "vfs-assigned",
    message: `${pf} has ${have} VFs and ${vfs.length} of them are assigned to guests (${guests.join(", ")})`,
    explanation: `The PF already has ${have} VFs: the kernel refuses a new count until it is set to 0, and setting it to 0 destroys every VF, but ${vfs.length} of them are attached to guests (${guests.join(", ")}). Detach them from the guests first (guest.detach), then set the count to ${wanted}.`,
  };
}
