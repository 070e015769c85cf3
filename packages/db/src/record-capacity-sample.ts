import type { HostCapacityTotals } from "@vfleet/core";
import type { Db } from "./create-db.ts";

/** The counts a capacity chart draws; one column each in CapacitySample. */
export const SAMPLE_KEYS = ["created", "ready", "needsBind", "assigned", "devices", "devicesReady", "devicesAssigned"] as const;
export type CapacitySampleCounts = Record<(typeof SAMPLE_KEYS)[number], number>;

/**
 * Append a capacity sample for the host unless its latest one has the same counts: history grows
 * with changes, not with snapshots. One statement, so the comparison and the insert see the same
 * latest row.
 */
export async function recordCapacitySample(db: Db, hostId: string, totals: HostCapacityTotals, at = new Date()): Promise<{ recorded: boolean }> {
  const values = SAMPLE_KEYS.map((k) => totals[k]);
  const columns = SAMPLE_KEYS.map((k) => `"${k}"`).join(", ");
  const params = SAMPLE_KEYS.map((_, i) => `$${i + 3}::int`);
  const same = SAMPLE_KEYS.map((k, i) => `last."${k}" = ${params[i]}`).join(" AND ");
  const inserted = await db.$executeRawUnsafe(`
    INSERT INTO "CapacitySample" ("hostId", "at", ${columns})
    SELECT $1, $2, ${params.join(", ")}
    WHERE NOT EXISTS (
      SELECT 1 FROM (SELECT * FROM "CapacitySample" WHERE "hostId" = $1 ORDER BY "at" DESC LIMIT 1) last WHERE ${same})
    ON CONFLICT DO NOTHING`, hostId, at, ...values);
  return { recorded: inserted > 0 };
}
