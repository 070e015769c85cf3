import type { Db } from "../create-db.ts";
import { toJobView, type JobView } from "./job-view.ts";

/** Newest first; a host's history, a plan's jobs (in plan order), or the fleet's. */
export async function listJobs(db: Db, filter: { hostId?: string; planId?: string; limit?: number } = {}): Promise<JobView[]> {
  const rows = await db.job.findMany({
    where: { ...(filter.hostId ? { hostId: filter.hostId } : {}), ...(filter.planId ? { planId: filter.planId } : {}) },
    orderBy: filter.planId ? [{ planStep: "asc" }] : [{ createdAt: "desc" }, { planStep: "desc" }],
    take: Math.min(filter.limit ?? 200, 1000),
  });
  return rows.map(toJobView);
}

export async function getJob(db: Db, jobId: string): Promise<JobView | null> {
  const row = await db.job.findUnique({ where: { id: jobId } });
  return row ? toJobView(row) : null;
}
