import type { Metadata } from "next";
import { connection } from "next/server";
import { JobState } from "@vfleet/protocol";
import { JobsTable, type ServerSort } from "@/components/jobs/jobs-table.tsx";
import { PlanProgress } from "@/components/jobs/plan-progress.tsx";
import { Pager } from "@/components/pager.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { JOB_SORT_KEYS, parseJobListQuery, SINCE_WINDOWS } from "@/lib/jobs/job-list-query.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata: Metadata = { title: "Jobs" };

const PAGE_SIZE = 50;

/** The fleet's jobs, newest first, filtered and paged in the database; a plan's jobs sit under their plan's progress. */
export default async function JobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAccess("viewer");
  await connection();
  const { db, queries } = getControlPlaneContext();
  const { query, problem } = parseJobListQuery(await searchParams);
  const { jobs, total } = await queries.listJobsPage(db, {
    host: query.host || undefined,
    state: query.state || undefined,
    createdBy: query.by || undefined,
    since: query.since ? new Date(Date.now() - SINCE_WINDOWS[query.since]) : undefined,
    sort: query.sort,
    dir: query.dir,
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
  });
  // Newest first, consecutive jobs of one plan form one group under the plan's progress; sorted by
  // another column, the page is one table (a plan's jobs are no longer next to each other).
  const sorted = query.sort !== "created" || query.dir !== "desc";
  const groups: { planId: string | null; jobs: typeof jobs }[] = sorted ? [{ planId: null, jobs }] : [];
  for (const j of sorted ? [] : jobs) {
    const last = groups.at(-1);
    if (last && j.planId !== null && last.planId === j.planId) last.jobs.push(j);
    else groups.push({ planId: j.planId, jobs: [j] });
  }
  // The list is newest first, but a plan's jobs read in the order they run.
  for (const g of groups) if (g.planId !== null && !sorted) g.jobs.sort((a, b) => (a.planStep ?? 0) - (b.planStep ?? 0));
  const plans = new Map(
    await Promise.all(
      [...new Set(jobs.flatMap((j) => (j.planId ? [j.planId] : [])))].map(async (id) => [id, await queries.getPlan(db, id)] as const),
    ),
  );
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const link = (change: { page?: number; sort?: string; dir?: string }) => {
    const next = { ...query, page: String(query.page), ...change };
    const params = Object.entries({
      host: next.host,
      state: next.state,
      by: next.by,
      since: next.since,
      sort: next.sort === "created" && next.dir === "desc" ? "" : next.sort,
      dir: next.sort === "created" && next.dir === "desc" ? "" : next.dir,
      page: String(next.page),
    });
    return `/jobs?${new URLSearchParams(params.filter(([, v]) => v !== ""))}`;
  };
  const pageLink = (page: number) => link({ page });
  // Plain links (a client table cannot be handed functions): click again to reverse, newest first on a first click of Created.
  const serverSort: ServerSort = {
    key: query.sort,
    dir: query.dir,
    hrefs: Object.fromEntries(
      JOB_SORT_KEYS.map((key) => [
        key,
        link({ sort: key, dir: query.sort === key ? (query.dir === "asc" ? "desc" : "asc") : key === "created" ? "desc" : "asc", page: 1 }),
      ]),
    ),
  };
  const input = "rounded border border-slate-300 px-2 py-1";

  return (
    <Section title={`Jobs (${total})`} heading="h1" testId="fleet-jobs">
      <form method="get" action="/jobs" className="mb-3 flex flex-wrap items-end gap-2 text-xs" data-testid="job-filters">
        {sorted && (
          <>
            <input type="hidden" name="sort" value={query.sort} />
            <input type="hidden" name="dir" value={query.dir} />
          </>
        )}
        <label className="flex flex-col">
          Host
          <input name="host" defaultValue={query.host} className={`${input} w-40`} data-testid="filter-host" />
        </label>
        <label className="flex flex-col">
          State
          <select name="state" defaultValue={query.state} className={input} data-testid="filter-state">
            <option value="">any</option>
            {JobState.options.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          Queued by
          <input name="by" defaultValue={query.by} className={`${input} w-40`} data-testid="filter-by" />
        </label>
        <label className="flex flex-col">
          Since
          <select name="since" defaultValue={query.since} className={input} data-testid="filter-since">
            <option value="">any time</option>
            <option value="1h">last hour</option>
            <option value="24h">last 24 h</option>
            <option value="7d">last 7 days</option>
          </select>
        </label>
        <button className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50" data-testid="filter-apply">
          Filter
        </button>
        {problem && (
          <span className="text-rose-700" data-testid="filter-problem">
            {problem} (showing all jobs)
          </span>
        )}
      </form>
      <div className="space-y-3">
        {jobs.length === 0 && <JobsTable jobs={[]} />}
        {groups.map((g) => {
          const plan = g.planId ? plans.get(g.planId) : null;
          return (
            <div key={`${g.planId ?? "job"}-${g.jobs[0]!.id}`} data-testid={plan ? "plan-group" : undefined} data-plan-id={plan?.id}>
              {plan && <PlanProgress plan={plan} />}
              <JobsTable jobs={g.jobs} showHost serverSort={serverSort} />
            </div>
          );
        })}
      </div>
      <Pager page={query.page} pages={pages} href={pageLink} label="job list pages" />
    </Section>
  );
}
