import type { HostCapacityTotals } from "@vfleet/core";
import type { Db } from "./create-db.ts";

/** The counts a capacity chart draws; one column each in CapacitySample. */
export const SAMPLE_KEYS = ["created", "ready", "needsBind", "assigned", "devices", "devicesReady", "devicesAssigned"] as const;
export type CapacitySampleCounts = Record<(typeof SAMPLE_KEYS)[number], number>;

export interface CapacitySampleInput {
  hostId: string;
  totals: HostCapacityTotals;
  at: Date;
}

/**
 * Append a capacity sample for each host unless its latest one has the same counts: history
 * grows with changes, not with snapshots. One statement for every host (a snapshot burst writes
 * them together), so each comparison and its insert see the same latest row. Returns the hosts
 * that got a sample. One entry per host.
 */
export async function recordCapacitySamples(db: Pick<Db, "$queryRawUnsafe">, samples: CapacitySampleInput[]): Promise<Set<string>> {
  if (samples.length === 0) return new Set();
  const rows = samples.map((s) => ({
    hostId: s.hostId,
    at: s.at.toISOString(),
    ...Object.fromEntries(SAMPLE_KEYS.map((k) => [k, s.totals[k]])),
  }));
  const columns = SAMPLE_KEYS.map((k) => `"${k}"`).join(", ");
  const same = SAMPLE_KEYS.map((k) => `last."${k}" = r."${k}"`).join(" AND ");
  const inserted = await db.$queryRawUnsafe<{ hostId: string }[]>(
    `
    INSERT INTO "CapacitySample" ("hostId", "at", ${columns})
    SELECT r."hostId", r."at", ${SAMPLE_KEYS.map((k) => `r."${k}"`).join(", ")}
    FROM jsonb_to_recordset($1::jsonb) AS r("hostId" text, "at" timestamp(3), ${SAMPLE_KEYS.map((k) => `"${k}" int`).join(", ")})
    WHERE NOT EXISTS (
      SELECT 1 FROM (SELECT * FROM "CapacitySample" c WHERE c."hostId" = r."hostId" ORDER BY c."at" DESC LIMIT 1) last WHERE ${same})
    ON CONFLICT DO NOTHING
    RETURNING "hostId"`,
    JSON.stringify(rows),
  );
  return new Set(inserted.map((r) => r.hostId));
}

/** One host's sample (see recordCapacitySamples). */
export async function recordCapacitySample(
  db: Db,
  hostId: string,
  totals: HostCapacityTotals,
  at = new Date(),
): Promise<{ recorded: boolean }> {
  return { recorded: (await recordCapacitySamples(db, [{ hostId, totals, at }])).has(hostId) };
}
