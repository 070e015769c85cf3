import type { Inventory } from "@vfleet/protocol";
import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { vfioModulesRule } from "./vfio-modules.ts";

/** A host where no device is on vfio-pci yet (a device on it would prove vfio_pci loaded). */
const withoutVfioDevices = (inv: Inventory): Inventory => ({
  ...inv,
  devices: inv.devices.map((d) => (d.driver === "vfio-pci" ? { ...d, driver: null } : d)),
});

describe("modules.vfio", () => {
  it("passes when loaded", () => expect(vfioModulesRule.run(buildAuditContext(makeInventory())).status).toBe("pass"));
  it("passes when configured in /etc/modules-load.d though not loaded yet", () => {
    const inv = withoutVfioDevices(makeInventory({ host: { modules: [] } }));
    inv.host.persistence!.modulesLoaded = ["vfio", "vfio_iommu_type1", "vfio-pci"].map((module) => ({
      source: "/etc/modules-load.d/vfio.conf:1",
      module,
    }));
    const r = vfioModulesRule.run(buildAuditContext(inv));
    expect(r.status).toBe("pass");
    expect(r.evidence[2]).toBe("/sys/module/vfio_pci: not loaded; loads at boot (/etc/modules-load.d/vfio.conf:1)");
  });
  it("fails when neither, with the modules-load.d line", () => {
    const r = vfioModulesRule.run(buildAuditContext(withoutVfioDevices(makeInventory({ host: { modules: ["vfio"] } }))));
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe(
      "printf '%s\\n' vfio vfio_iommu_type1 vfio_pci > /etc/modules-load.d/vfio.conf && modprobe -a vfio_iommu_type1 vfio_pci",
    );
  });
  it("could not tell without /sys/module unless a device on vfio-pci proves the modules loaded", () => {
    const unread = makeInventory({ host: { modules: [], unread: ["/sys/module"] } });
    const proved = vfioModulesRule.run(buildAuditContext(unread));
    expect(proved.status).toBe("pass");
    expect(proved.evidence[0]).toMatch(/^\/sys\/module: not readable; \d+ device\(s\) are driven by vfio-pci/);
    const none = vfioModulesRule.run(buildAuditContext(withoutVfioDevices(unread)));
    expect([none.status, none.evidence]).toEqual(["unknown", ["could not tell: /sys/module was not read and no device is on vfio-pci"]]);
  });
  it("reports contradictory evidence as such: no vfio_pci in /sys/module, devices on vfio-pci", () => {
    const r = vfioModulesRule.run(buildAuditContext(makeInventory({ host: { modules: [] } })));
    expect(r.status).toBe("unknown");
    expect(r.evidence[0]).toMatch(/^contradictory evidence: \/sys\/module lists no vfio_pci, but \d+ device\(s\) are driven by vfio-pci/);
  });
});
