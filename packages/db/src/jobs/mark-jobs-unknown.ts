import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";

/**
 * The one UPDATE that makes in-flight jobs (`j`) matching `where` `unknown`, returning their ids
 * and hosts: markJobsUnknown (one host), markOrphanedJobsUnknown (jobs of dead processes) and
 * takeOverHostJobs (inside a statement that also asks whether the host has work) all run it.
 */
export function markJobsUnknownSql(where: Prisma.Sql, reason: string): Prisma.Sql {
  return Prisma.sql`
    UPDATE "Job" j SET state = 'unknown', error = ${reason}, "leaseUntil" = NULL, "updatedAt" = ${new Date()}
    WHERE j.state IN ('dispatched', 'running') AND ${where}
    RETURNING j.id, j."hostId"`;
}

/**
 * The agent that had these jobs went away (socket closed, host removed): they are `unknown`,
 * never silently failed. The next claim redelivers them with a new attempt and the agent's
 * level-triggered executor reports the real state. Returns the job ids. One statement.
 */
export async function markJobsUnknown(
  db: Pick<Db, "$queryRaw">,
  options: { hostId: string; reason: string },
): Promise<{ id: string; hostId: string }[]> {
  return db.$queryRaw<{ id: string; hostId: string }[]>(markJobsUnknownSql(Prisma.sql`j."hostId" = ${options.hostId}`, options.reason));
}
