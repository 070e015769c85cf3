import { notAdopted, type DeviceFacts } from "@vfleet/core";
import type { AgentPolicy } from "../agent-policy.ts";
import type { SafetyViolation } from "./safety-violation.ts";

/** Only devices the operator adopted (a PF brings its VFs) are changed (core's rule, which the control plane marks with). */
export function checkAdopted(inv: DeviceFacts, policy: AgentPolicy, bdf: string): SafetyViolation | null {
  const miss = notAdopted(inv, policy.adopt, bdf);
  if (!miss) return null;
  const { pf } = miss;
  const what = pf ? `${bdf} (a VF of ${pf})` : bdf;
  return {
    code: "not-adopted",
    message: `${what} is not adopted by this agent's policy`,
    explanation: `The agent only changes devices the operator adopted on this host. Add ${pf ?? bdf} to "adopt" in the agent's policy file (--policy, e.g. { "version": 1, "adopt": ["${pf ?? bdf}"] }) if vfleet may manage it.`,
  };
}
