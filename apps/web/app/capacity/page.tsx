import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { CapacityHistoryView } from "@/components/capacity-history-view.tsx";
import { parseCapacityHistoryQuery } from "@/lib/capacity-history-query.ts";
import { loadCapacityHistory } from "@/lib/load-capacity-history.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata: Metadata = { title: "Fleet capacity over time" };

/** The fleet's VF and device capacity over time, summed over every host's last report at each point. */
export default async function FleetCapacityPage({ searchParams }: { searchParams: Promise<{ hours?: string }> }) {
  await requirePageAccess("viewer");
  await connection();
  const chosen = (await searchParams).hours;
  const parsed = parseCapacityHistoryQuery({ hours: chosen });
  // No range chosen: the window follows the data (a new install shows its first minutes).
  const hours = chosen === undefined || chosen === "" ? undefined : parsed.ok ? parsed.query.hours : 24;
  const history = (await loadCapacityHistory({ hours, points: 48 }))!;
  return (
    <div className="space-y-4">
      <Link href="/" className="text-xs text-sky-700 hover:underline">
        ← Fleet
      </Link>
      <h1 className="text-lg font-semibold">Fleet capacity over time</h1>
      {!parsed.ok && (
        <p className="text-xs text-rose-700">
          {parsed.field}: {parsed.message}; showing 24 hours.
        </p>
      )}
      <p className="text-xs text-slate-500">
        Every host&apos;s capacity as it last reported at each time, offline hosts included (the fleet page&apos;s totals leave them out).
        Open a host for its own chart.
      </p>
      <CapacityHistoryView history={history} basePath="/capacity" />
    </div>
  );
}
