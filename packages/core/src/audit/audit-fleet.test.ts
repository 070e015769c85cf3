import { describe, expect, it } from "vitest";
import { auditFleet } from "./audit-fleet.ts";
import { makeInventory } from "./testing/make-inventory.ts";

describe("auditFleet", () => {
  it("ranks hosts worst first and finds a VF MAC reused on two hosts", () => {
    const good = makeInventory();
    const noIommu = makeInventory({
      host: {
        kernelCmdline: "quiet",
        iommu: { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null },
      },
    });
    const twin = makeInventory(); // same VF MACs as `good`
    const fleet = auditFleet([
      { name: "a-good", inventory: good },
      { name: "b-noiommu", inventory: noIommu },
      { name: "c-twin", inventory: twin },
    ]);
    expect(fleet.hosts[0]!.name).toBe("b-noiommu");
    const mac = fleet.checks.find((c) => c.id === "sriov.mac-unique")!;
    expect(mac.failing.sort()).toEqual(["a-good", "b-noiommu", "c-twin"]);
    const groups = fleet.checks.find((c) => c.id === "iommu.groups")!;
    expect(groups.failing).toEqual(["b-noiommu"]);
    expect(
      fleet.hosts
        .find((h) => h.name === "a-good")!
        .report.checks.find((c) => c.id === "sriov.mac-unique")!
        .evidence.join("\n"),
    ).toMatch(/also used on host b-noiommu, c-twin/);
  });

  it("passes MAC uniqueness when every host has its own MACs", () => {
    const a = makeInventory();
    const b = makeInventory();
    for (const c of b.devices.find((d) => d.sriov)!.sriov!.vfConfigs) c.mac = c.mac!.replace(/^02/, "06");
    const fleet = auditFleet([
      { name: "a", inventory: a },
      { name: "b", inventory: b },
    ]);
    expect(fleet.checks.find((c) => c.id === "sriov.mac-unique")).toBeUndefined();
  });
});
