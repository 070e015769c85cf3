import Link from "next/link";
import type { JobView } from "@vfleet/db";
import { formatTime } from "@/lib/format.ts";
import { formatJobDuration } from "@/lib/jobs/job-duration.ts";
import { JobStateBadge } from "./job-state-badge.tsx";

/** Jobs newest first: state, what, who, when, and the host's error in its own words when it failed. */
export function JobsTable({ jobs, showHost = false }: { jobs: (JobView & { hostName?: string })[]; showHost?: boolean }) {
  if (jobs.length === 0) return <p className="text-xs text-slate-500" data-testid="no-jobs">No jobs yet.</p>;
  return (
    <table className="w-full text-left text-xs" data-testid="jobs-table">
      <thead className="text-slate-500">
        <tr><th className="py-1 pr-3 font-medium">State</th><th className="pr-3 font-medium">Job</th>{showHost && <th className="pr-3 font-medium">Host</th>}<th className="pr-3 font-medium">By</th><th className="pr-3 font-medium">Created</th><th className="pr-3 font-medium">Took</th><th className="font-medium">Outcome</th></tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.id} data-testid="job-row" data-job-id={j.id} data-state={j.state} className="border-t border-slate-100 align-top">
            <td className="py-1.5 pr-3"><JobStateBadge state={j.state} /></td>
            <td className="pr-3"><Link href={`/jobs/${j.id}`} className="font-mono text-sky-700 hover:underline">{j.summary}</Link>{j.attempt > 1 && <span className="ml-1 text-slate-500">(attempt {j.attempt})</span>}</td>
            {showHost && <td className="pr-3"><Link href={`/hosts/${j.hostId}`} className="text-sky-700 hover:underline" data-testid="job-host">{j.hostName ?? j.hostId.slice(0, 8)}</Link></td>}
            <td className="pr-3">{j.createdBy}</td>
            <td className="pr-3 whitespace-nowrap text-slate-500">{formatTime(j.createdAt)}</td>
            <td className="pr-3 whitespace-nowrap tabular-nums text-slate-600" data-testid="job-took">{formatJobDuration(j)}</td>
            <td className="max-w-[40ch] text-slate-600">{j.error ?? (j.result ? (j.result.changed ? "changed" : "already so: nothing written") : "")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
