import type { Job as JobSpec, JobResult, JobState, JobStep } from "@vfleet/protocol";

/** A step as stored: the agent's JobStep plus the delivery it came from. */
export type StoredJobStep = JobStep & { attempt: number };

/** A job as the API and UI see it. */
export type JobView = {
  id: string;
  hostId: string;
  kind: JobSpec["kind"];
  summary: string;
  job: JobSpec;
  state: JobState;
  attempt: number;
  leaseUntil: string | null;
  planId: string | null;
  planStep: number | null;
  dependsOn: string[];
  createdBy: string;
  steps: StoredJobStep[];
  result: JobResult | null;
  error: string | null;
  before: unknown;
  /** Queued with `force: true`, without the basis of a preview (it overwrote whatever changed since). */
  forced: boolean;
  createdAt: string;
  updatedAt: string;
  dispatchedAt: string | null;
  finishedAt: string | null;
};

type Row = {
  id: string;
  hostId: string;
  kind: string;
  summary: string;
  params: unknown;
  state: string;
  attempt: number;
  leaseUntil: Date | null;
  planId: string | null;
  planStep: number | null;
  dependsOn: string[];
  createdBy: string;
  steps: unknown;
  result: unknown;
  error: string | null;
  before: unknown;
  forced: boolean;
  createdAt: Date;
  updatedAt: Date;
  dispatchedAt: Date | null;
  finishedAt: Date | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toJobView(row: Row): JobView {
  return {
    id: row.id,
    hostId: row.hostId,
    kind: row.kind as JobSpec["kind"],
    summary: row.summary,
    job: { kind: row.kind, params: row.params } as JobSpec,
    state: row.state as JobState,
    attempt: row.attempt,
    leaseUntil: iso(row.leaseUntil),
    planId: row.planId,
    planStep: row.planStep,
    dependsOn: row.dependsOn,
    createdBy: row.createdBy,
    steps: (row.steps ?? []) as StoredJobStep[],
    result: (row.result ?? null) as JobResult | null,
    error: row.error,
    before: row.before ?? null,
    forced: row.forced,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    dispatchedAt: iso(row.dispatchedAt),
    finishedAt: iso(row.finishedAt),
  };
}
