import { HOST_TOTAL_KEYS, type GpuModelCounts } from "@vfleet/core";
import type { Db } from "./create-db.ts";

/** Counts summed over hosts: the keys of core's HostCapacityTotals. */
const TOTAL_KEYS = HOST_TOTAL_KEYS;
export type CapacityTotals = { hosts: number } & Record<(typeof TOTAL_KEYS)[number], number>;

/**
 * Fleet capacity summed in PostgreSQL from each host's stored capacity summary, online and offline
 * apart, and the online hosts' GPUs by model: an offline host's VFs are not free to anyone until it returns. A summary stored before a
 * key existed counts 0 for it until the host's inventory next changes.
 */
export async function fleetTotals(
  db: Db,
): Promise<{ online: CapacityTotals; offline: CapacityTotals; gpuModels: GpuModelCounts; maintenance: number }> {
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
  return { online: pick(true), offline: pick(false), gpuModels: await onlineGpuModels(db), maintenance: held?.n ?? 0 };
}

/** Whole GPUs of online hosts by model and state, summed from each summary's `gpuModels`. */
async function onlineGpuModels(db: Db): Promise<GpuModelCounts> {
  const rows = await db.$queryRawUnsafe<{ model: string; ready: number; needsBind: number; assigned: number }[]>(`
    SELECT m.key AS model,
      coalesce(sum((m.value->>'ready')::int), 0)::int AS ready,
      coalesce(sum((m.value->>'needsBind')::int), 0)::int AS "needsBind",
      coalesce(sum((m.value->>'assigned')::int), 0)::int AS assigned
    FROM "Host" h, jsonb_each(CASE WHEN jsonb_typeof(h."capacity"->'gpuModels') = 'object' THEN h."capacity"->'gpuModels' ELSE '{}'::jsonb END) m
    WHERE h."removedAt" IS NULL AND h."online"
    GROUP BY m.key ORDER BY m.key`);
  return Object.fromEntries(rows.map(({ model, ...counts }) => [model, counts]));
}
