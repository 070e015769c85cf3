import { isBridge } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { SafetyViolation } from "./safety-violation.ts";

/** Drivers that leave a group viable for VFIO (bridges excepted, DOMAIN.md "IOMMU group"). */
const VIABLE = new Set(["vfio-pci", "pci-stub"]);

/**
 * Never bind part of an IOMMU group to vfio-pci: every other endpoint of the group must already
 * be on vfio-pci/pci-stub, have no driver, or be bound in the same job (`binding`).
 * The refusal names the members still on host drivers.
 */
export function checkGroupViable(inv: Inventory, bdf: string, binding: readonly string[] = [bdf]): SafetyViolation | null {
  const d = inv.devices.find((x) => x.address === bdf);
  if (d?.iommuGroup === null || d?.iommuGroup === undefined) return null;
  const group = inv.iommuGroups.find((g) => g.id === d.iommuGroup);
  const others = (group?.devices ?? [])
    .filter((m) => !binding.includes(m))
    .map((m) => inv.devices.find((x) => x.address === m))
    .filter((m) => m && !isBridge(m) && m.driver !== null && !VIABLE.has(m.driver));
  if (others.length === 0) return null;
  const list = others.map((m) => `${m!.address} (${m!.driver})`).join(", ");
  return {
    code: "partial-iommu-group",
    message: `${bdf} is in IOMMU group ${d.iommuGroup} with ${list}`,
    explanation: `VFIO hands over whole IOMMU groups: binding only ${bdf} would leave group ${d.iommuGroup} not viable, and the other members would be taken from the host the moment a guest starts. Bind the whole group in one job (device.bind with group: true, which takes ${others.map((m) => m!.address).join(", ")} too) if none of them is needed by the host, or move the card to a slot with its own group (check ACS on its root port).`,
  };
}
