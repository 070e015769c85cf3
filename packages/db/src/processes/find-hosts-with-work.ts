import type { Db } from "../create-db.ts";

/**
 * Hosts with a job to deliver: queued or unknown, or in flight with its lease run out. The
 * dispatcher's slow safety poll (one statement for the whole process, not one per host) and
 * its check at an agent's hello. With `hostIds`, only those hosts.
 */
export async function findHostsWithWork(db: Db, hostIds?: readonly string[]): Promise<Set<string>> {
  const rows = hostIds
    ? await db.$queryRaw<{ hostId: string }[]>`
        SELECT DISTINCT "hostId" FROM "Job"
        WHERE "hostId" = ANY(${hostIds as string[]}::text[])
          AND (state IN ('queued', 'unknown') OR (state IN ('dispatched', 'running') AND "leaseUntil" < now()))`
    : await db.$queryRaw<{ hostId: string }[]>`
        SELECT DISTINCT "hostId" FROM "Job"
        WHERE state IN ('queued', 'unknown') OR (state IN ('dispatched', 'running') AND "leaseUntil" < now())`;
  return new Set(rows.map((r) => r.hostId));
}
