import {
  assignedVfs,
  groupEndpoints,
  hostCriticalReason,
  NO_PROTECTION,
  nonViableGroupMembers,
  notAdoptedReason,
  whyNotAssignable,
} from "@vfleet/core";
import type { AgentAdoption, Inventory } from "@vfleet/protocol";
import { describeDevice } from "../device-label.ts";

/**
 * A PF as the change form offers it; `setCountRefusal` says why the agent refuses any new VF
 * count on it, `adoptRefusal` why it refuses any change (its policy did not adopt it).
 */
type PfTarget = {
  address: string;
  ifname: string | null;
  totalVfs: number;
  numVfs: number;
  vfs: string[];
  setCountRefusal: string | null;
  adoptRefusal: string | null;
};
/**
 * A device as the bind and attach lists offer it, with why the agent refuses it: any change
 * (`adoptRefusal`, its policy did not adopt it), vfio-pci alone (`vfioRefusal`) or with its
 * whole IOMMU group (`groupRefusal`), a guest (`attachRefusal`: a bridge, a PF with VFs, host
 * traffic), and the group members a guest must take with it (`groupNote`). Null when it would
 * not refuse. `heldBy`: the guests whose definitions hold it (another guest's makes attach refuse).
 */
export type DeviceTarget = {
  address: string;
  label: string;
  driver: string | null;
  adoptRefusal: string | null;
  vfioRefusal: string | null;
  groupRefusal: string | null;
  attachRefusal: string | null;
  groupNote: string | null;
  heldBy: string[];
};

export type ActionTargets = {
  hostId: string;
  pfs: PfTarget[];
  devices: DeviceTarget[];
  guests: string[];
  /** Why guest changes cannot run on this host now (the agent cannot reach libvirtd), with the fix. */
  libvirtProblem?: string | null;
  /** False when the host's agent did not report its adoption policy (before protocol 1.8): no device is marked not adopted, since that could not be told. */
  adoptionKnown: boolean;
  /** Set when the host's agent is gone: a job would only wait, so queueing takes an explicit yes. */
  offline?: { hostName: string; since: string | null } | null;
};

/** Why vfio-pci may not take this one device, in the words of the agent's own checks (core's definitions). */
function endpointRefusal(inv: Inventory, bdf: string): string | null {
  const d = inv.devices.find((x) => x.address === bdf);
  if (!d) return null;
  const critical = hostCriticalReason(inv, NO_PROTECTION, bdf);
  return whyNotAssignable(d)?.replace(`${bdf} is `, "") ?? (critical ? `it carries host traffic: ${critical}` : null);
}

/**
 * What the host page's change form may offer, each device and PF marked with the refusal the API
 * and then the agent would give (the same core checks as `checkJobAgainstInventory`), so the
 * operator sees it in the list instead of after Preview. Which devices the agent's policy adopted
 * comes from its hello (protocol 1.8; `adoption` null from an older agent: nothing is marked for
 * it). Its protectDevices are not reported: those refusals come at run time.
 */
export function buildActionTargets(
  hostId: string,
  inv: Inventory,
  offline: ActionTargets["offline"],
  adoption: AgentAdoption | null = null,
): ActionTargets {
  const adoptRefusal = (bdf: string) => (adoption ? notAdoptedReason(inv, adoption, bdf) : null);
  const holders = new Map<string, string[]>();
  for (const g of inv.guests) for (const h of g.hostdevs) holders.set(h.address, [...(holders.get(h.address) ?? []), g.name]);
  const pfs: PfTarget[] = inv.devices
    .filter((d) => d.sriov)
    .map((d) => {
      const held = assignedVfs(inv, d.address);
      const critical =
        [d.address, ...d.sriov!.vfs].map((bdf) => hostCriticalReason(inv, NO_PROTECTION, bdf)).find((r) => r !== null) ?? null;
      return {
        address: d.address,
        ifname: d.netInterfaces[0] ?? null,
        totalVfs: d.sriov!.totalVfs,
        numVfs: d.sriov!.numVfs,
        vfs: d.sriov!.vfs,
        adoptRefusal: adoptRefusal(d.address),
        setCountRefusal:
          held.vfs.length > 0
            ? `${held.vfs.length} of its VFs are held by ${held.guests.join(", ")}; a new count destroys them`
            : critical
              ? `it carries host traffic: ${critical}`
              : null,
      };
    });
  const devices: DeviceTarget[] = inv.devices.map((d) => {
    const others = nonViableGroupMembers(inv, d.address);
    const group = groupEndpoints(inv, d.address);
    const memberRefusal = group.map((m) => ({ m, why: endpointRefusal(inv, m) })).find((x) => x.why !== null);
    const groupHolds =
      others.length > 0 ? `IOMMU group ${d.iommuGroup} also holds ${others.map((m) => `${m.address} (${m.driver})`).join(", ")}` : null;
    return {
      address: d.address,
      label: `${d.address} ${d.physfn ? `VF ${d.vfIndex} of ${d.physfn}` : describeDevice(d, inv).label} (${d.driver ?? "no driver"})`,
      driver: d.driver ?? null,
      adoptRefusal: adoptRefusal(d.address),
      vfioRefusal: endpointRefusal(inv, d.address) ?? (groupHolds ? `${groupHolds}: bind the whole group` : null),
      groupRefusal: memberRefusal
        ? memberRefusal.m === d.address
          ? memberRefusal.why
          : `its IOMMU group holds ${memberRefusal.m}: ${memberRefusal.why}`
        : null,
      attachRefusal: endpointRefusal(inv, d.address),
      groupNote: groupHolds ? `${groupHolds}: pick them too, or bind the whole group first` : null,
      heldBy: holders.get(d.address) ?? [],
    };
  });
  return {
    hostId,
    pfs,
    devices,
    guests: inv.guests.map((g) => g.name),
    libvirtProblem: inv.host.libvirt?.reachable === false ? inv.host.libvirt.detail : null,
    adoptionKnown: adoption !== null,
    offline,
  };
}
