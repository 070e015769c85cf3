import { TERMINAL_JOB_STATES } from "@vfleet/protocol";
import type { Prisma } from "../generated/prisma/client.ts";
import { settleAssignments } from "../scheduler/hold-assignments.ts";

type Tx = Prisma.TransactionClient;

/**
 * After a job became terminal: free what it held, or, for a plan job, what the plan held once
 * no job of the plan is left to run. Plans finishing set `finishedAt` and settle the scheduler's
 * reservations and releases (assigned when every job succeeded, given back otherwise).
 */
export async function releaseResources(tx: Tx, job: { id: string; planId: string | null }): Promise<void> {
  if (!job.planId) {
    await tx.jobResource.deleteMany({ where: { jobId: job.id } });
    return;
  }
  const open = await tx.job.count({ where: { planId: job.planId, state: { notIn: [...TERMINAL_JOB_STATES] } } });
  if (open > 0) return;
  await tx.jobResource.deleteMany({ where: { planId: job.planId } });
  const plan = await tx.plan.update({ where: { id: job.planId }, data: { finishedAt: new Date() } });
  const unfinished = await tx.job.count({ where: { planId: job.planId, state: { not: "succeeded" } } });
  await settleAssignments(tx, plan, unfinished === 0);
}
