import type { HostMaintenance } from "@vfleet/db";
import { formatTime } from "@/lib/format.ts";

/** The host page says first, in words, that the host is in maintenance and what that means. */
export function MaintenanceBanner({ hostName, maintenance }: { hostName: string; maintenance: HostMaintenance }) {
  return (
    <div
      role="status"
      data-testid="maintenance-banner"
      className="rounded-md border border-amber-300 bg-amber-50 p-3 text-[13px] text-amber-950"
    >
      <p className="font-medium">
        {hostName} is in maintenance since {formatTime(maintenance.since)} (by {maintenance.by})
        {maintenance.reason ? `: ${maintenance.reason}` : ""}.
      </p>
      <p className="mt-0.5 text-xs">
        Nothing new is placed on it; its jobs still run. End maintenance below to give it back to the scheduler.
      </p>
    </div>
  );
}
