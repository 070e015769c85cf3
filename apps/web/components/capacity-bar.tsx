import type { CapacityCounts } from "@vfleet/core";

/**
 * Stacked bar over `possible`: assigned, bound to vfio-pci and free, created but on a host
 * driver or unbound, and not yet created. Bound VFs are counted as assigned first.
 */
export function CapacityBar({ counts }: { counts: CapacityCounts }) {
  const { possible, created, bound, assigned } = counts;
  const total = Math.max(possible, created, 1);
  const readyFree = Math.max(0, bound - assigned);
  const otherCreated = Math.max(0, created - assigned - readyFree);
  const pct = (n: number) => `${(n / total) * 100}%`;
  return (
    <div
      className="flex h-2 w-full min-w-24 overflow-hidden rounded-sm bg-slate-100"
      role="img"
      aria-label={`${assigned} assigned, ${readyFree} on vfio-pci and free, ${otherCreated} created on a host driver, ${Math.max(0, possible - created)} not created, of ${possible} possible`}
    >
      <div className="bg-vf-assigned" style={{ width: pct(assigned) }} />
      <div className="bg-vf-vfio" style={{ width: pct(readyFree) }} />
      <div className="bg-vf-host-driver" style={{ width: pct(otherCreated) }} />
    </div>
  );
}
