export { executeJob, describeJobInputError, type ExecuteJobOptions } from "./execute-job.ts";
export { AgentPolicy, EMPTY_POLICY, SIMULATOR_POLICY, parsePolicy, loadPolicyFile, PolicyError } from "./agent-policy.ts";
export { JobFailure } from "./job-failure.ts";
