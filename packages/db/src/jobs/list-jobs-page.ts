import type { JobState } from "@vfleet/protocol";
import type { Db } from "../create-db.ts";
import { toJobView, type JobView } from "./job-view.ts";

export interface JobPageFilter {
  /** Substring of the host's name, case-insensitive. */
  host?: string;
  state?: JobState;
  /** Exact actor that queued the job. */
  createdBy?: string;
  /** Jobs created at or after this time. */
  since?: Date;
  /** Column to order by (default created, newest first); ties newest first. */
  sort?: JobSortKey;
  dir?: "asc" | "desc";
  limit: number;
  offset: number;
}

export const JOB_SORT_KEYS = ["created", "state", "job", "host", "by"] as const;
export type JobSortKey = (typeof JOB_SORT_KEYS)[number];

const orderOf = (key: JobSortKey, dir: "asc" | "desc") =>
  key === "state"
    ? { state: dir }
    : key === "job"
      ? { summary: dir }
      : key === "host"
        ? { host: { name: dir } }
        : key === "by"
          ? { createdBy: dir }
          : { createdAt: dir };

/** One page of the fleet's jobs, newest first unless sorted otherwise, filtered in PostgreSQL, with each job's host name. */
export async function listJobsPage(db: Db, filter: JobPageFilter): Promise<{ jobs: (JobView & { hostName: string })[]; total: number }> {
  const where = {
    ...(filter.host ? { host: { name: { contains: filter.host, mode: "insensitive" as const } } } : {}),
    ...(filter.state ? { state: filter.state } : {}),
    ...(filter.createdBy ? { createdBy: filter.createdBy } : {}),
    ...(filter.since ? { createdAt: { gte: filter.since } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.job.findMany({
      where,
      orderBy: [orderOf(filter.sort ?? "created", filter.dir ?? "desc"), { createdAt: "desc" }, { planStep: "desc" }],
      take: filter.limit,
      skip: filter.offset,
      include: { host: { select: { name: true } } },
    }),
    db.job.count({ where }),
  ]);
  return { jobs: rows.map((r) => ({ ...toJobView(r), hostName: r.host.name })), total };
}
