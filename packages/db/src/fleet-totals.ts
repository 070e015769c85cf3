import type { Db } from "./create-db.ts";

export interface CapacityTotals { hosts: number; possible: number; created: number; bound: number; assigned: number; free: number }

/**
 * Fleet capacity summed in PostgreSQL from each host's stored capacity summary, online and offline
 * apart: an offline host's VFs are not free to anyone until it returns.
 */
export async function fleetTotals(db: Db): Promise<{ online: CapacityTotals; offline: CapacityTotals }> {
  const rows = await db.$queryRawUnsafe<({ online: boolean } & CapacityTotals)[]>(`
    SELECT "online", count(*)::int AS hosts,
      coalesce(sum(("capacity"->>'possible')::int), 0)::int AS possible,
      coalesce(sum(("capacity"->>'created')::int), 0)::int AS created,
      coalesce(sum(("capacity"->>'bound')::int), 0)::int AS bound,
      coalesce(sum(("capacity"->>'assigned')::int), 0)::int AS assigned,
      coalesce(sum(("capacity"->>'free')::int), 0)::int AS free
    FROM "Host" WHERE "removedAt" IS NULL GROUP BY "online"`);
  const zero: CapacityTotals = { hosts: 0, possible: 0, created: 0, bound: 0, assigned: 0, free: 0 };
  const pick = (online: boolean): CapacityTotals => {
    const { online: _, ...t } = rows.find((r) => r.online === online) ?? { online, ...zero };
    return t;
  };
  return { online: pick(true), offline: pick(false) };
}
