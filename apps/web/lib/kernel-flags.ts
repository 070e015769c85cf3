/** Passthrough-relevant switches on a kernel command line, as the dashboard shows them. */
export interface KernelFlags {
  /** `intel_iommu=on` or `amd_iommu=on` (whichever is present), else null. */
  iommuOn: string | null;
  /** `iommu=pt`: host devices bypass translation, guests keep isolation. */
  passthrough: boolean;
  /** `vfio_iommu_type1.allow_unsafe_interrupts=1`: a security trade-off worth flagging. */
  unsafeInterrupts: boolean;
}

export function parseKernelFlags(cmdline: string | null | undefined): KernelFlags {
  const args = new Map<string, string>();
  for (const word of (cmdline ?? "").split(/\s+/)) {
    if (!word) continue;
    const eq = word.indexOf("=");
    args.set(eq < 0 ? word : word.slice(0, eq), eq < 0 ? "" : word.slice(eq + 1));
  }
  const on = (v: string | undefined) => v !== undefined && ["on", "1", "y", "yes"].includes(v.split(",")[0]!.toLowerCase());
  const iommuOn = on(args.get("intel_iommu")) ? "intel_iommu=on" : on(args.get("amd_iommu")) ? "amd_iommu=on" : null;
  return {
    iommuOn,
    passthrough: args.get("iommu") === "pt",
    unsafeInterrupts: ["1", "y", "Y"].includes(args.get("vfio_iommu_type1.allow_unsafe_interrupts") ?? ""),
  };
}
