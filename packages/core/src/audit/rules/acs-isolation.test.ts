import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeDevice, makeInventory } from "../testing/make-inventory.ts";
import { acsIsolationRule } from "./acs-isolation.ts";

describe("groups.acs-isolation", () => {
  it("passes when every endpoint slot has its own group", () => {
    expect(acsIsolationRule.run(buildAuditContext(makeInventory())).status).toBe("pass");
  });
  it("passes a multifunction device sharing a group with itself", () => {
    const inv = makeInventory({ vfs: 0 });
    inv.devices.push(makeDevice("0000:02:00.0", { iommuGroup: 7 }), makeDevice("0000:02:00.1", { iommuGroup: 7 }));
    inv.iommuGroups.push({ id: 7, devices: ["0000:02:00.0", "0000:02:00.1"] });
    expect(acsIsolationRule.run(buildAuditContext(inv)).status).toBe("pass");
  });
  it("warns and names PCH root ports without ACS (seed 004)", () => {
    const inv = makeInventory({ vfs: 0 });
    inv.devices.push(
      makeDevice("0000:00:1c.0", { classCode: "060400", driver: "pcieport", iommuGroup: 9 }),
      makeDevice("0000:00:1c.5", { classCode: "060400", driver: "pcieport", iommuGroup: 9 }),
      makeDevice("0000:03:00.0", { vendorId: "1b21", deviceId: "1042", classCode: "0c0330", driver: "xhci_hcd", iommuGroup: 9 }),
      makeDevice("0000:04:00.0", { vendorId: "10ec", deviceId: "8168", driver: "r8169", iommuGroup: 9 }),
    );
    inv.iommuGroups.push({ id: 9, devices: ["0000:00:1c.0", "0000:00:1c.5", "0000:03:00.0", "0000:04:00.0"] });
    const r = acsIsolationRule.run(buildAuditContext(inv));
    expect(r.status).toBe("warn");
    expect(r.evidence[1]).toMatch(
      /^group 9: bridge\/root port 0000:00:1c.0, 0000:00:1c.5 without ACS isolation .*; endpoints of 2 different slots/,
    );
    expect(r.remediation).toMatch(/ACS override patch/);
  });
});
