import type { PciDevice } from "@vfleet/protocol";
import type { DeviceFacts } from "./device-facts.ts";

/**
 * PCI-to-PCI (0604), CardBus (0607) and semi-transparent (0609) bridges: VFIO ignores them when it
 * judges whether a group is viable, and they keep their host driver. One definition for the audit,
 * the job preview and the agent's safety checks, so they always agree.
 */
export const isBridge = (d: Pick<PciDevice, "classCode">): boolean => /^060[479]/.test(d.classCode);

/** The endpoints of the device's IOMMU group (bridges excluded); just the device when it has no group. */
export function groupEndpoints(inv: DeviceFacts, bdf: string): string[] {
  const d = inv.devices.find((x) => x.address === bdf);
  const group = d?.iommuGroup == null ? undefined : inv.iommuGroups.find((g) => g.id === d.iommuGroup);
  if (!group) return [bdf];
  return group.devices.filter((m) => {
    const member = inv.devices.find((x) => x.address === m);
    return !member || !isBridge(member);
  });
}

/** Drivers that leave a group viable for VFIO (bridges excepted, DOMAIN.md "IOMMU group"). */
const VIABLE_DRIVERS = new Set(["vfio-pci", "pci-stub"]);

/**
 * The other endpoints of the device's IOMMU group that keep it from being viable for VFIO: on a
 * host driver, and not among `taking` (the devices the same job binds or attaches). VFIO hands
 * over whole groups, so binding or attaching the device while any of these remain fails at guest
 * start or takes them from the host.
 */
export function nonViableGroupMembers(inv: DeviceFacts, bdf: string, taking: readonly string[] = [bdf]): PciDevice[] {
  const d = inv.devices.find((x) => x.address === bdf);
  if (d?.iommuGroup == null) return [];
  const group = inv.iommuGroups.find((g) => g.id === d.iommuGroup);
  return (group?.devices ?? [])
    .filter((m) => !taking.includes(m))
    .map((m) => inv.devices.find((x) => x.address === m))
    .filter((m): m is PciDevice => m !== undefined && !isBridge(m) && m.driver !== null && !VIABLE_DRIVERS.has(m.driver));
}
