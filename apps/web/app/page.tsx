import type { Metadata } from "next";
import Link from "next/link";
import { Pager } from "@/components/pager.tsx";
import { connection } from "next/server";
import { CapacityBar, CapacityBarLegend } from "@/components/capacity-bar.tsx";
import { VfModelTable } from "@/components/vf-model-table.tsx";
import { loadHostVfModels, loadVfModelBreakdown } from "@/lib/fleet-vf-models.ts";
import { EmptyFleet } from "@/components/empty-fleet.tsx";
import { KernelFlagChips } from "@/components/kernel-flag-chips.tsx";
import { Stat } from "@/components/stat.tsx";
import { GlossaryLink } from "@/components/vf-legend.tsx";
import { HealthBadge } from "@/components/health-badge.tsx";
import { SortableHeader } from "@/components/sortable-header.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { RelativeTime } from "@/components/relative-time.tsx";
import { MaintenanceBadge } from "@/components/maintenance/maintenance-badge.tsx";
import { DeviceHealthBadge } from "@/components/maintenance/device-health-badge.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { STATE_WORDS } from "@/lib/state-words.ts";
import { capacityCountsOf, fleetCountsOf, gpuModelsOf, type FleetCounts } from "@/lib/host-capacity.ts";
import { GpuModelCountsList } from "@/components/gpu-model-counts.tsx";
import { HostListQuery, parseHostListQuery } from "@/lib/host-list-query.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/**
 * What an operator asks of each host: how many VFs exist, how many guests hold, how many a guest
 * can take now (ready: vfio-pci, free) and how many need a bind first; and whole passthrough
 * devices (GPUs and other endpoints) beside the VFs.
 */
const COLUMNS: { key: keyof FleetCounts & HostListQuery["sort"]; label: string; total: string; hint: string }[] = [
  { key: "created", label: "VFs", total: "VFs created", hint: "sriov_numvfs: VFs that exist now" },
  { key: "assigned", label: "Assigned", total: "VFs assigned", hint: STATE_WORDS.assigned.meaning },
  { key: "ready", label: "Ready", total: "VFs ready", hint: STATE_WORDS.ready.meaning },
  { key: "needsBind", label: "Needs bind", total: "VFs: needs bind", hint: STATE_WORDS.needsBind.meaning },
  {
    key: "devices",
    label: "Devices",
    total: "Passthrough devices",
    hint: `${STATE_WORDS.wholeDevice.meaning}: ready / needs bind / assigned`,
  },
  { key: "gpus", label: "GPUs", total: "GPUs", hint: `${STATE_WORDS.gpu.meaning}; by model: ready / needs bind / assigned` },
];

/** "MT27800 Family [ConnectX-5 Virtual Function]" reads as its bracketed marketing name; the full name is the tooltip. */
const shortModelName = (name: string) => /\[([^\]]+)\]/.exec(name)?.[1] ?? name;

const deviceBreakdown = (c: FleetCounts) =>
  `${c.devicesReady ?? "–"} ready · ${c.devicesNeedsBind ?? "–"} needs bind · ${c.devicesAssigned ?? "–"} assigned`;

// The root layout's "%s · vfleet" template applies to pages below it, not to its own page: spelt out here.
export const metadata: Metadata = { title: { absolute: "Fleet · vfleet" } };

const PAGE_SIZE = 50;

