"use client";

import Link from "next/link";
import type { AuditEventView } from "@vfleet/db";
import { formatTime } from "@/lib/format.ts";
import { useSortedRows } from "./sortable-header.tsx";

const short = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v).slice(0, 400));
const SORT = { at: (e: AuditEventView) => e.at, actor: (e: AuditEventView) => e.actor, action: (e: AuditEventView) => e.action, summary: (e: AuditEventView) => e.summary };

/** Audit events, newest first until a header says otherwise. */
export function AuditLogTable({ events }: { events: AuditEventView[] }) {
  const sorted = useSortedRows("audit-log", events, SORT, { key: "at", dir: "desc" });
  return (
    <table className="w-full text-left text-xs">
      <thead className="text-slate-500">
        <tr>
          {sorted.header("at", "When", { className: "py-1 pr-3 font-medium", first: "desc" })}{sorted.header("actor", "Who", { className: "pr-3 font-medium" })}
          {sorted.header("action", "What", { className: "pr-3 font-medium" })}{sorted.header("summary", "Summary", { className: "pr-3 font-medium" })}
          <th scope="col" className="pr-3 font-medium">Before</th><th scope="col" className="font-medium">After</th>
        </tr>
      </thead>
      <tbody>
        {sorted.rows.map((e) => (
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
  );
}
