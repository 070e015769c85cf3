import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { iommuGroupsRule } from "./iommu-groups.ts";

describe("iommu.groups", () => {
  it("passes when groups exist", () => {
    expect(iommuGroupsRule.run(buildAuditContext(makeInventory())).status).toBe("pass");
  });
  it("fails with the firmware fix when there are none", () => {
    const inv = makeInventory({
      host: { iommu: { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null } },
    });
    const r = iommuGroupsRule.run(buildAuditContext(inv));
    expect(r.status).toBe("fail");
    expect(r.evidence[0]).toBe("/sys/kernel/iommu_groups: 0 group(s)");
    expect(r.remediation).toMatch(/VT-d.*intel_iommu=on/);
  });
});
