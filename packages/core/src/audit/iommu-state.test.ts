import { describe, expect, it } from "vitest";
import { readIommuState } from "./iommu-state.ts";
import { makeInventory } from "./testing/make-inventory.ts";

const state = (host: NonNullable<NonNullable<Parameters<typeof makeInventory>[0]>["host"]>) => readIommuState(makeInventory({ host }));
const off = { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null };

describe("readIommuState", () => {
  it("is off only when /sys/kernel/iommu_groups was read and held no group", () => {
    expect(state({ iommu: off }).state).toBe("off");
    expect(state({ iommu: off, unread: ["/sys/kernel/iommu_groups"] }).state).toBe("unknown");
  });

  it("is on without the groups from registered units, or from intel_iommu=on with IR- chips", () => {
    const unread = ["/sys/kernel/iommu_groups"];
    expect(state({ iommu: { ...off, units: ["dmar0"] }, unread })).toEqual({
      state: "on",
      evidence: "/sys/kernel/iommu_groups: not read; the IOMMU is on: the kernel registered its units (/sys/class/iommu: dmar0)",
    });
    const cmdline = { kernelCmdline: "ro intel_iommu=on iommu=pt", unread };
    expect(state({ ...cmdline, iommu: { ...off, interruptRemapping: true } }).evidence).toBe(
      "/sys/kernel/iommu_groups: not read; the IOMMU is on: /proc/cmdline has intel_iommu=on and /proc/interrupts shows IR- (remapped) interrupt chips",
    );
    // Either alone is not enough: the command line asks, the chips could be remapped with DMA translation off.
    expect(state({ ...cmdline, iommu: { ...off, interruptRemapping: null } }).state).toBe("unknown");
    expect(state({ kernelCmdline: "ro", unread, iommu: { ...off, interruptRemapping: true } }).state).toBe("unknown");
  });
});
