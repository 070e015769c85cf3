import { TERMINAL_JOB_STATES, type JobResult, type JobState } from "@vfleet/protocol";
import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { releaseResources } from "./release-resources.ts";
import { toJobView, type JobView } from "./job-view.ts";

export type RecordResultOutcome =
  { applied: false; reason: "unknown-job" | "stale-attempt" | "already-terminal" } | { applied: true; job: JobView; cancelled: string[] };

/**
 * The agent's result for one delivery. Deduplicated: a result for another attempt than the
 * job's current one, or for a job already terminal, changes nothing (at-least-once delivery
 * means duplicates are normal). A failure in a plan stops the plan: every job of it not yet
 * dispatched is cancelled with the reason, so the state left is explained.
 */
export async function recordJobResult(
  db: Db,
  p: { hostId: string; jobId: string; attempt: number; result: JobResult },
): Promise<RecordResultOutcome> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string; state: string; attempt: number; planId: string | null }[]>`
      SELECT id, state::text AS state, attempt, "planId" FROM "Job" WHERE id = ${p.jobId} AND "hostId" = ${p.hostId} FOR UPDATE`;
    if (!row) return { applied: false, reason: "unknown-job" } as const;
    if (TERMINAL_JOB_STATES.includes(row.state as JobState)) return { applied: false, reason: "already-terminal" } as const;
    if (row.attempt !== p.attempt) return { applied: false, reason: "stale-attempt" } as const;
    const { result } = p;
    const error = result.error ? `${result.error.code}: ${result.error.explanation}` : null;
    const updated = await tx.job.update({
      where: { id: p.jobId },
      data: { state: result.status, result: result as unknown as Prisma.InputJsonValue, error, finishedAt: new Date(), leaseUntil: null },
    });
    await tx.auditEvent.create({
      data: {
        actor: updated.createdBy,
        action: `job.${result.status}`,
        hostId: p.hostId,
        jobId: p.jobId,
        planId: row.planId,
        summary: `${updated.summary}${result.error ? ` — ${result.error.code}` : result.changed ? "" : " (already so: nothing written)"}`,
        before: (updated.before ?? Prisma.JsonNull) as Prisma.InputJsonValue,
        after: { changed: result.changed, observed: result.observed, error: result.error } as Prisma.InputJsonValue,
      },
    });
    let cancelled: string[] = [];
    if (result.status === "failed" && row.planId) {
      const reason = `plan stopped: job ${p.jobId} (${updated.summary}) failed — ${result.error?.explanation ?? "see its result"}`;
      const rows = await tx.job.findMany({ where: { planId: row.planId, state: "queued" }, select: { id: true } });
      cancelled = rows.map((r) => r.id);
      await tx.job.updateMany({ where: { id: { in: cancelled } }, data: { state: "cancelled", error: reason, finishedAt: new Date() } });
      await tx.plan.update({ where: { id: row.planId }, data: { stopReason: reason } });
      await tx.auditEvent.create({
        data: {
          actor: updated.createdBy,
          action: "plan.stopped",
          hostId: p.hostId,
          planId: row.planId,
          jobId: p.jobId,
          summary: `${reason} (${cancelled.length} jobs cancelled)`,
        },
      });
    }
    await releaseResources(tx, updated);
    return { applied: true, job: toJobView(updated), cancelled } as const;
  });
}
