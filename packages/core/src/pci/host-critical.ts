import type { Inventory } from "@vfleet/protocol";
import type { DeviceFacts } from "./device-facts.ts";

/** What the agent's local policy adds to the inventory's own evidence (the server has none: empty lists). */
export type HostProtection = { protectDevices: readonly string[]; protectInterfaces: readonly string[] };
export const NO_PROTECTION: HostProtection = { protectDevices: [], protectInterfaces: [] };

/**
 * Why a device must not be unbound or reconfigured: it carries the default route (directly or
 * as a member of the bridge/bond that does), it is any bond/bridge member, or the policy protects
 * it (management address, the agent's own connection). Null when it carries none of these.
 * The agent passes its policy; the control plane checks the inventory's evidence alone, so an
 * operator learns before queueing what the agent would refuse.
 */
export function hostCriticalReason(inv: DeviceFacts, policy: HostProtection, bdf: string): string | null {
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
    if (iface?.master && iface.master === route)
      return `its interface ${ifname} is a member of ${iface.master}, which carries the host's default route`;
    if (iface?.master) return `its interface ${ifname} is a member of the bond/bridge ${iface.master}`;
    if (policy.protectInterfaces.includes(ifname))
      return `its interface ${ifname} carries the management address or the agent's connection (protectInterfaces)`;
  }
  return null;
}

/** The VF `index` of a PF, by address (null when the inventory lists none). */
export function vfOf(inv: DeviceFacts, pf: string, index: number): string | null {
  return (
    inv.devices.find((x) => x.physfn === pf && x.vfIndex === index)?.address ??
    inv.devices.find((x) => x.address === pf)?.sriov?.vfs[index] ??
    null
  );
}

/**
 * host.persist's `vfio-pci ids=` takes every device with a listed vendor:device at the next boot,
 * whatever its role: the host-critical devices (default route, bond member...) such an id would take.
 */
export function hostCriticalByIds(
  inv: Inventory,
  policy: HostProtection,
  ids: readonly string[],
): Array<{ id: string; device: string; reason: string }> {
  const out: Array<{ id: string; device: string; reason: string }> = [];
  for (const d of inv.devices) {
    const id = `${d.vendorId}:${d.deviceId}`;
    if (!ids.includes(id)) continue;
    const reason = hostCriticalReason(inv, policy, d.address);
    if (reason) out.push({ id, device: d.address, reason });
  }
  return out;
}
