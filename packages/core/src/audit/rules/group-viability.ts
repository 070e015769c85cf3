import type { AuditRule } from "../types.ts";
import { devicesInScope, guestsUnknown } from "../build-audit-context.ts";
import { describeGroupsSource } from "../iommu-state.ts";
import { capLines, couldNotTell, isBridge, nodedevName, notApplicable, result, unreadSource } from "../rule-helpers.ts";
import { describeGroupSharing } from "./describe-group-sharing.ts";

/**
 * Every group with a planned/assigned device is viable: each other endpoint is on vfio-pci,
 * pci-stub or no driver, or goes to the same guest; bridges are excepted. Sources: DOMAIN.md
 * ("group N is not viable"), seed 004 (endpoints bound to vfio-pci or pci-stub; the root port
 * keeps its host driver), the kernel's vfio group viability check (non-normal headers excepted).
 */
export const groupViabilityRule: AuditRule = {
  id: "groups.viability",
  title: "IOMMU groups of guest devices are viable",
  layer: "groups",
  run(ctx) {
    const scope = devicesInScope(ctx);
    if (scope.length === 0) {
      const blind = guestsUnknown(ctx);
      return blind ? couldNotTell([blind]) : notApplicable("no device planned (--guest) or assigned to a guest on this host");
    }
    const groupsUnread = unreadSource(ctx.inventory, "/sys/kernel/iommu_groups");
    const unknownGroup: string[] = [];
    const guestOf = new Map(scope.map((p) => [p.address, p.guest]));
    const seen = new Set<number>();
    const problems: string[] = [];
    const fixes: string[] = [];
    const shared: string[] = [];
    let checked = 0;
    for (const p of scope) {
      const d = ctx.deviceByAddress.get(p.address);
      if (!d) continue; // drivers.guest-devices-on-vfio names missing devices
      if (d.iommuGroup === null && groupsUnread) {
        unknownGroup.push(d.address);
        continue;
      }
      if (d.iommuGroup === null) {
        problems.push(`${p.address}: no iommu_group link (/sys/bus/pci/devices/${p.address}/iommu_group): the IOMMU is off`);
        continue;
      }
      if (seen.has(d.iommuGroup)) continue;
      seen.add(d.iommuGroup);
      checked++;
      const group = ctx.groupById.get(d.iommuGroup);
      if (!group) continue;
      for (const other of group.devices) {
        if (other === p.address) continue;
        const o = ctx.deviceByAddress.get(other);
        if (!o || isBridge(o)) continue;
        const sameGuest = guestOf.has(other) && guestOf.get(other) === p.guest;
        if (sameGuest) continue;
        const holders = (ctx.assignedTo.get(other) ?? []).filter((g) => g !== p.guest);
        if (holders.length > 0) {
          problems.push(`group ${group.id} is not viable for ${p.guest ?? "the guest"}: ${other} is assigned to ${holders.join(", ")}`);
          fixes.push(`Give ${p.address} and ${other} to the same guest (a group goes to one guest).`);
        } else if (o.driver !== null && o.driver !== "vfio-pci" && o.driver !== "pci-stub") {
          problems.push(
            `group ${group.id} is not viable: ${other} (${o.vendorId}:${o.deviceId}) is on host driver ${o.driver}${groupsUnread ? "" : ` (/sys/kernel/iommu_groups/${group.id}/devices)`}`,
          );
          fixes.push(`virsh nodedev-detach ${nodedevName(other)}   # or add ${other} to the same guest`);
        }
      }
      const why = describeGroupSharing(group, ctx.deviceByAddress);
      if (why) shared.push(why);
    }
    if (checked === 0 && problems.length === 0 && unknownGroup.length === 0)
      return notApplicable(`none of the ${scope.length} guest device(s) is on this host (see drivers.guest-devices-on-vfio)`);
    const evidence = [
      `${checked} group(s) checked for ${scope.length} guest device(s) (${describeGroupsSource(ctx.inventory)})`,
      ...capLines(shared, 6),
    ];
    if (problems.length === 0 && unknownGroup.length > 0)
      return couldNotTell([
        ...evidence,
        `could not tell the group of ${capLines(unknownGroup, 6).join(", ")}: no iommu_group link, and /sys/kernel/iommu_groups was not read`,
      ]);
    if (problems.length === 0) return result("pass", evidence);
    const acs =
      shared.length > 0
        ? "\nThe sharing comes from missing ACS: move the card to a slot behind an ACS-capable root port (CPU root ports on Xeon E5+/HEDT); the ACS override patch only pretends isolation."
        : "";
    return result("fail", [...evidence, ...capLines(problems)], capLines([...new Set(fixes)], 8).join("\n") + acs);
  },
};
