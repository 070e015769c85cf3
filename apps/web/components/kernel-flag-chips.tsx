import { parseKernelFlags } from "@/lib/kernel-flags.ts";

function Chip({ tone, children, title }: { tone: "ok" | "off" | "warn"; children: string; title: string }) {
  const cls =
    tone === "ok"
      ? "bg-emerald-50 text-emerald-700 ring-emerald-200"
      : tone === "warn"
        ? "bg-amber-50 text-amber-800 ring-amber-300"
        : "bg-slate-100 text-slate-600 ring-slate-200";
  return (
    <span title={title} className={`rounded px-1.5 py-0.5 font-mono text-[11px] ring-1 ${cls}`}>
      {children}
    </span>
  );
}

/** Which kernel answers the agent's writes: the host's own, the simulator's model, or (an agent before 1.12) could not tell. */
function KernelSourceChip({ simulated }: { simulated: boolean | null }) {
  const [word, title] =
    simulated === null
      ? ["kernel ?", "Could not tell whether this host's kernel is real or simulated: its agent is older than protocol 1.12"]
      : simulated
        ? ["simulated kernel", "The agent runs on vfleet's simulator: its sysfs writes are answered by a model of the kernel"]
        : ["real kernel", "The agent acts on this host's own Linux kernel (not the simulator)"];
  return (
    <span data-testid="host-kernel-source">
      <Chip tone={simulated === false ? "ok" : "off"} title={title}>
        {word}
      </Chip>
    </span>
  );
}

/** IOMMU state and the kernel switches passthrough depends on, at a glance. */
export function KernelFlagChips({
  iommuEnabled,
  cmdline,
  simulated,
}: {
  iommuEnabled: boolean | null;
  cmdline: string | null;
  simulated: boolean | null;
}) {
  const flags = parseKernelFlags(cmdline);
  return (
    <div className="flex flex-wrap items-center gap-1" data-testid="kernel-flags">
      <KernelSourceChip simulated={simulated} />
      <Chip tone={iommuEnabled ? "ok" : "warn"} title="IOMMU groups present in sysfs">
        {iommuEnabled === null ? "IOMMU ?" : iommuEnabled ? "IOMMU on" : "IOMMU off"}
      </Chip>
      <Chip tone={flags.iommuOn ? "ok" : "off"} title="intel_iommu=on / amd_iommu=on on the kernel command line">
        {flags.iommuOn ?? "no *_iommu=on"}
      </Chip>
      <Chip tone={flags.passthrough ? "ok" : "off"} title="iommu=pt: host devices skip translation">
        {flags.passthrough ? "iommu=pt" : "no iommu=pt"}
      </Chip>
      {flags.unsafeInterrupts && (
        <Chip tone="warn" title="vfio_iommu_type1.allow_unsafe_interrupts=1: VFIO without interrupt remapping (security trade-off)">
          unsafe interrupts
        </Chip>
      )}
    </div>
  );
}
