import { hostCriticalByIds, hostCriticalReason, type DeviceFacts } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { AgentPolicy } from "../agent-policy.ts";
import type { SafetyViolation } from "./safety-violation.ts";

export { hostCriticalReason };

export function checkHostCritical(inv: DeviceFacts, policy: AgentPolicy, bdf: string, action: string): SafetyViolation | null {
  const reason = hostCriticalReason(inv, policy, bdf);
  if (!reason) return null;
  return {
    code: "unsafe-device",
    message: `refused to ${action} ${bdf}: ${reason}`,
    explanation: `Changing ${bdf} could cut the host off the network or the agent off the control plane, so the agent never does it, whatever the server asks. Move the management traffic to another interface first if this device really must change.`,
  };
}

/** host.persist: a `vfio-pci ids=` entry that would take a host-critical device at the next boot. */
export function checkPersistIds(inv: Inventory, policy: AgentPolicy, ids: readonly string[]): SafetyViolation | null {
  const hit = hostCriticalByIds(inv, policy, ids)[0];
  if (!hit) return null;
  return {
    code: "unsafe-device",
    message: `refused to persist vfio-pci ids=${hit.id}: it would take ${hit.device} at boot, and ${hit.reason}`,
    explanation: `vfio-pci claims every device with ${hit.id} at boot, including ${hit.device}, which the host needs: the host would come up off the network. Bind the wanted devices one by one (device.bind) and persist with driver_override instead, or move the management traffic off ${hit.device} first.`,
  };
}
