import type { Db } from "../create-db.ts";

/**
 * The agent that had these jobs went away (socket closed, control plane restarted): they are
 * `unknown`, never silently failed. The next claim redelivers them with a new attempt and the
 * agent's level-triggered executor reports the real state. Without `hostId`: every host (at
 * control-plane start, when no socket can be open yet). Returns the job ids.
 */
export async function markJobsUnknown(db: Db, options: { hostId?: string; reason: string }): Promise<{ id: string; hostId: string }[]> {
  const rows = await db.job.findMany({ where: { state: { in: ["dispatched", "running"] }, ...(options.hostId ? { hostId: options.hostId } : {}) }, select: { id: true, hostId: true } });
  if (rows.length === 0) return [];
  await db.job.updateMany({ where: { id: { in: rows.map((r) => r.id) }, state: { in: ["dispatched", "running"] } }, data: { state: "unknown", error: options.reason, leaseUntil: null } });
  return rows;
}
