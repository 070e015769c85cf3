import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { CapacityHistoryView } from "@/components/capacity-history-view.tsx";
import { parseCapacityHistoryQuery } from "@/lib/capacity-history-query.ts";
import { loadCapacityHistory } from "@/lib/load-capacity-history.ts";
import { hostPageMetadata } from "@/lib/page-title.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const generateMetadata = ({ params }: { params: Promise<{ hostId: string }> }): Promise<Metadata> =>
  hostPageMetadata(params, "Capacity");

/** One host's VF and device capacity over time. */
export default async function HostCapacityPage({
  params,
  searchParams,
}: {
  params: Promise<{ hostId: string }>;
  searchParams: Promise<{ hours?: string }>;
}) {
  await requirePageAccess("viewer");
  await connection();
  const { hostId } = await params;
  const chosen = (await searchParams).hours;
  const parsed = parseCapacityHistoryQuery({ hours: chosen });
  // No range chosen: the window follows the data (a new install shows its first minutes).
  const hours = chosen === undefined || chosen === "" ? undefined : parsed.ok ? parsed.query.hours : 24;
  const history = await loadCapacityHistory({ hostId, hours, points: 48 });
  if (!history) notFound();
  return (
    <div className="space-y-4">
      <Link href={`/hosts/${hostId}`} className="text-xs text-sky-700 hover:underline">
        ← {history.hostName}
      </Link>
      <h1 className="text-lg font-semibold">Capacity over time: {history.hostName}</h1>
      {!parsed.ok && (
        <p className="text-xs text-rose-700">
          {parsed.field}: {parsed.message}; showing 24 hours.
        </p>
      )}
      <CapacityHistoryView history={history} basePath={`/hosts/${hostId}/capacity`} />
    </div>
  );
}
