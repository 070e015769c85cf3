import type { Db } from "@vfleet/db";

/**
 * Placements a control-plane process runs at once (per database client). Each one reads the
 * candidate hosts and an inventory and then holds a short transaction (the plan and its
 * reservations); while one waits on PostgreSQL the others decide. Far beyond the pool's
 * connections they would only queue on the one event loop, and a transaction that waits there
 * past Prisma's limit expires: requests over the limit wait their turn (FIFO) instead. 8, not
 * the former 2: with 8 concurrent clients at 5,000 hosts the bench (`pnpm bench placement`)
 * measured twice the dry runs per second, on the same loaded machine.
 */
export const PLACEMENTS_PER_PROCESS = 8;

const queues = new WeakMap<Db, { running: number; waiting: (() => void)[]; limit: number }>();

export async function withPlacementSlot<T>(db: Db, run: () => Promise<T>): Promise<T> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { running: 0, waiting: [], limit: PLACEMENTS_PER_PROCESS }));
  if (q.running >= q.limit) await new Promise<void>((resolve) => q.waiting.push(resolve));
  else q.running++;
  try {
    return await run();
  } finally {
    const next = q.waiting.shift();
    if (next) next();
    else q.running--;
  }
}
