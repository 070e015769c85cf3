import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { HAS_WORK } from "../processes/find-hosts-with-work.ts";
import { markJobsUnknownSql } from "./mark-jobs-unknown.ts";

/**
 * An agent said hello on a new connection: jobs sent on an earlier one are `unknown` (redelivered,
 * the agent reports the real state), and the answer says whether the host has anything to claim
 * now (queued, unknown, or a lapsed lease). One statement instead of markJobsUnknown plus a work
 * check: most hellos find nothing, and at 5,000 agents connecting at once each round trip counts
 * `work` is read beside the UPDATE (same snapshot), so jobs it just made unknown count
 * through `lost`.
 */
export async function takeOverHostJobs(db: Db, hostId: string, reason: string): Promise<{ lost: string[]; work: boolean }> {
  const [row] = await db.$queryRaw<{ lost: string[]; work: boolean }[]>`
    WITH lost AS (${markJobsUnknownSql(Prisma.sql`j."hostId" = ${hostId}`, reason)})
    SELECT COALESCE((SELECT array_agg(id) FROM lost), '{}') AS lost,
      EXISTS (SELECT 1 FROM "Job" j WHERE j."hostId" = ${hostId} AND ${HAS_WORK}) AS work`;
  return { lost: row!.lost, work: row!.lost.length > 0 || row!.work };
}
