"use client";

import Link from "next/link";
import { useState } from "react";
import type { AuditPageEvent } from "@vfleet/db";
import { auditDiffRows } from "@/lib/audit/audit-diff.ts";
import { auditOutcome, auditTarget, type AuditOutcome } from "@/lib/audit/audit-event-facts.ts";
import { RelativeTime } from "./relative-time.tsx";

const TONE: Record<AuditOutcome["tone"], string> = {
  good: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  bad: "bg-rose-50 text-rose-800 ring-rose-200",
  pending: "bg-sky-50 text-sky-800 ring-sky-200",
  neutral: "bg-slate-100 text-slate-700 ring-slate-200",
};

/** One line per event: when, who, what, on which host and device, outcome; wide screens line them up in columns. */
const ROW =
  "grid grid-cols-[auto_1fr_auto] gap-x-3 gap-y-0.5 md:grid-cols-[6.5rem_9rem_minmax(0,1fr)_minmax(0,16rem)_5.5rem_3.5rem] md:items-baseline";

function Diff({ event, id }: { event: AuditPageEvent; id: string }) {
  const rows = auditDiffRows(event.before, event.after);
  return (
    <div
      id={id}
      className="relative col-span-full mt-1 overflow-x-auto rounded border border-slate-200 bg-slate-50 p-2"
      data-testid="audit-diff"
    >
      <table className="text-left font-mono text-xs">
        <thead className="text-slate-600">
          <tr>
            <th scope="col" className="pr-3 font-medium">
              field
            </th>
            <th scope="col" className="pr-3 font-medium">
              before
            </th>
            <th scope="col" className="font-medium">
              after
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.path} data-testid="audit-diff-row" data-changed={r.changed || undefined} className="align-top">
              <td className="whitespace-nowrap pr-3 text-slate-600">{r.path}</td>
              <td className={`break-all pr-3 ${r.changed ? "bg-rose-50 text-rose-900" : ""}`}>
                {r.changed && <span className="sr-only">was </span>}
                {r.before ?? <span className="text-slate-500">—</span>}
              </td>
              <td className={`break-all ${r.changed ? "bg-emerald-50 text-emerald-900" : ""}`}>
                {r.changed && <span className="sr-only">now </span>}
                {r.after ?? <span className="text-slate-500">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The audit log, newest first: a compact list, each event's before/after opening on demand as a field-by-field diff. */
export function AuditLogList({ events }: { events: AuditPageEvent[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <div className="text-xs">
      <div className={`${ROW} hidden border-b border-slate-200 pb-1 font-medium text-slate-600 md:grid`} aria-hidden="true">
        <span>When</span>
        <span>Who</span>
        <span>What</span>
        <span>Host · device</span>
        <span>Outcome</span>
        <span />
      </div>
      <ol>
        {events.map((e) => {
          const outcome = auditOutcome(e.action, e.summary);
          const target = auditTarget(e.job);
          const hasDiff = e.before !== null || e.after !== null;
          const diffId = `audit-diff-${e.id}`;
          return (
            <li key={e.id} data-testid="audit-event" data-action={e.action} className={`${ROW} border-b border-slate-100 py-1.5`}>
              <span className="whitespace-nowrap text-slate-600">
                <RelativeTime value={e.at} testId="audit-at" />
              </span>
              <span className="min-w-0 truncate md:order-none" title={e.actor} data-testid="audit-actor">
                {e.actor}
              </span>
              <span className="col-span-full min-w-0 md:col-span-1" data-testid="audit-what">
                <span className="mr-1.5 font-mono text-slate-600">{e.action}</span>
                {e.jobId ? (
                  <Link href={`/jobs/${e.jobId}`} className="text-sky-700 hover:underline">
                    {e.summary}
                  </Link>
                ) : e.planId ? (
                  <Link href={`/plans/${e.planId}`} className="text-sky-700 hover:underline">
                    {e.summary}
                  </Link>
                ) : (
                  e.summary
                )}
              </span>
              <span className="col-span-2 min-w-0 break-words md:col-span-1" data-testid="audit-where">
                {e.hostId &&
                  (e.hostName ? (
                    <Link href={`/hosts/${e.hostId}`} className="text-sky-700 hover:underline">
                      {e.hostName}
                    </Link>
                  ) : (
                    <span className="text-slate-600">removed host</span>
                  ))}
                {target && (
                  <span className="font-mono text-slate-600">
                    {e.hostId ? " · " : ""}
                    {target}
                  </span>
                )}
              </span>
              <span>
                <span className={`rounded px-1.5 py-0.5 ring-1 ${TONE[outcome.tone]}`} data-testid="audit-outcome">
                  {outcome.word}
                </span>
              </span>
              {hasDiff ? (
                <button
                  type="button"
                  aria-expanded={open.has(e.id)}
                  aria-controls={diffId}
                  onClick={() => toggle(e.id)}
                  className="col-span-full justify-self-start text-sky-700 hover:underline md:col-span-1"
                  data-testid="audit-diff-toggle"
                >
                  {open.has(e.id) ? "hide" : "diff"}
                  <span className="md:hidden"> before/after</span>
                </button>
              ) : (
                <span className="hidden md:block" />
              )}
              {open.has(e.id) && <Diff event={e} id={diffId} />}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
