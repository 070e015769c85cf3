import { ActionButton } from "@/components/admin/action-button.tsx";
import type { Metadata } from "next";
import { hostPageMetadata } from "@/lib/page-title.ts";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { computeCapacity, whyNotAssignable } from "@vfleet/core";
import { DeviceTable, type DeviceRow } from "@/components/device-table.tsx";
import { GuestsTable } from "@/components/guests-table.tsx";
import { GpuTable } from "@/components/gpu-table.tsx";
import { JobActionForm } from "@/components/jobs/job-action-form.tsx";
import { JobPrefillProvider } from "@/components/jobs/job-prefill.tsx";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { HostFactsList } from "@/components/host-facts.tsx";
import { IommuGroups } from "@/components/iommu-groups.tsx";
import { KernelFlagChips } from "@/components/kernel-flag-chips.tsx";
import { NumaCapacity } from "@/components/numa-capacity.tsx";
import { OfflineBanner } from "@/components/offline-banner.tsx";
import { CredentialConflictBanner } from "@/components/credential-conflict-banner.tsx";
import { ScanAge } from "@/components/scan-age.tsx";
import { RelativeTime } from "@/components/relative-time.tsx";
import { Section } from "@/components/section.tsx";
import { Stat } from "@/components/stat.tsx";
import { STATE_WORDS } from "@/lib/state-words.ts";
import { StatusBadge } from "@/components/status-badge.tsx";
import { MaintenanceBadge } from "@/components/maintenance/maintenance-badge.tsx";
import { MaintenanceBanner } from "@/components/maintenance/maintenance-banner.tsx";
import { MaintenanceForm } from "@/components/maintenance/maintenance-form.tsx";
import { QuarantineForm } from "@/components/maintenance/quarantine-form.tsx";
import { VfBrowser } from "@/components/vf-browser.tsx";
import { VfLegend } from "@/components/vf-legend.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { describeDevice } from "@/lib/device-label.ts";
import { buildActionTargets } from "@/lib/host-page/action-targets.ts";
import { describeAdoption } from "@/lib/host-page/describe-adoption.ts";
import { buildVfDetails, linkOf, type VfAssignment } from "@/lib/host-page/vf-details.ts";
import { readySplit } from "@/lib/ready-split.ts";
import { currentIdentity } from "@/lib/auth/current-identity.ts";
import { can } from "@/lib/auth/identity.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/** `NUMA 0: 8 · NUMA 1: 8`, or that the platform does not say (single-node desktops report -1). */
function gpuNumaSummary(gpus: readonly { numaNode: number | null }[]): string {
  const byNode = new Map<string, number>();
  for (const g of gpus) {
    const key = g.numaNode === null ? "not reported" : String(g.numaNode);
    byNode.set(key, (byNode.get(key) ?? 0) + 1);
  }
  return [...byNode].map(([node, n]) => (node === "not reported" ? `NUMA not reported: ${n}` : `NUMA ${node}: ${n}`)).join(" · ");
}

export const generateMetadata = ({ params }: { params: Promise<{ hostId: string }> }): Promise<Metadata> => hostPageMetadata(params);

