import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { computeCapacity } from "@vfleet/core";
import { GuestsTable } from "@/components/guests-table.tsx";
import { JobActionForm, type ActionTargets } from "@/components/jobs/job-action-form.tsx";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { HostFactsList } from "@/components/host-facts.tsx";
import { IommuGroups } from "@/components/iommu-groups.tsx";
import { KernelFlagChips } from "@/components/kernel-flag-chips.tsx";
import { NumaCapacity } from "@/components/numa-capacity.tsx";
import { PfCard } from "@/components/pf-card.tsx";
import { Section } from "@/components/section.tsx";
import { Stat } from "@/components/stat.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { VfLegend } from "@/components/vf-legend.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { currentIdentity } from "@/lib/auth/current-identity.ts";
import { can } from "@/lib/auth/identity.ts";
import { formatTime } from "@/lib/format.ts";

export default async function HostPage({ params }: { params: Promise<{ hostId: string }> }) {
  await connection();
  const { hostId } = await params;
  const { db, queries } = getControlPlaneContext();
  const identity = await currentIdentity();
  const found = await queries.getHost(db, hostId);
  if (!found) notFound();
  const { summary, inventory } = found;
  const capacity = inventory ? computeCapacity(inventory) : null;
  const recentJobs = await queries.listJobs(db, { hostId, limit: 10 });
  const targets: ActionTargets | null = inventory ? {
    hostId,
    pfs: inventory.devices.filter((d) => d.sriov).map((d) => ({ address: d.address, ifname: d.netInterfaces[0] ?? null, totalVfs: d.sriov!.totalVfs, numVfs: d.sriov!.numVfs, vfs: d.sriov!.vfs })),
    devices: inventory.devices.filter((d) => !d.classCode.startsWith("0604") && !d.classCode.startsWith("0600")).map((d) => ({ address: d.address, label: `${d.address} ${d.physfn ? `VF ${d.vfIndex} of ${d.physfn}` : d.classCode} (${d.driver ?? "no driver"})` })),
    guests: inventory.guests.map((g) => g.name),
  } : null;

  return (
    <div className="space-y-5">
      <div>
        <Link href="/" className="text-xs text-sky-700 hover:underline">← Fleet</Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-lg font-semibold" data-testid="host-name">{summary.name}</h1>
          <StatusBadge online={summary.online} />
          <span className="font-mono text-xs text-slate-500">{summary.hostname}</span>
          {inventory && <KernelFlagChips iommuEnabled={inventory.host.iommu.enabled} cmdline={inventory.host.kernelCmdline} />}
          <Link href={`/hosts/${summary.id}/audit`} data-testid="host-audit-link" className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50">Audit</Link>
          <Link href={`/hosts/${summary.id}/jobs`} data-testid="host-jobs-link" className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50">Jobs</Link>
          <Link href={`/audit-log?hostId=${summary.id}`} data-testid="host-audit-log-link" className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50">Audit log</Link>
          <span className="ml-auto text-xs text-slate-500">
            last seen {formatTime(summary.lastSeenAt)} · scanned {formatTime(summary.snapshotAt)}
            {summary.agentVersion ? ` · agent ${summary.agentVersion}` : ""}
          </span>
        </div>
      </div>

      {!inventory || !capacity ? (
        <div data-testid="awaiting-snapshot" className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500">
          Enrolled; waiting for the agent&apos;s first inventory snapshot.
        </div>
      ) : (
        <>
          <section className="grid grid-cols-2 gap-3 md:grid-cols-5" data-testid="host-totals">
            <Stat label="VFs possible" value={capacity.totals.possible} testId="total-possible" />
            <Stat label="VFs created" value={capacity.totals.created} testId="total-created" />
            <Stat label="Bound to vfio-pci" value={capacity.totals.bound} testId="total-bound" />
            <Stat label="Assigned" value={capacity.totals.assigned} testId="total-assigned" />
            <Stat label="Free" value={capacity.totals.free} testId="total-free" />
          </section>

          {/* The server refuses a viewer's jobs (403) anyway; a viewer is not offered the form. */}
          {can(identity, "operator") && (
            <Section title="Change this host" testId="host-actions">
              <JobActionForm targets={targets!} />
            </Section>
          )}

          <Section title="Recent jobs" testId="host-jobs" aside={<Link href={`/hosts/${summary.id}/jobs`} className="text-xs text-sky-700 hover:underline">all jobs</Link>}>
            <JobsTable jobs={recentJobs} />
          </Section>

          <Section title={`SR-IOV physical functions (${capacity.pfs.length})`} aside={<VfLegend />} testId="pfs">
            {capacity.pfs.length === 0 ? <p className="text-xs text-slate-500">No SR-IOV capable devices.</p> : (
              <div className="grid gap-3 xl:grid-cols-2">
                {capacity.pfs.map((pf) => <PfCard key={pf.address} pf={pf} />)}
              </div>
            )}
          </Section>

          <div className="grid gap-5 lg:grid-cols-2">
            <Section title="Host" testId="host-facts-section"><HostFactsList host={inventory.host} /></Section>
            <div className="space-y-5">
              <Section title="Capacity by NUMA node"><NumaCapacity capacity={capacity} /></Section>
              <Section title={`Guests (${inventory.guests.length})`} testId="guests"><GuestsTable guests={inventory.guests} /></Section>
            </div>
          </div>

          <Section title={`IOMMU groups (${inventory.iommuGroups.length})`} testId="iommu-groups"><IommuGroups inventory={inventory} /></Section>
        </>
      )}
    </div>
  );
}
