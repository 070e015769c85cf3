import type { AgentAdoption } from "@vfleet/protocol";
import type { DeviceFacts } from "./device-facts.ts";

/**
 * Whether an agent whose policy adopts `adopt` may change `bdf`: a listed device, a VF of a
 * listed PF, or with "all-sriov" any SR-IOV PF and its VFs. Null when it may; else the device
 * and the PF whose adoption would bring it (the agent's refusal and the control plane's mark
 * name the same one).
 */
export function notAdopted(
  inv: Pick<DeviceFacts, "devices">,
  adopt: AgentAdoption["adopt"],
  bdf: string,
): { address: string; pf: string | null } | null {
  const d = inv.devices.find((x) => x.address === bdf);
  const pf = d?.physfn ?? null;
  if (adopt === "all-sriov") {
    if (d?.sriov || pf) return null;
  } else if (adopt.includes(bdf) || (pf !== null && adopt.includes(pf))) {
    return null;
  }
  return { address: bdf, pf };
}

/** The control plane's words for a device outside the agent's adoption, or null when adopted. */
export function notAdoptedReason(inv: Pick<DeviceFacts, "devices">, adoption: AgentAdoption, bdf: string): string | null {
  const miss = notAdopted(inv, adoption.adopt, bdf);
  if (!miss) return null;
  const policy =
    adoption.adopt === "all-sriov"
      ? `adopts SR-IOV PFs and their VFs only${adoption.simulatorDefault ? " (the simulator's default)" : ""}`
      : `adopts ${adoption.adopt.length === 0 ? "nothing" : adoption.adopt.join(", ")}`;
  return `not adopted: the agent's policy ${policy}; add ${miss.pf ?? bdf} to "adopt" in its policy file if vfleet may manage it`;
}
