import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { kernelIommuEnableRule } from "./kernel-iommu-enable.ts";

const off = { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null };
const run = (host: Parameters<typeof makeInventory>[0]) => kernelIommuEnableRule.run(buildAuditContext(makeInventory(host)));

describe("kernel.iommu-enable", () => {
  it("passes on Intel with intel_iommu=on", () => {
    expect(run({}).status).toBe("pass");
  });
  it("fails on Intel without it and without groups, naming the argument", () => {
    const r = run({ host: { kernelCmdline: "root=/dev/sda1 quiet", iommu: off } });
    expect(r.status).toBe("fail");
    expect(r.evidence[0]).toBe("/proc/cmdline: no iommu arguments");
    expect(r.remediation).toMatch(/^Add intel_iommu=on to GRUB_CMDLINE_LINUX/);
  });
  it("fails on intel_iommu=off; ignores arguments after -- (they go to init)", () => {
    expect(run({ host: { kernelCmdline: "intel_iommu=off" } }).status).toBe("fail");
    expect(run({ host: { kernelCmdline: "quiet -- intel_iommu=on", iommu: off } }).status).toBe("fail");
  });
  it("passes on AMD without an argument, fails on amd_iommu=off", () => {
    expect(run({ host: { cpuVendor: "amd", kernelCmdline: "quiet", iommu: off } }).status).toBe("pass");
    expect(run({ host: { cpuVendor: "amd", kernelCmdline: "amd_iommu=off" } }).status).toBe("fail");
  });
});
