import type { Db } from "../create-db.ts";

/**
 * A control-plane process joins: its row's heartbeat is what tells the others it is alive (and
 * that the jobs it dispatched still have a socket waiting for their results).
 */
export async function registerProcess(db: Db, id: string): Promise<void> {
  await db.controlPlaneProcess.create({ data: { id } });
}
