import type { Db } from "./create-db.ts";
import { revokeAgentCredentials } from "./revoke-agent-credentials.ts";
import { cancelJob } from "./jobs/cancel-job.ts";
import { markJobsUnknown } from "./jobs/mark-jobs-unknown.ts";

export type RemovedHost = { id: string; name: string; revoked: number; unknownJobs: string[]; cancelledJobs: string[] };

/**
 * An admin removes a host. A soft delete: the Host row stays (marked `removedAt`, offline,
 * renamed "<name> (removed <id>)" so a re-enrolled host can take the name again), because its
 * jobs, plans, audit events and assignment history reference it and must stay readable. Its
 * agent credentials are revoked, its scheduler summary dropped (nothing is placed on it), its
 * in-flight jobs become `unknown` and its queued ones are cancelled (their agent will never ask for
 * them; cancelling frees what they hold and stops their plans). The caller closes the live socket. Null for an unknown or
 * already removed host.
 */
export async function removeHost(db: Db, options: { hostId: string; actor: string; now?: Date }): Promise<RemovedHost | null> {
  const now = options.now ?? new Date();
  const removed = await db.$transaction(async (tx) => {
    const host = await tx.host.findFirst({ where: { id: options.hostId, removedAt: null }, select: { id: true, name: true } });
    if (!host) return null;
    const { revoked } = await revokeAgentCredentials(tx, host.id, now);
    await tx.host.update({
      where: { id: host.id },
      data: { removedAt: now, online: false, name: `${host.name} (removed ${host.id.slice(0, 8)})` },
    });
    await tx.pfCapacity.deleteMany({ where: { hostId: host.id } });
    await tx.nodeCapacity.deleteMany({ where: { hostId: host.id } });
    await tx.auditEvent.create({
      data: {
        actor: options.actor,
        action: "host.removed",
        hostId: host.id,
        summary: `host ${host.name} removed (${revoked} agent credential(s) revoked)`,
      },
    });
    return { id: host.id, name: host.name, revoked };
  });
  if (!removed) return null;
  const unknown = await markJobsUnknown(db, {
    hostId: removed.id,
    reason: `host ${removed.name} was removed while the job ran: what it did on the host is not known`,
  });
  // Oldest first: cancelling a plan's job cancels its later ones too (then "not-queued" here).
  const queued = await db.job.findMany({
    where: { hostId: removed.id, state: "queued" },
    orderBy: [{ createdAt: "asc" }, { planStep: "asc" }],
    select: { id: true },
  });
  const cancelledJobs: string[] = [];
  for (const { id } of queued) {
    const outcome = await cancelJob(db, { jobId: id, actor: options.actor });
    if (outcome.ok) cancelledJobs.push(id, ...outcome.cancelled);
  }
  return { ...removed, unknownJobs: unknown.map((j) => j.id), cancelledJobs };
}
