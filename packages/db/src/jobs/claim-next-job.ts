import type { Db } from "../create-db.ts";
import { toJobView, type JobView } from "./job-view.ts";
import { HAS_WORK } from "../processes/find-hosts-with-work.ts";

/**
 * Claim the next job to send to a host's agent and make it `dispatched` with a new attempt
 * and a lease, in one statement: `FOR UPDATE SKIP LOCKED`, so several control-plane processes
 * (or two triggers in one) never claim the same row. One job per host is in flight at a time
 * (the agent executes in order; a plan's order is its dependency order). First `unknown` jobs
 * (their agent went away mid-job: redelivered so the executor reports the real state), and
 * jobs whose lease ran out; then queued jobs whose dependencies all succeeded.
 * The host row is locked first: two claims for one host would otherwise each see no job in
 * flight and skip-lock different rows. A removed host gets nothing. `ownerId` is the claiming process (ControlPlaneProcess.id).
 */
export async function claimNextJob(db: Db, hostId: string, leaseMs: number, ownerId: string | null = null): Promise<JobView | null> {
  return db.$transaction(async (tx) => {
    const [host] = await tx.$queryRaw<{ removedAt: Date | null }[]>`SELECT "removedAt" FROM "Host" WHERE id = ${hostId} FOR UPDATE`;
    // A removed host's socket may still be open for a moment (and its removal wakes this claim): send it nothing.
    if (!host || host.removedAt) return null;
    const rows = await tx.$queryRaw<Parameters<typeof toJobView>[0][]>`
    WITH next AS (
      SELECT j.id FROM "Job" j
      WHERE j."hostId" = ${hostId}
        AND ${HAS_WORK}
        AND NOT EXISTS (SELECT 1 FROM "Job" d WHERE d.id = ANY(j."dependsOn") AND d.state <> 'succeeded')
        AND NOT EXISTS (
          SELECT 1 FROM "Job" f WHERE f."hostId" = j."hostId" AND f.id <> j.id
            AND f.state IN ('dispatched', 'running') AND f."leaseUntil" >= now())
      ORDER BY (j.state = 'queued'), j."createdAt", j."planStep"
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "Job" j SET state = 'dispatched', attempt = j.attempt + 1,
      "leaseUntil" = now() + make_interval(secs => ${leaseMs / 1000}::double precision),
      "dispatchedAt" = now(), "updatedAt" = now(), "ownerId" = ${ownerId}
    FROM next WHERE j.id = next.id
    RETURNING j.*`;
    return rows[0] ? toJobView(rows[0]) : null;
  });
}
