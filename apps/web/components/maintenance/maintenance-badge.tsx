import type { HostMaintenance } from "@vfleet/db";
import { formatTime } from "@/lib/format.ts";

/** A host in maintenance, as its own state beside online/offline: nothing new is placed on it. */
export function MaintenanceBadge({ maintenance }: { maintenance: HostMaintenance | null }) {
  if (!maintenance) return null;
  return (
    <span
      data-testid="host-maintenance"
      title={`in maintenance since ${formatTime(maintenance.since)} by ${maintenance.by}${maintenance.reason ? `: ${maintenance.reason}` : ""}; no new placements`}
      className="inline-flex items-center gap-1.5 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300"
    >
      <span className="h-1.5 w-1.5 rounded-full bg-amber-500" />
      maintenance
    </span>
  );
}
