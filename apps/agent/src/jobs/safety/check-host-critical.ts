import type { Inventory } from "@vfleet/protocol";
import type { AgentPolicy } from "../agent-policy.ts";
import type { SafetyViolation } from "./safety-violation.ts";

/**
 * Why a device must not be unbound or reconfigured: it carries the default route (directly or
 * as a member of the bridge/bond that does), it is any bond/bridge member, or the policy protects
 * it (management address, the agent's own connection). Null when it carries none of these.
 */
export function hostCriticalReason(inv: Inventory, policy: AgentPolicy, bdf: string): string | null {
  if (policy.protectDevices.includes(bdf)) return "the agent's policy protects it (protectDevices)";
  const d = inv.devices.find((x) => x.address === bdf);
  const route = inv.host.defaultRouteInterface;
  for (const ifname of d?.netInterfaces ?? []) {
    const iface = inv.interfaces.find((i) => i.name === ifname);
    if (ifname === route) return `its interface ${ifname} carries the host's default route`;
    // VLAN sub-interfaces named <parent>.<id> (iproute2's and every distro's convention) ride on it.
    // Stacked devices with other names are only caught through protectInterfaces for now.
    const vlans = inv.interfaces.filter((i) => i.name.startsWith(`${ifname}.`)).map((i) => i.name);
    const routedVlan = vlans.find((v) => v === route || policy.protectInterfaces.includes(v));
    if (routedVlan) return `its VLAN interface ${routedVlan} carries the host's default route or management address`;
    if (iface?.master && iface.master === route) return `its interface ${ifname} is a member of ${iface.master}, which carries the host's default route`;
    if (iface?.master) return `its interface ${ifname} is a member of the bond/bridge ${iface.master}`;
    if (policy.protectInterfaces.includes(ifname)) return `its interface ${ifname} carries the management address or the agent's connection (protectInterfaces)`;
  }
  return null;
}

export function checkHostCritical(inv: Inventory, policy: AgentPolicy, bdf: string, action: string): SafetyViolation | null {
  const reason = hostCriticalReason(inv, policy, bdf);
  if (!reason) return null;
  return {
    code: "unsafe-device",
    message: `refused to ${action} ${bdf}: ${reason}`,
    explanation: `Changing ${bdf} could cut the host off the network or the agent off the control plane, so the agent never does it, whatever the server asks. Move the management traffic to another interface first if this device really must change.`,
  };
}
