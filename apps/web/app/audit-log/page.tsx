import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { formatTime } from "@/lib/format.ts";

const short = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v).slice(0, 400));

/**
 * Who changed what, when, before and after. "Who" is the name the operator gave with the
 * request: there is no login yet, so it is a claim, not an identity.
 */
export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<{ hostId?: string }> }) {
  await connection();
  const { hostId } = await searchParams;
  const { db, queries } = getControlPlaneContext();
  const events = await queries.listAuditEvents(db, { ...(hostId ? { hostId } : {}), limit: 500 });
  return (
    <Section title={`Audit log${hostId ? " (one host)" : ""}`} testId="audit-log" aside={<span className="text-xs text-slate-500">operator names are as given (no login yet)</span>}>
      {events.length === 0 ? <p className="text-xs text-slate-500">No changes recorded yet.</p> : (
        <table className="w-full text-left text-xs">
          <thead className="text-slate-500"><tr><th className="py-1 pr-3 font-medium">When</th><th className="pr-3 font-medium">Who</th><th className="pr-3 font-medium">What</th><th className="pr-3 font-medium">Summary</th><th className="pr-3 font-medium">Before</th><th className="font-medium">After</th></tr></thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-testid="audit-event" data-action={e.action} className="border-t border-slate-100 align-top">
                <td className="whitespace-nowrap py-1.5 pr-3 text-slate-500">{formatTime(e.at)}</td>
                <td className="pr-3">{e.actor}</td>
                <td className="pr-3 font-mono">{e.action}</td>
                <td className="pr-3">{e.jobId ? <Link href={`/jobs/${e.jobId}`} className="text-sky-700 hover:underline">{e.summary}</Link> : e.summary}</td>
                <td className="max-w-[30ch] break-all pr-3 font-mono text-slate-500">{short(e.before)}</td>
                <td className="max-w-[30ch] break-all font-mono text-slate-500">{short(e.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
