import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { AssignmentView } from "@vfleet/db";
import { PlanProgress } from "@/components/jobs/plan-progress.tsx";
import { GroupReleaseForm } from "@/components/placement/group-release-form.tsx";
import { DriftGroup } from "@/components/placement/drift-group.tsx";
import { ReleaseForm } from "@/components/placement/release-form.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { formatTime } from "@/lib/format.ts";
import { groupDrift } from "@/lib/placement/group-drift.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata: Metadata = { title: "Assignments" };

/** vfleet's assignments per guest, with drift and release (role: viewer reads, operator releases). `?hostId=&guest=` narrow it. */
export default async function AssignmentsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageAccess("viewer");
  await connection();
  const sp = await searchParams;
  const { db, queries } = getControlPlaneContext();
  const { assignments, outside } = await queries.listAssignments(db, { hostId: sp.hostId, guest: sp.guest });
  const groups = new Map<string, AssignmentView[]>();
  for (const a of assignments) groups.set(`${a.hostId}\u0000${a.guest}`, [...(groups.get(`${a.hostId}\u0000${a.guest}`) ?? []), a]);
  // Release plans stay listed (with their link) after the rows they released are gone.
  const releases = await Promise.all(
    (
      await db.plan.findMany({
        where: { title: { startsWith: "release " }, ...(sp.hostId ? { hostId: sp.hostId } : {}) },
        orderBy: { createdAt: "desc" },
        take: 5,
        select: { id: true },
      })
    ).map((p) => queries.getPlan(db, p.id)),
  );
  // Guests with something to release, each once (a group's replicas may sit on several hosts).
  const releasableGuests = [...new Set(assignments.filter((a) => a.state === "assigned" && !a.releasePlanId).map((a) => a.guest))].sort();
  const guestFacts = async (hostId: string, guest: string) => {
    const host = await queries.getHost(db, hostId);
    return { running: host?.inventory?.guests.some((g) => g.name === guest && g.state === "running") ?? false };
  };
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Assignments</h1>
      {await Promise.all(
        [...groups.values()].map(async (rows) => {
          const first = rows[0]!;
          const releasable = rows.filter((r) => r.state === "assigned" && !r.releasePlanId);
          const releasing = [...new Set(rows.flatMap((r) => (r.releasePlanId ? [r.releasePlanId] : [])))];
          const facts = releasable.length > 0 ? await guestFacts(first.hostId, first.guest) : null;
          return (
            <Section
              key={`${first.hostId}/${first.guest}`}
              title={`${first.guest} on ${first.host}: ${rows.length} functions`}
              testId={`assignments-${first.guest}`}
            >
              <div className="space-y-3">
                {releasing.map((id) => (
                  <p key={id} className="text-xs" data-testid="releasing">
                    Being released:{" "}
                    <Link className="text-sky-700 underline" href={`/plans/${id}`} data-testid="releasing-plan-link">
                      release plan
                    </Link>
                  </p>
                ))}
                {facts && (
                  <ReleaseForm
                    hostId={first.hostId}
                    guest={first.guest}
                    rows={releasable.map((r) => ({ address: r.address, pf: r.pf, mac: r.mac, vlan: r.vlan, previous: r.previous }))}
                    guestRunning={facts.running}
                  />
                )}
                <table className="w-full text-left text-xs" data-testid="assignments-table">
                  <thead className="text-slate-500">
                    <tr>
                      <th className="py-1">address</th>
                      <th>PF</th>
                      <th>pool</th>
                      <th>state</th>
                      <th>MAC / VLAN</th>
                      <th>since</th>
                      <th>by</th>
                      <th>plans</th>
                      <th>before</th>
                      <th>drift</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((a) => (
                      <tr
                        key={a.address}
                        data-testid="assignment-row"
                        data-state={a.state}
                        data-drift={a.drift ? "yes" : "no"}
                        className="border-t border-slate-100"
                      >
                        <td className="py-1 font-mono">{a.address}</td>
                        <td className="font-mono">{a.pf ?? "—"}</td>
                        <td>{a.pool ?? "—"}</td>
                        <td>{a.releasePlanId ? "releasing" : a.state}</td>
                        <td className="font-mono">
                          {a.mac ?? "—"} / {a.vlan ?? "—"}
                        </td>
                        <td>{formatTime(a.assignedAt ?? a.reservedAt)}</td>
                        <td>{a.createdBy}</td>
                        <td className="whitespace-nowrap">
                          {a.planId ? (
                            <Link className="text-sky-700 underline" href={`/plans/${a.planId}`} data-testid="placed-by-link">
                              placed
                            </Link>
                          ) : (
                            "—"
                          )}
                          {a.releasePlanId && (
                            <>
                              {" · "}
                              <Link className="text-sky-700 underline" href={`/plans/${a.releasePlanId}`} data-testid="row-release-link">
                                release
                              </Link>
                            </>
                          )}
                        </td>
                        <td className="font-mono">
                          {a.previous.driver ?? "(new)"} {a.previous.mac ?? ""}
                        </td>
                        <td className="text-amber-700">{a.drift ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
          );
        }),
      )}
      {releasableGuests.length > 1 && (
        <Section title="Release several guests together" testId="group-release">
          <GroupReleaseForm guests={releasableGuests} />
        </Section>
      )}
      {groups.size === 0 && (
        <p className="text-xs text-slate-500" data-testid="no-assignments">
          Nothing is assigned through vfleet.
        </p>
      )}
      {outside.length > 0 && (
        <Section title={`Drift: ${outside.length} VFs attached outside vfleet`} testId="assignments-outside">
          <ul className="divide-y divide-slate-100">
            {await Promise.all(
              groupDrift(outside).map(async (g) => (
                <DriftGroup
                  key={`${g.hostId}/${g.guest}`}
                  hostId={g.hostId}
                  host={g.host}
                  guest={g.guest}
                  addresses={g.addresses}
                  basis={await queries.readHostBasis(db, g.hostId)}
                />
              )),
            )}
          </ul>
        </Section>
      )}
      {releases.some(Boolean) && (
        <Section title="Recent releases" testId="recent-releases">
          <ul className="space-y-1">
            {releases.map(
              (p) =>
                p && (
                  <li key={p.id} data-testid="recent-release" data-plan-id={p.id} className="flex flex-wrap items-center gap-2">
                    <PlanProgress plan={p} />
                    <Link className="text-xs text-sky-700 underline" href={`/plans/${p.id}`} data-testid="recent-release-link">
                      release plan
                    </Link>
                  </li>
                ),
            )}
          </ul>
        </Section>
      )}
    </div>
  );
}
