import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";

/** A job `j` with something to deliver: queued or unknown, or in flight with its lease run out. */
export const HAS_WORK = Prisma.sql`(j.state IN ('queued', 'unknown') OR (j.state IN ('dispatched', 'running') AND j."leaseUntil" < now()))`;

/**
 * Hosts with a job to deliver (HAS_WORK), for the dispatcher's slow safety poll: one statement for
 * the whole process, not one per host. An agent's hello asks the same of its own host inside
 * takeOverHostJobs, and claimNextJob picks among such jobs.
 */
export async function findHostsWithWork(db: Db): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ hostId: string }[]>`SELECT DISTINCT j."hostId" FROM "Job" j WHERE ${HAS_WORK}`;
  return new Set(rows.map((r) => r.hostId));
}
