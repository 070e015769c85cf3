import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { interruptRemappingRule } from "./interrupt-remapping.ts";

const run = (interruptRemapping: boolean | null, allowUnsafeInterrupts: boolean | null) =>
  interruptRemappingRule.run(
    buildAuditContext(
      makeInventory({ host: { iommu: { enabled: true, groups: 5, units: ["dmar0"], interruptRemapping, allowUnsafeInterrupts } } }),
    ),
  );

describe("kernel.interrupt-remapping", () => {
  it("passes with remapping", () => expect(run(true, false).status).toBe("pass"));
  it("warns (security trade-off) when unsafe interrupts stand in for remapping", () => {
    const r = run(false, true);
    expect(r.status).toBe("warn");
    expect(r.evidence.join("\n")).toMatch(/security trade-off/);
  });
  it("fails without either and gives the modprobe.d line", () => {
    const r = run(false, false);
    expect(r.status).toBe("fail");
    expect(r.remediation).toContain("options vfio_iommu_type1 allow_unsafe_interrupts=1");
  });
});
