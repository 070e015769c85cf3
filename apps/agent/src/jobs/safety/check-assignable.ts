import { whyNotAssignableIn, type DeviceFacts } from "@vfleet/core";
import type { SafetyViolation } from "./safety-violation.ts";

/** Only endpoints go to vfio-pci or a guest: never a bridge, never a PF with VFs, whatever the policy adopts. */
export function checkAssignable(inv: DeviceFacts, bdf: string): SafetyViolation | null {
  const reason = whyNotAssignableIn(inv, bdf);
  if (!reason) return null;
  const d = inv.devices.find((x) => x.address === bdf)!;
  const pf = d.sriov && d.sriov.numVfs > 0;
  return {
    code: pf ? "pf-has-vfs" : "not-an-endpoint",
    message: reason,
    explanation: pf
      ? `Unbinding ${bdf} from ${d.driver ?? "its driver"} (as vfio-pci or a guest's start does) would disable SR-IOV and destroy its ${d.sriov!.numVfs} VFs, and every guest or host interface using one. Assign its VFs instead, or set its VF count to 0 first (vf.set-count) if the PF itself must go to a guest.`
      : `${bdf} is a bridge: it carries the traffic of the devices behind it, and VFIO only assigns endpoints. Assign the endpoint devices behind it instead.`,
  };
}
