import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { vfioModulesRule } from "./vfio-modules.ts";

describe("modules.vfio", () => {
  it("passes when loaded", () => expect(vfioModulesRule.run(buildAuditContext(makeInventory())).status).toBe("pass"));
  it("passes when configured in /etc/modules-load.d though not loaded yet", () => {
    const inv = makeInventory({ host: { modules: [] } });
    inv.host.persistence!.modulesLoaded = ["vfio", "vfio_iommu_type1", "vfio-pci"].map((module) => ({ source: "/etc/modules-load.d/vfio.conf:1", module }));
    const r = vfioModulesRule.run(buildAuditContext(inv));
    expect(r.status).toBe("pass");
    expect(r.evidence[2]).toBe("/sys/module/vfio_pci: not loaded; loads at boot (/etc/modules-load.d/vfio.conf:1)");
  });
  it("fails when neither, with the modules-load.d line", () => {
    const r = vfioModulesRule.run(buildAuditContext(makeInventory({ host: { modules: ["vfio"] } })));
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe("printf '%s\\n' vfio vfio_iommu_type1 vfio_pci > /etc/modules-load.d/vfio.conf && modprobe -a vfio_iommu_type1 vfio_pci");
  });
});
