import { describe, expect, it } from "vitest";
import { auditHost } from "./audit-host.ts";
import { AUDIT_LAYERS } from "./types.ts";
import { guestWithVfs, makeInventory } from "./testing/make-inventory.ts";

describe("auditHost", () => {
  it("reports every check in layer order with a summary that adds up", () => {
    const inv = makeInventory({ vfs: 8 });
    const r = auditHost(inv, { guest: guestWithVfs(inv, 8, { hugepages: true }) });
    expect(r.host).toBe("hv1");
    expect(r.guest).toBe("vm1");
    const layers = r.checks.map((c) => AUDIT_LAYERS.indexOf(c.layer));
    expect(layers).toEqual([...layers].sort((a, b) => a - b));
    expect(new Set(r.checks.map((c) => c.id)).size).toBe(r.checks.length);
    expect(r.summary.pass + r.summary.warn + r.summary.fail + r.summary["not-applicable"]).toBe(r.checks.length);
  });

  it("a healthy host and guest has no failure; an IOMMU-less one fails at the firmware layer first", () => {
    const inv = makeInventory({ vfs: 8 });
    inv.host.persistence!.vfCounts = [
      { source: "/etc/sysfs.d/vfs.conf:1", interface: "enp134s0f0", address: null, driver: null, numVfs: 8 },
    ];
    inv.host.hugepages = { total: 8192, free: 8192, sizeKiB: 2048 };
    const ok = auditHost(inv, { guest: guestWithVfs(inv, 8, { hugepages: true, cpuset: "16-23" }) });
    expect(ok.checks.filter((c) => c.status === "fail")).toEqual([]);
    const bad = auditHost(
      makeInventory({
        host: {
          kernelCmdline: "quiet",
          iommu: { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null },
        },
      }),
    );
    expect(bad.checks.find((c) => c.status === "fail")?.id).toBe("iommu.groups");
  });

  it("stays fast on a DGX-sized inventory (1000 VFs)", () => {
    const inv = makeInventory({ vfs: 200 });
    const guest = guestWithVfs(inv, 200, { vcpus: 16 });
    const t = performance.now();
    for (let i = 0; i < 20; i++) auditHost(inv, { guest });
    expect((performance.now() - t) / 20).toBeLessThan(50);
  });
});
