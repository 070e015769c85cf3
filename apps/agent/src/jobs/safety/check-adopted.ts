import type { DeviceFacts } from "@vfleet/core";
import type { AgentPolicy } from "../agent-policy.ts";
import type { SafetyViolation } from "./safety-violation.ts";

/** Only devices the operator adopted (a PF brings its VFs) are changed. */
export function checkAdopted(inv: DeviceFacts, policy: AgentPolicy, bdf: string): SafetyViolation | null {
  const d = inv.devices.find((x) => x.address === bdf);
  const pf = d?.physfn ?? null;
  if (policy.adopt === "all-sriov") {
    if (d?.sriov || pf) return null;
  } else if (policy.adopt.includes(bdf) || (pf !== null && policy.adopt.includes(pf))) {
    return null;
  }
  const what = pf ? `${bdf} (a VF of ${pf})` : bdf;
  return {
    code: "not-adopted",
    message: `${what} is not adopted by this agent's policy`,
    explanation: `The agent only changes devices the operator adopted on this host. Add ${pf ?? bdf} to "adopt" in the agent's policy file (--policy, e.g. { "version": 1, "adopt": ["${pf ?? bdf}"] }) if vfleet may manage it.`,
  };
}
