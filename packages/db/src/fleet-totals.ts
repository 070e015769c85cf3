import { HOST_TOTAL_KEYS } from "@vfleet/core";
import type { Db } from "./create-db.ts";

/** Counts summed over hosts: the keys of core's HostCapacityTotals. */
const TOTAL_KEYS = HOST_TOTAL_KEYS;
export type CapacityTotals = { hosts: number } & Record<(typeof TOTAL_KEYS)[number], number>;

/**
 * Fleet capacity summed in PostgreSQL from each host's stored capacity summary, online and offline
 * apart: an offline host's VFs are not free to anyone until it returns. A summary stored before a
 * key existed counts 0 for it until the host's inventory next changes.
 */
export async function fleetTotals(db: Db): Promise<{ online: CapacityTotals; offline: CapacityTotals; maintenance: number }> {
  const sums = TOTAL_KEYS.map((k) => `coalesce(sum(("capacity"->>'${k}')::int), 0)::int AS "${k}"`).join(",\n      ");
  const rows = await db.$queryRawUnsafe<({ online: boolean } & CapacityTotals)[]>(`
    SELECT "online", count(*)::int AS hosts,
      ${sums}
    FROM "Host" WHERE "removedAt" IS NULL GROUP BY "online"`);
  const zero = Object.fromEntries(["hosts", ...TOTAL_KEYS].map((k) => [k, 0])) as CapacityTotals;
  const pick = (online: boolean): CapacityTotals => {
    const { online: _, ...t } = rows.find((r) => r.online === online) ?? { online, ...zero };
    return t;
  };
  // Hosts in maintenance stay in the sums above (their VFs exist) and are counted apart: the scheduler gives nothing on them.
  const [held] = await db.$queryRaw<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM "Host" WHERE "removedAt" IS NULL AND "maintenanceAt" IS NOT NULL`;
  return { online: pick(true), offline: pick(false), maintenance: held?.n ?? 0 };
}
