import type { AgentAdoption } from "@vfleet/protocol";

/** The host header's words for what its agent's policy adopts; null adoption: its agent did not say. */
export function describeAdoption(adoption: AgentAdoption | null): string {
  if (!adoption) return "adoption policy not reported (could not tell)";
  if (adoption.adopt === "all-sriov")
    return `adopts every SR-IOV PF and its VFs${adoption.simulatorDefault ? " (the simulator's default)" : ""}`;
  if (adoption.adopt.length === 0) return "adopts nothing";
  return `adopts ${adoption.adopt.length <= 3 ? adoption.adopt.join(", ") : `${adoption.adopt.length} devices`}`;
}
