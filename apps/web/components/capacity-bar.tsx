import type { CapacityCounts } from "@vfleet/core";

/** Whole passthrough devices (GPUs and other endpoints) in the same states as VFs. */
type DeviceUse = { ready: number; needsBind: number; assigned: number };

/**
 * What a "Use" bar counts, as one split: VFs and whole devices together, each function once.
 * Ready = on vfio-pci and free; needs bind = created (or present) on a host driver or unbound;
 * not created = VFs the PFs could still make.
 */
function useOf(counts: CapacityCounts, devices: DeviceUse | null) {
  const { possible, created, bound, assigned } = counts;
  const ready = Math.max(0, bound - assigned);
  const needsBind = Math.max(0, created - assigned - ready);
  const notCreated = Math.max(0, possible - created);
  return {
    assigned: assigned + (devices?.assigned ?? 0),
    ready: ready + (devices?.ready ?? 0),
    needsBind: needsBind + (devices?.needsBind ?? 0),
    notCreated,
  };
}

const SEGMENTS = [
  { key: "assigned", label: "assigned", className: "bg-vf-assigned" },
  { key: "ready", label: "ready", className: "bg-vf-vfio" },
  { key: "needsBind", label: "needs bind", className: "bg-vf-host-driver" },
  { key: "notCreated", label: "not created", className: "bg-slate-100 ring-1 ring-inset ring-slate-300" },
] as const;

/**
 * Stacked bar of a host's (or NUMA node's) passthrough functions: VFs and, when given, whole
 * devices, by state (assigned, ready, needs bind) and VFs not yet created. Its label says the
 * same in numbers; CapacityBarLegend says what each colour is.
 */
export function CapacityBar({ counts, devices = null }: { counts: CapacityCounts; devices?: DeviceUse | null }) {
  const use = useOf(counts, devices);
  const total = Math.max(1, use.assigned + use.ready + use.needsBind + use.notCreated);
  const pct = (n: number) => `${(n / total) * 100}%`;
  const wholes = devices ? devices.assigned + devices.ready + devices.needsBind : 0;
  return (
    <div
      className="flex h-2 w-full min-w-24 overflow-hidden rounded-sm bg-slate-100"
      role="img"
      data-testid="capacity-bar"
      data-assigned={use.assigned}
      data-ready={use.ready}
      data-needs-bind={use.needsBind}
      data-not-created={use.notCreated}
      aria-label={`${use.assigned} assigned, ${use.ready} ready, ${use.needsBind} needs bind, ${use.notCreated} VFs not created${devices ? ` (VFs and ${wholes} whole devices)` : ""}`}
    >
      {SEGMENTS.slice(0, 3).map((s) => (
        <div key={s.key} className={s.className} style={{ width: pct(use[s.key]) }} />
      ))}
    </div>
  );
}

/** What the colours of a "Use" bar mean, once above the bars. */
export function CapacityBarLegend({ withDevices }: { withDevices: boolean }) {
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600" data-testid="use-legend">
      <span>Use{withDevices ? " (VFs and whole devices)" : ""}:</span>
      {SEGMENTS.map((s) => (
        <span key={s.key} className="flex items-center gap-1">
          <span className={`inline-block h-2.5 w-2.5 rounded-sm ${s.className}`} aria-hidden="true" />
          {s.label}
        </span>
      ))}
    </p>
  );
}
