"use client";

import Link from "next/link";
import type { AuditEventView } from "@vfleet/db";
import { auditDiff, type DiffLine } from "@/lib/audit/audit-diff.ts";
import { formatTime } from "@/lib/format.ts";
import { useSortedRows } from "./sortable-header.tsx";

/** One side of the change as `key value` lines; what the other side says differently is marked (and named for screen readers). */
function DiffSide({ lines, hidden, side, testId }: { lines: DiffLine[]; hidden: number; side: "before" | "after"; testId: string }) {
  if (lines.length === 0) return null;
  const mark = side === "before" ? "bg-rose-50 text-rose-900" : "bg-emerald-50 text-emerald-900";
  return (
    <div data-testid={testId}>
      <dl className="grid grid-cols-[auto_1fr] gap-x-2">
        {lines.map((l) => (
          <div key={l.path} className={`contents ${l.changed ? "" : "text-slate-600"}`} data-changed={l.changed || undefined}>
            <dt className="whitespace-nowrap">{l.path}</dt>
            <dd className={`break-all ${l.changed ? mark : ""}`}>
              {l.changed && <span className="sr-only">{side === "before" ? "was " : "now "}</span>}
              {l.value}
            </dd>
          </div>
        ))}
      </dl>
      {hidden > 0 && <p className="text-slate-600">… {hidden} more</p>}
    </div>
  );
}
const SORT = {
  at: (e: AuditEventView) => e.at,
  actor: (e: AuditEventView) => e.actor,
  action: (e: AuditEventView) => e.action,
  summary: (e: AuditEventView) => e.summary,
};

/** Audit events, newest first until a header says otherwise. */
export function AuditLogTable({ events }: { events: AuditEventView[] }) {
  const sorted = useSortedRows("audit-log", events, SORT, { key: "at", dir: "desc" });
  return (
    <table className="w-full text-left text-xs">
      <thead className="text-slate-500">
        <tr>
          {sorted.header("at", "When", { className: "py-1 pr-3 font-medium", first: "desc" })}
          {sorted.header("actor", "Who", { className: "pr-3 font-medium" })}
          {sorted.header("action", "What", { className: "pr-3 font-medium" })}
          {sorted.header("summary", "Summary", { className: "pr-3 font-medium" })}
          <th scope="col" className="pr-3 font-medium">
            Before
          </th>
          <th scope="col" className="font-medium">
            After
          </th>
        </tr>
      </thead>
      <tbody>
        {sorted.rows.map((e) => {
          const diff = auditDiff(e.before, e.after);
          return (
            <tr key={e.id} data-testid="audit-event" data-action={e.action} className="border-t border-slate-100 align-top">
              <td className="whitespace-nowrap py-1.5 pr-3 text-slate-500">{formatTime(e.at)}</td>
              <td className="pr-3">{e.actor}</td>
              <td className="pr-3 font-mono">{e.action}</td>
              <td className="pr-3">
                {e.jobId ? (
                  <Link href={`/jobs/${e.jobId}`} className="text-sky-700 hover:underline">
                    {e.summary}
                  </Link>
                ) : (
                  e.summary
                )}
              </td>
              <td className="max-w-[36ch] pr-3 font-mono">
                <DiffSide lines={diff.before} hidden={diff.hidden.before} side="before" testId="audit-before" />
              </td>
              <td className="max-w-[36ch] font-mono">
                <DiffSide lines={diff.after} hidden={diff.hidden.after} side="after" testId="audit-after" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
