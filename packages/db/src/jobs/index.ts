export {
  createJobs,
  createJobGroup,
  type CreateJobGroupOutcome,
  type CreateJobsInput,
  type CreateJobsOutcome,
  type NewJob,
  type Conflict,
} from "./create-jobs.ts";
export { claimNextJob } from "./claim-next-job.ts";
export { recordJobProgress } from "./record-job-progress.ts";
export { recordJobResult, type RecordResultOutcome } from "./record-job-result.ts";
export { markJobsUnknown } from "./mark-jobs-unknown.ts";
export { takeOverHostJobs } from "./take-over-host-jobs.ts";
export { cancelJob, type CancelOutcome } from "./cancel-job.ts";
export { listJobs, getJob } from "./list-jobs.ts";
export { listJobsPage, JOB_SORT_KEYS, type JobPageFilter, type JobSortKey } from "./list-jobs-page.ts";
export { getPlan, type PlanView } from "./get-plan.ts";
export { listAuditEvents, type AuditEventView } from "./list-audit-events.ts";
export { listAuditPage, type AuditPage, type AuditPageEvent, type AuditPageFilter } from "./list-audit-page.ts";
export type { JobView, StoredJobStep } from "./job-view.ts";
export { abandonJob, abandonExhaustedJobs, MAX_DELIVERIES, type AbandonOutcome } from "./abandon-jobs.ts";
export { findMacUsers, type MacUse } from "./find-mac-users.ts";
export { readHostBasis } from "./read-host-basis.ts";
export { listGuestsDefinedByVfleet } from "./list-guests-defined-by-vfleet.ts";
export type { MacClaim } from "./hold-mac-claims.ts";
