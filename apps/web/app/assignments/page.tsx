import Link from "next/link";
import { connection } from "next/server";
import type { AssignmentView } from "@vfleet/db";
import { ReleaseForm } from "@/components/placement/release-form.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { formatTime } from "@/lib/format.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/** vfleet's assignments per guest, with drift and release (role: viewer reads, operator releases). `?hostId=&guest=` narrow it. */
export default async function AssignmentsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageAccess("viewer");
  await connection();
  const sp = await searchParams;
  const { db, queries } = getControlPlaneContext();
  const { assignments, outside } = await queries.listAssignments(db, { hostId: sp.hostId, guest: sp.guest });
  const groups = new Map<string, AssignmentView[]>();
  for (const a of assignments) groups.set(`${a.hostId}\u0000${a.guest}`, [...(groups.get(`${a.hostId}\u0000${a.guest}`) ?? []), a]);
  return (
    <div className="space-y-4">
      {[...groups.values()].map((rows) => {
        const first = rows[0]!;
        const assigned = rows.filter((r) => r.state === "assigned" && !r.releasePlanId).length;
        return (
          <Section
            key={`${first.hostId}/${first.guest}`}
            title={`${first.guest} on ${first.host}: ${rows.length} functions`}
            testId={`assignments-${first.guest}`}
          >
            <div className="space-y-3">
              {assigned > 0 && <ReleaseForm hostId={first.hostId} guest={first.guest} />}
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
                    <th>plan</th>
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
                      <td>
                        {a.planId ? (
                          <Link className="text-blue-700" href={`/plans/${a.planId}`}>
                            plan
                          </Link>
                        ) : (
                          "—"
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
      })}
      {groups.size === 0 && (
        <p className="text-xs text-slate-500" data-testid="no-assignments">
          Nothing is assigned through vfleet.
        </p>
      )}
      {outside.length > 0 && (
        <Section title={`Drift: ${outside.length} VFs attached outside vfleet`} testId="assignments-outside">
          <ul className="text-xs">
            {outside.map((o) => (
              <li key={`${o.hostId}/${o.address}`} className="font-mono">
                {o.host}: {o.drift}
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