export default async function HostPage({ params }: { params: Promise<{ hostId: string }> }) {
  await requirePageAccess("viewer");
  await connection();
  const { hostId } = await params;
  const { db, queries } = getControlPlaneContext();
  const identity = await currentIdentity();
  const found = await queries.getHost(db, hostId);
  if (!found) notFound();
  const { summary, inventory } = found;
  const capacity = inventory ? computeCapacity(inventory) : null;
  const split = capacity ? readySplit(capacity) : null;
  const hasGpus = (capacity?.gpus.length ?? 0) > 0;
  const recentJobs = await queries.listJobs(db, { hostId, limit: 10 });
  const canChange = can(identity, "operator");
  const targets =
    inventory && canChange
      ? buildActionTargets(
          hostId,
          inventory,
          summary.online ? null : { hostName: summary.name, since: summary.lastSeenAt?.toISOString() ?? null },
          summary.adoption,
        )
      : null;
  const { assignments } = await queries.listAssignments(db, { hostId });
  const quarantined = await queries.listDeviceQuarantines(db, hostId);
  const health = new Map((await queries.listDeviceHealth(db, hostId, inventory?.devices ?? [])).map((h) => [h.address, h.health]));
  const vfDetails =
    inventory && capacity
      ? buildVfDetails(
          inventory,
          capacity,
          new Map(
            assignments.map(
              (a) =>
                [
                  a.address,
                  { state: a.state, guest: a.guest, planId: a.planId, pool: a.pool, drift: a.drift } satisfies VfAssignment,
                ] as const,
            ),
          ),
        )
      : null;
  const guestOf = new Map(inventory?.guests.flatMap((g) => g.hostdevs.map((h) => [h.address, g.name] as const)) ?? []);
  const deviceRows: DeviceRow[] = inventory
    ? inventory.devices.map((d) => {
        const n = describeDevice(d, inventory);
        return {
          address: d.address,
          vendor: n.vendor ?? `Vendor ${d.vendorId}`,
          product: n.device ?? `Device ${d.deviceId}`,
          subsystem: n.subsystem,
          ids: n.ids,
          className: n.className,
          driver: d.driver,
          iommuGroup: d.iommuGroup,
          numaNode: d.numaNode,
          guest: guestOf.get(d.address) ?? null,
          vfOf: d.physfn ? `VF ${d.vfIndex} of ${d.physfn}` : null,
          health: health.get(d.address) ?? "unknown",
          aer: d.aer ?? null,
          notAssignable: whyNotAssignable(d),
        };
      })
    : [];

  return (
    <JobPrefillProvider>
      <div className="min-w-0 space-y-5">
        <div>
          <Link href="/" className="text-xs text-sky-700 hover:underline">
            ← Fleet
          </Link>
          <div className="mt-1 flex flex-wrap items-center gap-3">
            <h1 className="text-lg font-semibold" data-testid="host-name">
              {summary.name}
            </h1>
            <StatusBadge online={summary.online} />
            <MaintenanceBadge maintenance={summary.maintenance} />
            <span className="font-mono text-xs text-slate-500">{summary.hostname}</span>
            {inventory && (
              <KernelFlagChips
                iommuEnabled={inventory.host.iommu.enabled}
                cmdline={inventory.host.kernelCmdline}
                simulated={inventory.host.simulated ?? null}
              />
            )}
            <Link
              href={`/hosts/${summary.id}/audit`}
              data-testid="host-audit-link"
              className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50"
            >
              Audit
            </Link>
            <Link
              href={`/hosts/${summary.id}/jobs`}
              data-testid="host-jobs-link"
              className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50"
            >
              Jobs
            </Link>
            <Link
              href={`/hosts/${summary.id}/capacity`}
              data-testid="host-capacity-link"
              className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50"
            >
              Capacity over time
            </Link>
            <Link
              href={`/audit-log?hostId=${summary.id}`}
              data-testid="host-audit-log-link"
              className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50"
            >
              Audit log
            </Link>
            {can(identity, "admin") && (
              <ActionButton
                path={`/api/v1/hosts/${summary.id}`}
                method="DELETE"
                label="Remove host"
                testId="remove-host"
                then="/"
                confirmText={`Remove ${summary.name}? Its agent is disconnected and must enroll again; jobs running on it end as unknown. Its jobs, audit events and assignment history stay.`}
              />
            )}
            <span className="ml-auto text-xs text-slate-500">
              last seen {summary.lastSeenAt ? <RelativeTime value={summary.lastSeenAt.toISOString()} /> : "never"} ·{" "}
              <ScanAge online={summary.online} lastSeenAt={summary.lastSeenAt} snapshotAt={summary.snapshotAt} />
              {summary.agentVersion ? ` · agent ${summary.agentVersion}` : ""}
              {summary.agentVersion ? (
                <span
                  data-testid="host-adoption"
                  title={summary.adoption && summary.adoption.adopt !== "all-sriov" ? summary.adoption.adopt.join(" ") : undefined}
                >
                  {" "}
                  · {describeAdoption(summary.adoption)}
                </span>
              ) : null}
            </span>
          </div>
        </div>

        {summary.credentialConflict && <CredentialConflictBanner hostName={summary.name} conflict={summary.credentialConflict} />}
        {summary.maintenance && <MaintenanceBanner hostName={summary.name} maintenance={summary.maintenance} />}
        {!summary.online && <OfflineBanner hostName={summary.name} lastSeenAt={summary.lastSeenAt} snapshotAt={summary.snapshotAt} />}

        {!inventory || !capacity ? (
          <div
            data-testid="awaiting-snapshot"
            className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500"
          >
            Enrolled; waiting for the agent&apos;s first inventory snapshot.
          </div>
        ) : (
          <>
            {/* A GPU host without SR-IOV shows its GPUs, not six zeros for VFs it cannot have. */}
            {(capacity.pfs.length > 0 || !hasGpus) && (
              <section className="grid grid-cols-2 gap-3 md:grid-cols-6" data-testid="host-totals">
                <Stat label="VFs possible" value={capacity.totals.possible} testId="total-possible" />
                <Stat label="VFs created" value={capacity.totals.created} testId="total-created" />
                <Stat label="Bound to vfio-pci" value={capacity.totals.bound} testId="total-bound" />
                <Stat label="Assigned" value={capacity.totals.assigned} testId="total-assigned" />
                <Stat label="Ready" value={split!.totals.ready} hint={STATE_WORDS.ready.meaning} testId="total-ready" />
                <Stat label="Needs bind" value={split!.totals.needsBind} hint={STATE_WORDS.needsBind.meaning} testId="total-needs-bind" />
              </section>
            )}
            {hasGpus && (
              <section className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="host-gpu-totals">
                <Stat label="GPUs" value={capacity.totals.gpus} hint={STATE_WORDS.gpu.meaning} testId="total-gpus" />
                <Stat label="GPUs ready" value={capacity.totals.gpusReady} hint={STATE_WORDS.ready.meaning} testId="total-gpus-ready" />
                <Stat
                  label="GPUs: needs bind"
                  value={capacity.totals.gpusNeedsBind}
                  hint={STATE_WORDS.needsBind.meaning}
                  testId="total-gpus-needs-bind"
                />
                <Stat
                  label="GPUs assigned"
                  value={capacity.totals.gpusAssigned}
                  hint={STATE_WORDS.assigned.meaning}
                  testId="total-gpus-assigned"
                />
              </section>
            )}

            {/* The server refuses a viewer's jobs (403) anyway; a viewer is not offered the form. */}
            {targets && (
              <Section title="Change this host" testId="host-actions">
                <JobActionForm targets={targets} />
              </Section>
            )}

            {canChange && (
              <Section title="Maintenance" testId="host-maintenance-section">
                <MaintenanceForm
                  hostId={summary.id}
                  hostName={summary.name}
                  inMaintenance={summary.maintenance !== null}
                  assignedGuests={[
                    ...new Set(assignments.filter((a) => a.state === "assigned" && !a.releasePlanId).map((a) => a.guest)),
                  ].sort()}
                />
              </Section>
            )}

            {(canChange || quarantined.length > 0) && (
              <Section title={`Quarantined devices (${quarantined.length})`} testId="host-quarantine-section">
                {canChange ? (
                  <QuarantineForm
                    hostId={summary.id}
                    quarantined={quarantined.map((q) => ({ ...q, at: q.at.toISOString() }))}
                    addresses={inventory.devices.map((d) => d.address)}
                  />
                ) : (
                  <ul className="text-xs" data-testid="quarantine-list">
                    {quarantined.map((q) => (
                      <li key={q.address} data-testid="quarantined-device" data-address={q.address}>
                        <span className="font-mono">{q.address}</span> quarantined by {q.by}
                        {q.reason ? `: ${q.reason}` : ""}
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
            )}

            <Section
              title="Recent jobs"
              testId="host-jobs"
              aside={
                <Link href={`/hosts/${summary.id}/jobs`} className="text-xs text-sky-700 hover:underline">
                  all jobs
                </Link>
              }
            >
              <div className="relative overflow-x-auto">
                <JobsTable jobs={recentJobs} />
              </div>
            </Section>

            {hasGpus && (
              <Section
                title={`GPUs (${capacity.gpus.length})`}
                testId="gpus"
                aside={<span className="text-xs text-slate-500">{gpuNumaSummary(capacity.gpus)}</span>}
              >
                <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label="GPUs">
                  <GpuTable gpus={capacity.gpus} />
                </div>
              </Section>
            )}

            <Section title={`SR-IOV physical functions (${capacity.pfs.length})`} aside={<VfLegend />} testId="pfs">
              {capacity.pfs.length === 0 ? (
                <p className="text-xs text-slate-600">No SR-IOV capable devices.</p>
              ) : (
                <VfBrowser
                  canChange={canChange}
                  pfs={capacity.pfs.map(({ vfs: _vfs, ...pf }) => ({
                    pf,
                    name: describeDevice(
                      inventory.devices.find((d) => d.address === pf.address)!,
                      inventory,
                    ),
                    link: ((i) => (i ? linkOf(i) : null))(inventory.interfaces.find((i) => i.name === pf.netInterfaces[0])),
                    vfs: vfDetails!.get(pf.address) ?? [],
                  }))}
                />
              )}
            </Section>

            <div className="grid gap-5 lg:grid-cols-2 [&>*]:min-w-0">
              <Section title="Host" testId="host-facts-section">
                <HostFactsList host={inventory.host} />
              </Section>
              <div className="space-y-5">
                {capacity.pfs.length > 0 && (
                  <Section title="Capacity by NUMA node" aside={<VfLegend />}>
                    {/* Focusable: at 390 px the table scrolls inside its box, and a keyboard must reach it. */}
                    <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label="Capacity by NUMA node">
                      <NumaCapacity capacity={capacity} />
                    </div>
                  </Section>
                )}
                <Section title={`Guests (${inventory.guests.length})`} testId="guests">
                  {inventory.host.libvirt?.reachable === false && (
                    <p data-testid="guests-libvirt-unavailable" className="mb-2 text-xs text-amber-800">
                      The agent cannot reach libvirtd ({inventory.host.libvirt.uri}), so guests cannot be changed from here:{" "}
                      {inventory.host.libvirt.detail}
                    </p>
                  )}
                  <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label="Guests">
                    <GuestsTable
                      guests={inventory.guests}
                      hostName={summary.name}
                      describe={(address) => {
                        const d = inventory.devices.find((x) => x.address === address);
                        return d ? (d.physfn ? `VF ${d.vfIndex} of ${d.physfn}` : describeDevice(d, inventory).label) : "not on the host";
                      }}
                    />
                  </div>
                </Section>
              </div>
            </div>

            <Section title={`PCI devices (${inventory.devices.length})`} testId="devices">
              <DeviceTable rows={deviceRows} />
            </Section>

            <Section title={`IOMMU groups (${inventory.iommuGroups.length})`} testId="iommu-groups">
              <div className="relative overflow-x-auto">
                <IommuGroups inventory={inventory} />
              </div>
            </Section>
          </>
        )}
      </div>
    </JobPrefillProvider>
  );
}