export default async function FleetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAccess("viewer");
  await connection(); // always live data: never prerendered at build time
  const { db, queries } = getControlPlaneContext();
  const params = await searchParams;
  const page = Math.max(1, Math.floor(Number(params.page ?? 1)) || 1);
  const parsed = parseHostListQuery({ q: params.q, sort: params.sort, dir: params.dir });
  // A bad parameter (a hand-edited URL) shows the default list and says which one.
  const query = parsed.ok ? parsed.query : HostListQuery.parse({});
  const { hosts: rows, total } = await queries.listHostsPage(db, { ...query, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const totals = await queries.fleetTotals(db);
  const hostCount = totals.online.hosts + totals.offline.hosts;
  if (hostCount === 0) {
    return (
      <div className="space-y-6">
        <h1 className="text-lg font-semibold">Fleet</h1>
        <EmptyFleet />
      </div>
    );
  }
  const [vfModels, hostVfModels] = await Promise.all([
    loadVfModelBreakdown(db),
    loadHostVfModels(
      db,
      rows.map((h) => h.id),
    ),
  ]);
  const hosts = rows.map((h) => ({
    ...h,
    capacity: capacityCountsOf(h.capacity),
    counts: fleetCountsOf(h.capacity),
    gpuModels: gpuModelsOf(h.capacity),
    vfModels: hostVfModels.get(h.id) ?? [],
  }));
  const link = (change: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams();
    const merged = { q: query.q, sort: query.sort, dir: query.dir, page: String(page), ...change };
    for (const [k, v] of Object.entries(merged))
      if (v !== undefined && v !== "" && !(k === "page" && String(v) === "1")) next.set(k, String(v));
    const qs = next.toString();
    return qs ? `/?${qs}` : "/";
  };
  const sortHeader = (key: HostListQuery["sort"], label: string, hint: string, right = false, first: "asc" | "desc" = "asc") => {
    const active = query.sort === key;
    const dir = active ? (query.dir === "asc" ? "desc" : "asc") : first;
    return (
      <SortableHeader
        key={key}
        label={label}
        title={hint}
        href={link({ sort: key, dir, page: 1 })}
        testId={`sort-${key}`}
        active={active}
        dir={query.dir}
        className={`px-3 py-2 font-medium ${right ? "text-right" : ""}`}
      />
    );
  };
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <div className="space-y-6">
      <div className="flex items-center gap-3">
        <h1 className="text-lg font-semibold">Fleet</h1>
        <span className="text-xs">
          <GlossaryLink />
        </span>
        <Link
          href="/capacity"
          data-testid="fleet-capacity-link"
          className="ml-auto rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50"
        >
          Capacity over time
        </Link>
      </div>
      <section className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7" data-testid="fleet-totals">
        <Stat
          label="Hosts online"
          value={
            <>
              <span data-testid="hosts-online">{totals.online.hosts}</span>
              <span className="text-slate-500"> / {hostCount}</span>
            </>
          }
        />
        {COLUMNS.map((c) =>
          c.key === "gpus" ? (
            <Stat
              key={c.key}
              label={c.total}
              value={totals.online.gpus}
              detail={<GpuModelCountsList models={totals.gpuModels} testId="total-gpu-models" />}
              hint={Object.keys(totals.gpuModels).length === 0 ? "none on online hosts" : "online hosts only"}
              testId={`total-${c.key}`}
            />
          ) : (
            <Stat
              key={c.key}
              label={c.total}
              value={totals.online[c.key]}
              hint={c.key === "devices" ? `${deviceBreakdown(totals.online)}; online hosts only` : `${c.hint}; online hosts only`}
              testId={`total-${c.key}`}
            />
          ),
        )}
      </section>
      {totals.offline.hosts > 0 && (
        <p className="text-xs text-amber-900" data-testid="fleet-offline-totals">
          Not counted above: {totals.offline.hosts} offline host{totals.offline.hosts === 1 ? "" : "s"} with {totals.offline.created} VFs (
          {totals.offline.ready} ready, {totals.offline.needsBind} needs bind) and {totals.offline.devices} passthrough devices (
          {totals.offline.gpus} GPUs) at their last report; nothing on them can be used until they return.
        </p>
      )}

      {totals.maintenance > 0 && (
        <p className="text-xs text-amber-900" data-testid="fleet-maintenance-count">
          In maintenance: {totals.maintenance} host{totals.maintenance === 1 ? "" : "s"} (counted above; nothing new is placed on{" "}
          {totals.maintenance === 1 ? "it" : "them"}).
        </p>
      )}

      <VfModelTable models={vfModels} />

      <form method="get" action="/" className="flex flex-wrap items-center gap-2 text-xs" role="search">
        <label className="flex items-center gap-1">
          Find a host
          <input
            name="q"
            defaultValue={query.q}
            data-testid="host-search"
            placeholder="name or hostname"
            className="w-56 rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <button className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50">Search</button>
        {!parsed.ok && (
          <span className="text-rose-700">
            {parsed.field}: {parsed.message}
          </span>
        )}
        <span className="text-slate-500" data-testid="host-count">
          {total} host{total === 1 ? "" : "s"}
          {query.q ? ` matching “${query.q}”` : ""}
        </span>
      </form>

      <CapacityBarLegend withDevices />
      <section className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left">
          <thead className="border-b border-slate-200 bg-slate-50 text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              {sortHeader("name", "Host", "operator-facing name")}
              {sortHeader("status", "Status", "online first when descending")}
              {sortHeader("health", "Health", "the host audit's verdict; worst first: fail, warn, could not tell, pass", false, "desc")}
              <th className="px-3 py-2 font-medium">IOMMU and kernel</th>
              {COLUMNS.map((c) => sortHeader(c.key, c.label, c.hint, true))}
              <th className="px-3 py-2 font-medium">Use</th>
              {sortHeader("lastSeen", "Last seen", "when the agent last spoke")}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {hosts.map((h) => (
              <tr key={h.id} data-testid={`host-row-${h.name}`} data-host-id={h.id} className="hover:bg-slate-50">
                <td className="px-3 py-2">
                  <Link href={`/hosts/${h.id}`} className="font-medium text-sky-700 hover:underline">
                    {h.name}
                  </Link>
                  <div className="font-mono text-xs text-slate-500">
                    {h.hostname}
                    {h.agentVersion ? ` · agent ${h.agentVersion}` : ""}
                  </div>
                </td>
                <td className="px-3 py-2">
                  <div className="flex flex-wrap gap-1">
                    <StatusBadge online={h.online} />
                    <MaintenanceBadge maintenance={h.maintenance} />
                    <DeviceHealthBadge health={h.deviceHealth} />
                  </div>
                </td>
                <td className="px-3 py-2">
                  <HealthBadge hostId={h.id} health={h.health} />
                </td>
                <td className="px-3 py-2">
                  {h.snapshotAt ? (
                    <KernelFlagChips iommuEnabled={h.iommuEnabled} cmdline={h.kernelCmdline} simulated={h.simulated} />
                  ) : (
                    <span className="text-xs text-slate-500">awaiting first snapshot</span>
                  )}
                </td>
                {COLUMNS.map((c) => (
                  <td
                    key={c.key}
                    data-testid={`cap-${c.key}`}
                    className={`px-3 py-2 text-right font-mono tabular-nums ${h.online ? "" : "text-slate-500"}`}
                  >
                    {h.counts?.[c.key] ?? "–"}
                    {c.key === "devices" && h.counts && (
                      <div className="whitespace-nowrap font-sans text-[11px] text-slate-500" data-testid="cap-devices-split">
                        {deviceBreakdown(h.counts)}
                      </div>
                    )}
                    {c.key === "gpus" && <GpuModelCountsList models={h.gpuModels} testId="cap-gpu-models" />}
                    {c.key === "created" && h.vfModels.length > 0 && (
                      <ul className="ml-auto max-w-36 font-sans text-[11px] text-slate-600" data-testid="cap-vf-models">
                        {h.vfModels.map((m) => (
                          <li key={m.name} title={m.name}>
                            {m.created} × {shortModelName(m.name)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                ))}
                <td className="w-40 px-3 py-2">
                  {h.capacity && (
                    <CapacityBar
                      counts={h.capacity}
                      devices={
                        h.counts
                          ? {
                              ready: h.counts.devicesReady ?? 0,
                              needsBind: h.counts.devicesNeedsBind ?? 0,
                              assigned: h.counts.devicesAssigned ?? 0,
                            }
                          : null
                      }
                    />
                  )}
                </td>
                <td className="px-3 py-2 text-xs text-slate-500">
                  {h.lastSeenAt ? (
                    <>
                      {h.online ? null : "offline since "}
                      <RelativeTime value={h.lastSeenAt.toISOString()} testId="host-last-seen" />
                    </>
                  ) : (
                    "never"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Pager
        page={page}
        pages={pages}
        href={(p) => link({ page: p })}
        label="host list pages"
        testId="host-pager"
        words={["previous", "next"]}
      />
    </div>
  );
}
