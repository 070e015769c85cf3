import { nonViableGroupMembers, type DeviceFacts } from "@vfleet/core";
import type { SafetyViolation } from "./safety-violation.ts";

/**
 * Never bind or attach part of an IOMMU group: every other endpoint of the group must already be
 * on vfio-pci/pci-stub, have no driver, or be taken in the same job (`taking`). The refusal names
 * the members still on host drivers.
 */
export function checkGroupViable(
  inv: DeviceFacts,
  bdf: string,
  taking: readonly string[] = [bdf],
  verb: "bind" | "attach" = "bind",
): SafetyViolation | null {
  const others = nonViableGroupMembers(inv, bdf, taking);
  if (others.length === 0) return null;
  const group = inv.devices.find((x) => x.address === bdf)!.iommuGroup;
  const list = others.map((m) => `${m.address} (${m.driver})`).join(", ");
  const addresses = others.map((m) => m.address).join(", ");
  const fix =
    verb === "bind"
      ? `Bind the whole group in one job (device.bind with group: true, which takes ${addresses} too) if none of them is needed by the host`
      : `Bind the whole group to vfio-pci first (device.bind with group: true, which takes ${addresses} too) if none of them is needed by the host, or attach them to the same guest in this job`;
  return {
    code: "partial-iommu-group",
    message: `${bdf} is in IOMMU group ${group} with ${list}`,
    explanation: `VFIO hands over whole IOMMU groups: ${verb === "bind" ? "binding" : "attaching"} only ${bdf} would leave group ${group} not viable, and ${verb === "bind" ? "the other members would be taken from the host the moment a guest starts" : "the guest would fail to start (group not viable) or take the other members from the host"}. ${fix}, or move the card to a slot with its own group (check ACS on its root port).`,
  };
}
