import type { Db } from "./create-db.ts";
import { SAMPLE_KEYS, type CapacitySampleCounts } from "./record-capacity-sample.ts";

export interface CapacityHistoryQuery {
  /** One host, or the whole fleet when absent. */
  hostId?: string;
  from: Date;
  to: Date;
  /** How many intervals [from, to] is cut into; a point per interval end, plus one at `from`. */
  buckets: number;
}

export interface CapacityPoint extends CapacitySampleCounts {
  at: Date;
}

/**
 * Capacity over time, downsampled in PostgreSQL: each point is the sum over hosts of each host's
 * latest sample at or before that time (the state at the end of its interval; of several changes
 * inside one interval the last shows). One pass over what the chart needs, however many points:
 * each host's latest sample before `from` (one index lookup per host, so years of older history
 * cost nothing) and the samples inside the range, turned into per-host deltas (window LAG) and
 * summed per interval, then carried forward.
 */
export async function readCapacityHistory(db: Db, query: CapacityHistoryQuery): Promise<CapacityPoint[]> {
  const fromMs = query.from.getTime();
  const stepMs = (query.to.getTime() - fromMs) / query.buckets;
  const deltas = SAMPLE_KEYS.map((k) => `"${k}" - coalesce(lag("${k}") OVER w, 0) AS "${k}"`).join(", ");
  const sums = SAMPLE_KEYS.map((k) => `sum("${k}")::int AS "${k}"`).join(", ");
  const rows = await db.$queryRawUnsafe<({ bucket: number } & CapacitySampleCounts)[]>(
    `
    WITH hosts AS (SELECT "id" FROM "Host" WHERE $4::text IS NULL OR "id" = $4),
    s AS (
      SELECT b."hostId", b."at", ${SAMPLE_KEYS.map((k) => `b."${k}"`).join(", ")} FROM hosts h CROSS JOIN LATERAL (
        SELECT * FROM "CapacitySample" c WHERE c."hostId" = h."id" AND c."at" <= $1::timestamptz AT TIME ZONE 'UTC' ORDER BY c."at" DESC LIMIT 1) b
      UNION ALL
      SELECT c."hostId", c."at", ${SAMPLE_KEYS.map((k) => `c."${k}"`).join(", ")} FROM "CapacitySample" c
      WHERE c."at" > $1::timestamptz AT TIME ZONE 'UTC' AND c."at" <= $2::timestamptz AT TIME ZONE 'UTC' AND ($4::text IS NULL OR c."hostId" = $4)),
    d AS (SELECT extract(epoch FROM "at") * 1000 AS ms, ${deltas} FROM s WINDOW w AS (PARTITION BY "hostId" ORDER BY "at"))
    SELECT greatest(-1, least($5::int - 1, ceil((ms - $6::float8) / $3::float8) - 1))::int AS bucket, ${sums}
    FROM d GROUP BY 1 ORDER BY 1`,
    query.from.toISOString(),
    query.to.toISOString(),
    stepMs,
    query.hostId ?? null,
    query.buckets,
    fromMs,
  );
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  const running = Object.fromEntries(SAMPLE_KEYS.map((k) => [k, 0])) as CapacitySampleCounts;
  const points: CapacityPoint[] = [];
  for (let i = -1; i < query.buckets; i++) {
    const row = byBucket.get(i);
    if (row) for (const k of SAMPLE_KEYS) running[k] += row[k];
    points.push({ at: new Date(fromMs + (i + 1) * stepMs), ...running });
  }
  return points;
}
