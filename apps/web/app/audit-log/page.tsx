import type { Metadata } from "next";
import { connection } from "next/server";
import { AuditLogTable } from "@/components/audit-log-table.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/**
 * Who changed what, when, before and after. "Who" is the signed-in user, or `token:<name>` for
 * an API token, as the control plane authenticated them.
 */
export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<{ hostId?: string }> }) {
  await requirePageAccess("viewer");
  await connection();
  const { hostId } = await searchParams;
  const { db, queries } = getControlPlaneContext();
  const events = await queries.listAuditEvents(db, { ...(hostId ? { hostId } : {}), limit: 500 });
  return (
    <Section
      title={`Audit log${hostId ? " (one host)" : ""}`}
      testId="audit-log"
      aside={<span className="text-xs text-slate-500">who: the signed-in user, or token:&lt;name&gt;</span>}
    >
      {events.length === 0 ? <p className="text-xs text-slate-500">No changes recorded yet.</p> : <AuditLogTable events={events} />}
    </Section>
  );
}
