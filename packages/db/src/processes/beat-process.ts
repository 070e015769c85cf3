import type { Db } from "../create-db.ts";

/**
 * Refresh this process's heartbeat (re-creating its row if a peer pruned it while this process
 * was stalled), and prune rows of processes dead for an hour so the table stays small.
 */
export async function beatProcess(db: Db, id: string): Promise<void> {
  const now = new Date();
  await db.controlPlaneProcess.upsert({ where: { id }, create: { id, heartbeatAt: now }, update: { heartbeatAt: now } });
  await db.controlPlaneProcess.deleteMany({ where: { heartbeatAt: { lt: new Date(now.getTime() - 3_600_000) } } });
}

/** Remove this process's row at a clean shutdown: its jobs are orphans at once, not after the timeout. */
export async function unregisterProcess(db: Db, id: string): Promise<void> {
  await db.controlPlaneProcess.deleteMany({ where: { id } });
}
