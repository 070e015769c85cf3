import type { AuditRule } from "../types.ts";
import { describeGroupsSource, readIommuState } from "../iommu-state.ts";
import { capLines, couldNotTell, notApplicable, result } from "../rule-helpers.ts";
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
    if (inventory.iommuGroups.length === 0) {
      const state = readIommuState(inventory);
      if (state.state === "off") return notApplicable(`${state.evidence} (see iommu.groups)`);
      return couldNotTell([`could not tell: no group was read (${state.evidence})`]);
    }
    const shared: string[] = [];
    for (const g of inventory.iommuGroups) {
      if (g.devices.length < 2) continue;
      const why = describeGroupSharing(g, deviceByAddress);
      if (why) shared.push(why);
    }
    const evidence = [
      `${inventory.iommuGroups.length} groups (${describeGroupsSource(inventory)}), ${shared.length} shared for lack of ACS`,
    ];
    if (shared.length === 0) return result("pass", evidence);
    return result(
      "warn",
      [...evidence, ...capLines(shared, 10)],
      "Devices in a shared group can only be assigned together (bridges excepted). For separate assignment use slots behind ACS-capable root ports; avoid the ACS override patch (unsafe: it assumes isolation the hardware lacks).",
    );
  },
};
