"use client";

import Link from "next/link";
import type { JobView } from "@vfleet/db";
import { RelativeTime } from "../relative-time.tsx";
import { formatJobDuration } from "@/lib/jobs/job-duration.ts";
import type { SortDir } from "@/lib/sort-rows.ts";
import { SortableHeader, useSortedRows } from "../sortable-header.tsx";
import { JobStateBadge } from "./job-state-badge.tsx";

type Row = JobView & { hostName?: string };
const durationMs = (j: Row) =>
  j.finishedAt && j.dispatchedAt ? new Date(j.finishedAt).getTime() - new Date(j.dispatchedAt).getTime() : null;
const SORT = {
  state: (j: Row) => j.state,
  job: (j: Row) => j.summary,
  host: (j: Row) => j.hostName ?? j.hostId,
  by: (j: Row) => j.createdBy,
  created: (j: Row) => j.createdAt,
  took: durationMs,
  outcome: (j: Row) => j.error ?? (j.result ? (j.result.changed ? "changed" : "already so") : ""),
};
type Key = keyof typeof SORT;
/** When the server sorts a paged list: the link for each sortable column, and the current order. */
export type ServerSort = { hrefs: Partial<Record<Key, string>>; key: string; dir: SortDir };

/**
 * Jobs newest first: state, what, who, when, and the host's error in its own words when it failed.
 * Headers sort: on the page (the whole list is here), or through `serverSort` links (a paged list).
 */
export function JobsTable({ jobs, showHost = false, serverSort }: { jobs: Row[]; showHost?: boolean; serverSort?: ServerSort }) {
  const local = useSortedRows("jobs", jobs, SORT);
  if (jobs.length === 0)
    return (
      <p className="text-xs text-slate-500" data-testid="no-jobs">
        No jobs yet.
      </p>
    );
  const header = (key: Key, label: string, className: string) => {
    if (!serverSort) return local.header(key, label, { className, first: key === "created" || key === "took" ? "desc" : "asc" });
    const href = serverSort.hrefs[key];
    if (!href)
      return (
        <th key={key} scope="col" className={className}>
          {label}
        </th>
      );
    return (
      <SortableHeader
        key={key}
        label={label}
        className={className}
        href={href}
        testId={`jobs-sort-${key}`}
        active={serverSort.key === key}
        dir={serverSort.dir}
      />
    );
  };
  const rows = serverSort ? jobs : local.rows;
  return (
    // Wide on a phone: the table scrolls in its own box, not the page.
    <div className="relative overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="jobs-table">
        <thead className="text-slate-500">
          <tr>
            {header("state", "State", "py-1 pr-3 font-medium")}
            {header("job", "Job", "pr-3 font-medium")}
            {showHost && header("host", "Host", "pr-3 font-medium")}
            {header("by", "By", "pr-3 font-medium")}
            {header("created", "Created", "pr-3 font-medium")}
            {header("took", "Took", "pr-3 font-medium")}
            {header("outcome", "Outcome", "font-medium")}
          </tr>
        </thead>
        <tbody>
          {rows.map((j) => (
            <tr key={j.id} data-testid="job-row" data-job-id={j.id} data-state={j.state} className="border-t border-slate-100 align-top">
              <td className="py-1.5 pr-3">
                <JobStateBadge state={j.state} />
              </td>
              <td className="pr-3">
                <Link href={`/jobs/${j.id}`} className="font-mono text-sky-700 hover:underline">
                  {j.summary}
                </Link>
                {j.attempt > 1 && <span className="ml-1 text-slate-500">(attempt {j.attempt})</span>}
              </td>
              {showHost && (
                <td className="pr-3">
                  <Link href={`/hosts/${j.hostId}`} className="text-sky-700 hover:underline" data-testid="job-host">
                    {j.hostName ?? j.hostId.slice(0, 8)}
                  </Link>
                </td>
              )}
              <td className="pr-3">{j.createdBy}</td>
              <td className="pr-3 whitespace-nowrap text-slate-500">
                <RelativeTime value={j.createdAt} />
              </td>
              <td className="pr-3 whitespace-nowrap tabular-nums text-slate-600" data-testid="job-took" suppressHydrationWarning>
                {formatJobDuration(j)}
              </td>
              <td className="max-w-[40ch] text-slate-600">
                {j.error ?? (j.result ? (j.result.changed ? "changed" : "already so: nothing written") : "")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
