export { registerProcess } from "./register-process.ts";
export { beatProcess, unregisterProcess } from "./beat-process.ts";
export { markOrphanedJobsUnknown } from "./mark-orphaned-jobs-unknown.ts";
export { findHostsWithWork } from "./find-hosts-with-work.ts";
export { touchHostsSeen } from "./touch-hosts-seen.ts";
export { recordConnectivityEvents, type ConnectivityEvent } from "./record-connectivity-events.ts";
export { listenForJobChanges, JOB_CHANNEL, type JobListener } from "./listen-for-job-changes.ts";
