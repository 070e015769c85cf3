import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { sumCounts, type CapacityCounts } from "@vfleet/core";
import { CapacityBar } from "@/components/capacity-bar.tsx";
import { EmptyFleet } from "@/components/empty-fleet.tsx";
import { KernelFlagChips } from "@/components/kernel-flag-chips.tsx";
import { Stat } from "@/components/stat.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { formatTime } from "@/lib/format.ts";
import { capacityCountsOf } from "@/lib/host-capacity.ts";

const COLUMNS: { key: keyof CapacityCounts; label: string; hint: string }[] = [
  { key: "possible", label: "Possible", hint: "sriov_totalvfs: the firmware limit" },
  { key: "created", label: "Created", hint: "sriov_numvfs: VFs that exist now" },
  { key: "bound", label: "vfio-pci", hint: "VFs bound to vfio-pci, ready for a guest" },
  { key: "assigned", label: "Assigned", hint: "VFs a guest definition holds" },
  { key: "free", label: "Free", hint: "created VFs no guest holds" },
];

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage() {
  await connection(); // always live data: never prerendered at build time
  const { db, queries } = getControlPlaneContext();
  const hosts = (await queries.listHosts(db)).map((h) => ({ ...h, capacity: capacityCountsOf(h.capacity) }));
  if (hosts.length === 0) {
    return (
      <div className="space-y-6">
        <h1 className="text-lg font-semibold">Fleet</h1>
        <EmptyFleet />
      </div>
    );
  }
  const online = hosts.filter((h) => h.online).length;
  const totals = sumCounts(hosts.flatMap((h) => (h.capacity ? [h.capacity] : [])));

  return (
    <div className="space-y-6">
      <h1 className="text-lg font-semibold">Fleet</h1>
      <section className="grid grid-cols-2 gap-3 md:grid-cols-6" data-testid="fleet-totals">
        <Stat label="Hosts online" value={<><span data-testid="hosts-online">{online}</span><span className="text-slate-400"> / {hosts.length}</span></>} />
        {COLUMNS.map((c) => (
          <Stat key={c.key} label={`VFs ${c.label.toLowerCase()}`} value={totals[c.key]} hint={c.hint} testId={`total-${c.key}`} />
        ))}
      </section>

      <section className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left">
          <thead className="border-b border-slate-200 bg-slate-50 text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2 font-medium">Host</th>
              <th className="px-3 py-2 font-medium">Status</th>
              <th className="px-3 py-2 font-medium">IOMMU and kernel</th>
              {COLUMNS.map((c) => <th key={c.key} title={c.hint} className="px-3 py-2 text-right font-medium">{c.label}</th>)}
              <th className="px-3 py-2 font-medium">Use</th>
              <th className="px-3 py-2 font-medium">Last seen</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {hosts.map((h) => (
              <tr key={h.id} data-testid={`host-row-${h.name}`} data-host-id={h.id} className="hover:bg-slate-50">
                <td className="px-3 py-2">
                  <Link href={`/hosts/${h.id}`} className="font-medium text-sky-700 hover:underline">{h.name}</Link>
                  <div className="font-mono text-xs text-slate-400">{h.hostname}{h.agentVersion ? ` · agent ${h.agentVersion}` : ""}</div>
                </td>
                <td className="px-3 py-2"><StatusBadge online={h.online} /></td>
                <td className="px-3 py-2">
                  {h.snapshotAt ? <KernelFlagChips iommuEnabled={h.iommuEnabled} cmdline={h.kernelCmdline} />
                    : <span className="text-xs text-slate-400">awaiting first snapshot</span>}
                </td>
                {COLUMNS.map((c) => (
                  <td key={c.key} data-testid={`cap-${c.key}`} className="px-3 py-2 text-right font-mono tabular-nums">
                    {h.capacity ? h.capacity[c.key] : "–"}
                  </td>
                ))}
                <td className="w-40 px-3 py-2">{h.capacity && <CapacityBar counts={h.capacity} />}</td>
                <td className="px-3 py-2 text-xs text-slate-500">{formatTime(h.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
