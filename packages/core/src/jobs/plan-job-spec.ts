import type { Job } from "@vfleet/protocol";

/** One job of a plan: `ref` names it inside the plan, `dependsOn` lists refs that must succeed first. */
export type PlanJobSpec = { ref: string; job: Job; dependsOn: string[] };
