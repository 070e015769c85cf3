import type { AuditRule } from "../types.ts";
import { capLines, result } from "../rule-helpers.ts";
import { describeGroupSharing } from "./describe-group-sharing.ts";

/**
 * Host-wide: groups shared because of missing ACS, named as such so the operator knows which
 * devices can only move together. Sources: seed 004 (group 1 = processor root port + GTX 750;
 * Skylake/Z170 without ACS), DOMAIN.md (ACS; the override patch is unsafe).
 */
export const acsIsolationRule: AuditRule = {
  id: "groups.acs-isolation",
  title: "Devices isolated in their own groups (ACS)",
  layer: "groups",
  run({ inventory, deviceByAddress }) {
    if (inventory.iommuGroups.length === 0) return result("not-applicable", ["/sys/kernel/iommu_groups: no groups (see iommu.groups)"]);
    const shared: string[] = [];
    for (const g of inventory.iommuGroups) {
      if (g.devices.length < 2) continue;
      const why = describeGroupSharing(g, deviceByAddress);
      if (why) shared.push(why);
    }
    const evidence = [`/sys/kernel/iommu_groups: ${inventory.iommuGroups.length} groups, ${shared.length} shared for lack of ACS`];
    if (shared.length === 0) return result("pass", evidence);
    return result(
      "warn",
      [...evidence, ...capLines(shared, 10)],
      "Devices in a shared group can only be assigned together (bridges excepted). For separate assignment use slots behind ACS-capable root ports; avoid the ACS override patch (unsafe: it assumes isolation the hardware lacks).",
    );
  },
};
