import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";

/**
 * The one UPDATE that makes in-flight jobs `unknown` (of one host, or of every host with null),
 * returning their ids and hosts: markJobsUnknown runs it alone, takeOverHostJobs inside a
 * statement that also asks whether the host has work.
 */
export function markJobsUnknownSql(hostId: string | null, reason: string): Prisma.Sql {
  return Prisma.sql`
    UPDATE "Job" SET state = 'unknown', error = ${reason}, "leaseUntil" = NULL, "updatedAt" = ${new Date()}
    WHERE state IN ('dispatched', 'running') AND (${hostId}::text IS NULL OR "hostId" = ${hostId})
    RETURNING id, "hostId"`;
}

/**
 * The agent that had these jobs went away (socket closed, control plane restarted): they are
 * `unknown`, never silently failed. The next claim redelivers them with a new attempt and the
 * agent's level-triggered executor reports the real state. Without `hostId`: every host (at
 * control-plane start, when no socket can be open yet). Returns the job ids. One statement.
 */
export async function markJobsUnknown(db: Pick<Db, "$queryRaw">, options: { hostId?: string; reason: string }): Promise<{ id: string; hostId: string }[]> {
  return db.$queryRaw<{ id: string; hostId: string }[]>(markJobsUnknownSql(options.hostId ?? null, options.reason));
}
