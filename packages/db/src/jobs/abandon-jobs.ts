import type { Db } from "../create-db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { releaseResources } from "./release-resources.ts";
import { toJobView, type JobView } from "./job-view.ts";

type Tx = Prisma.TransactionClient;

/** Deliveries of one job before the control plane stops waiting for a result (attempt 16 was seen). */
export const MAX_DELIVERIES = 5;

export type AbandonOutcome =
  | { ok: true; job: JobView; cancelled: string[] }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "not-unknown"; state: string };

/**
 * Mark one job `abandoned` inside `tx`: no result is awaited any more, its devices are free for
 * other jobs, a plan it belongs to stops (queued jobs cancelled), and the audit log says who gave
 * up and that the host's real state is not known. Returns the plan jobs it cancelled.
 */
async function abandonInTx(
  tx: Tx,
  job: { id: string; hostId: string; planId: string | null; summary: string },
  actor: string,
  reason: string,
): Promise<string[]> {
  await tx.job.update({ where: { id: job.id }, data: { state: "abandoned", error: reason, finishedAt: new Date(), leaseUntil: null } });
  let cancelled: string[] = [];
  if (job.planId) {
    const stop = `plan stopped: job ${job.id} (${job.summary}) was abandoned — ${reason}`;
    cancelled = (await tx.job.findMany({ where: { planId: job.planId, state: "queued" }, select: { id: true } })).map((r) => r.id);
    await tx.job.updateMany({ where: { id: { in: cancelled } }, data: { state: "cancelled", error: stop, finishedAt: new Date() } });
    await tx.plan.update({ where: { id: job.planId }, data: { stopReason: stop } });
  }
  await tx.auditEvent.create({
    data: {
      actor,
      action: "job.abandoned",
      hostId: job.hostId,
      jobId: job.id,
      planId: job.planId,
      summary: `${job.summary} — abandoned: ${reason}`,
      after: { state: "abandoned", reason, cancelled },
    },
  });
  await releaseResources(tx, job);
  return cancelled;
}

/**
 * An operator gives up on a job stuck in `unknown` (its host never came back): only `unknown`
 * jobs, since a job with a live agent still has a result coming. A result arriving later is
 * ignored (already terminal) and the agent's next scan shows the real state.
 */
export async function abandonJob(db: Db, p: { jobId: string; actor: string }): Promise<AbandonOutcome> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ state: string }[]>`SELECT state::text AS state FROM "Job" WHERE id = ${p.jobId} FOR UPDATE`;
    if (!row) return { ok: false, reason: "not-found" } as const;
    if (row.state !== "unknown") return { ok: false, reason: "not-unknown", state: row.state } as const;
    const job = await tx.job.findUniqueOrThrow({ where: { id: p.jobId } });
    const reason = `abandoned by ${p.actor} while unknown (${job.error ?? "no result"}); what it did on the host is not known: check the host before reusing its devices`;
    const cancelled = await abandonInTx(tx, job, p.actor, reason);
    return { ok: true, job: toJobView(await tx.job.findUniqueOrThrow({ where: { id: p.jobId } })), cancelled } as const;
  });
}

/**
 * Jobs of a host delivered `maxDeliveries` times without a result, which would go out again
 * (unknown, or lease run out): abandoned with that reason instead of redelivered for ever.
 * Called before each claim; returns the jobs abandoned and the plan jobs cancelled with them.
 */
export async function abandonExhaustedJobs(
  db: Db,
  hostId: string,
  maxDeliveries = MAX_DELIVERIES,
): Promise<{ abandoned: string[]; cancelled: string[] }> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; hostId: string; planId: string | null; summary: string }[]>`
      SELECT id, "hostId", "planId", summary FROM "Job"
      WHERE "hostId" = ${hostId} AND attempt >= ${maxDeliveries}
        AND (state = 'unknown' OR (state IN ('dispatched', 'running') AND "leaseUntil" < now()))
      FOR UPDATE SKIP LOCKED`;
    const cancelled: string[] = [];
    for (const r of rows) {
      cancelled.push(
        ...(await abandonInTx(
          tx,
          r,
          "vfleet",
          `no result after ${maxDeliveries} deliveries; redelivery stopped. What it did on the host is not known: check the host before reusing its devices`,
        )),
      );
    }
    return { abandoned: rows.map((r) => r.id), cancelled };
  });
}
