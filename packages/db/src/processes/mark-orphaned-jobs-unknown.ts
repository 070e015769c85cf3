import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { markJobsUnknownSql } from "../jobs/mark-jobs-unknown.ts";

/**
 * Jobs in flight (dispatched/running) whose dispatching process is gone (no row, or no
 * heartbeat for `deadAfterMs`): their socket died with it, so they are `unknown` and redelivered
 * when the agent says hello again, on whichever process it reaches. Jobs of live processes are
 * left alone: this is the start-up recovery that several processes can run safely.
 * Returns the jobs it changed.
 */
export async function markOrphanedJobsUnknown(
  db: Db,
  options: { deadAfterMs: number; reason: string },
): Promise<{ id: string; hostId: string }[]> {
  if (!Number.isFinite(options.deadAfterMs) || options.deadAfterMs <= 0) {
    throw new Error(`markOrphanedJobsUnknown: deadAfterMs must be a positive number of milliseconds, got ${options.deadAfterMs}`);
  }
  const orphaned = Prisma.sql`NOT EXISTS (
    SELECT 1 FROM "ControlPlaneProcess" p
    WHERE p.id = j."ownerId" AND p."heartbeatAt" > now() - make_interval(secs => ${options.deadAfterMs / 1000}::double precision))`;
  return db.$queryRaw<{ id: string; hostId: string }[]>(markJobsUnknownSql(orphaned, options.reason));
}
