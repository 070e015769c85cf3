import type { JobStep } from "@vfleet/protocol";
import type { Db } from "../create-db.ts";

/**
 * A step the agent streamed. Only the current attempt of a live job counts: a step from an
 * older delivery (or for a terminal job) changes nothing. The first step moves `dispatched`
 * to `running`. Returns whether it was recorded.
 */
export async function recordJobProgress(db: Db, p: { hostId: string; jobId: string; attempt: number; step: JobStep }): Promise<boolean> {
  const stored = JSON.stringify([{ ...p.step, attempt: p.attempt }]);
  const n = await db.$executeRaw`
    UPDATE "Job" SET steps = steps || ${stored}::jsonb, state = 'running', "updatedAt" = now()
    WHERE id = ${p.jobId} AND "hostId" = ${p.hostId} AND attempt = ${p.attempt} AND state IN ('dispatched', 'running')`;
  return n === 1;
}
