import type { Db } from "../create-db.ts";
import { releaseResources } from "./release-resources.ts";
import { toJobView, type JobView } from "./job-view.ts";

export type CancelOutcome =
  { ok: true; job: JobView; cancelled: string[] } | { ok: false; reason: "not-found" } | { ok: false; reason: "not-queued"; state: string };

/**
 * Cancel a queued job (a job already sent to the agent may be half done: it is not cancelled,
 * its result is awaited). In a plan, jobs of the plan still queued are cancelled with it: a
 * plan runs in order, and what came after depends on it.
 */
export async function cancelJob(db: Db, p: { jobId: string; actor: string }): Promise<CancelOutcome> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ state: string; planId: string | null; planStep: number | null }[]>`
      SELECT state::text AS state, "planId", "planStep" FROM "Job" WHERE id = ${p.jobId} FOR UPDATE`;
    if (!row) return { ok: false, reason: "not-found" } as const;
    if (row.state !== "queued") return { ok: false, reason: "not-queued", state: row.state } as const;
    const reason = `cancelled by ${p.actor}`;
    const job = await tx.job.update({ where: { id: p.jobId }, data: { state: "cancelled", error: reason, finishedAt: new Date() } });
    let cancelled: string[] = [];
    if (row.planId) {
      const later = await tx.job.findMany({
        where: { planId: row.planId, state: "queued", planStep: { gt: row.planStep ?? 0 } },
        select: { id: true },
      });
      cancelled = later.map((r) => r.id);
      await tx.job.updateMany({
        where: { id: { in: cancelled } },
        data: { state: "cancelled", error: `plan stopped: job ${p.jobId} was ${reason}`, finishedAt: new Date() },
      });
      await tx.plan.update({ where: { id: row.planId }, data: { stopReason: `job ${p.jobId} (${job.summary}) was ${reason}` } });
    }
    await tx.auditEvent.create({
      data: {
        actor: p.actor,
        action: "job.cancelled",
        hostId: job.hostId,
        jobId: job.id,
        planId: row.planId,
        summary: `${job.summary}${cancelled.length ? ` (+${cancelled.length} later jobs of the plan)` : ""}`,
      },
    });
    await releaseResources(tx, job);
    return { ok: true, job: toJobView(job), cancelled } as const;
  });
}
