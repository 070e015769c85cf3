import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { kernelIommuPtRule } from "./kernel-iommu-pt.ts";

describe("kernel.iommu-pt", () => {
  it("passes with iommu=pt", () => {
    expect(kernelIommuPtRule.run(buildAuditContext(makeInventory())).status).toBe("pass");
  });
  it("warns without it and says what to add", () => {
    const r = kernelIommuPtRule.run(buildAuditContext(makeInventory({ host: { kernelCmdline: "intel_iommu=on" } })));
    expect(r.status).toBe("warn");
    expect(r.remediation).toMatch(/^Add iommu=pt/);
  });
});
