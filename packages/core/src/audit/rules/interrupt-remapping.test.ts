import type { Inventory } from "@vfleet/protocol";
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

describe("kernel.interrupt-remapping on a partial capture", () => {
  const runWith = (iommu: Partial<Inventory["host"]["iommu"]>, unread: string[], kernelCmdline?: string) =>
    interruptRemappingRule.run(
      buildAuditContext(
        makeInventory({
          host: {
            unread,
            ...(kernelCmdline === undefined ? {} : { kernelCmdline }),
            iommu: { enabled: true, groups: 5, units: ["dmar0", "dmar1"], interruptRemapping: null, allowUnsafeInterrupts: null, ...iommu },
          },
        }),
      ),
    );

  it("says could not tell with neither /proc/interrupts nor /sys/module, quoting only what was read", () => {
    const r = runWith(
      {
        ecap: [
          { unit: "dmar0", ecap: "f020df" },
          { unit: "dmar1", ecap: "f020df" },
        ],
      },
      ["/proc/interrupts", "/sys/module"],
    );
    expect(r.status).toBe("unknown");
    expect(r.evidence).toContain("/proc/interrupts: not read");
    expect(r.evidence).toContain(
      "/sys/devices/virtual/iommu/{dmar0,dmar1}/intel-iommu/ecap: f020df (bit 3 set: the hardware offers interrupt remapping)",
    );
    expect(r.evidence.join("\n")).not.toMatch(/module not loaded|not loaded/);
    for (const line of r.evidence.filter((l) => l.includes("/sys/module"))) expect(line).toMatch(/not read/);
  });

  it("lets a unit's ecap without bit 3 decide that remapping is off, and says so", () => {
    const r = runWith(
      {
        ecap: [
          { unit: "dmar0", ecap: "f020df" },
          { unit: "dmar1", ecap: "f020d7" },
        ],
        allowUnsafeInterrupts: false,
      },
      ["/proc/interrupts"],
    );
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain("interrupt remapping is not in use: dmar1 cannot remap interrupts (told by ecap)");
  });

  it("lets IR- chips decide that remapping is in use, and the command line's opt-out stand in for /sys/module", () => {
    const r = runWith({ interruptRemapping: true }, ["/sys/module"], "intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1");
    expect(r.status).toBe("warn");
    expect(r.evidence).toContain("/proc/interrupts: IR- (remapped) interrupt chips: interrupt remapping is in use");
    expect(r.evidence).toContain("/proc/cmdline: vfio_iommu_type1.allow_unsafe_interrupts=1");
  });

  it("never calls the IOMMU off when its groups were not read", () => {
    const r = runWith({ enabled: false, groups: 0, units: [], interruptRemapping: false }, ["/sys/kernel/iommu_groups"], "quiet");
    expect(r.status).toBe("unknown");
    expect(r.evidence.join("\n")).not.toMatch(/IOMMU is off/);
  });
});
