import { describe, expect, it } from "vitest";
import { parseKernelFlags } from "./kernel-flags.ts";

describe("parseKernelFlags", () => {
  it("reads the DGX-2 style command line", () => {
    const flags = parseKernelFlags("BOOT_IMAGE=/vmlinuz-5.4 root=/dev/sda1 ro intel_iommu=on iommu=pt quiet");
    expect(flags).toEqual({ iommuOn: "intel_iommu=on", passthrough: true, unsafeInterrupts: false });
  });

  it("recognises AMD-Vi and the unsafe interrupts switch", () => {
    const flags = parseKernelFlags("amd_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1");
    expect(flags).toEqual({ iommuOn: "amd_iommu=on", passthrough: false, unsafeInterrupts: true });
  });

  it("treats intel_iommu=off and a missing line as off", () => {
    expect(parseKernelFlags("intel_iommu=off iommu=soft").iommuOn).toBeNull();
    expect(parseKernelFlags(null)).toEqual({ iommuOn: null, passthrough: false, unsafeInterrupts: false });
  });

  it("accepts intel_iommu=on with extra options", () => {
    expect(parseKernelFlags("intel_iommu=on,sm_on").iommuOn).toBe("intel_iommu=on");
  });
});
