import type { NumaPolicy, PoolSelector } from "@vfleet/core";
import type { Db } from "../create-db.ts";

export type CandidateQuery = { selector: PoolSelector; count: number; numa: NumaPolicy; minPfs?: number; maxPerPf?: number; hostLabels?: Record<string, string>; limit?: number };

/**
 * The SQL prefilter of a VF placement ("filter hosts in SQL, score in memory"): online hosts
 * whose pool PFs, per NUMA node (numa required), per host (none), or either (preferred), could
 * give `count` VFs over `minPfs` PFs with `maxPerPf` each, by the PfCapacity summary; fewest
 * estimated jobs first (VFs to bind, then VFs to create). Returns host ids; the caller loads
 * those hosts' rows and decides on them. Null when the selector uses something the summary
 * does not hold (PF names, link): then every host is a candidate.
 */
export async function findCandidateHosts(db: Db, q: CandidateQuery): Promise<string[] | null> {
  const s = q.selector;
  if (s.kind === "device" || s.pfNames?.length || s.linkSpeed || s.linkWidth !== undefined) return null;
  const cap = q.maxPerPf ?? 1 << 20;
  const labels = JSON.stringify({ ...s.hostLabels, ...q.hostLabels });
  const byNode = q.numa !== "none";
  const byHost = q.numa !== "required";
  const rows = await db.$queryRaw<{ hostId: string }[]>`
    WITH pf AS (
      SELECT c."hostId", c."numaNode", c.ready, c.bindable, LEAST(${cap}::int, c.ready + c.bindable + c.creatable) AS avail
      FROM "PfCapacity" c JOIN "Host" h ON h.id = c."hostId"
      WHERE h.online
        AND (${s.vendorId ?? null}::text IS NULL OR c."vendorId" = ${s.vendorId ?? null})
        AND (${s.deviceId ?? null}::text IS NULL OR c."deviceId" = ${s.deviceId ?? null})
        AND (${s.driver ?? null}::text IS NULL OR c.driver = ${s.driver ?? null})
        AND (${s.numaNode ?? null}::int IS NULL OR c."numaNode" = ${s.numaNode ?? null})
        AND (${s.addresses ?? null}::text[] IS NULL OR c.address = ANY(${s.addresses ?? null}::text[]))
        AND (${s.hosts ?? null}::text[] IS NULL OR h.name = ANY(${s.hosts ?? null}::text[]))
        AND (${labels}::jsonb = '{}'::jsonb OR ${labels}::jsonb <@ (SELECT COALESCE(jsonb_object_agg(l.key, l.value), '{}'::jsonb) FROM "HostLabel" l WHERE l."hostId" = c."hostId"))
    ), scope AS (
      SELECT "hostId", sum(avail) AS avail, count(*) FILTER (WHERE avail > 0) AS pfs, sum(ready) AS ready, sum(bindable) AS bindable
      FROM pf
      GROUP BY GROUPING SETS (("hostId", "numaNode"), ("hostId"))
      HAVING (GROUPING("numaNode") = 0 AND ${byNode} AND "numaNode" IS NOT NULL) OR (GROUPING("numaNode") = 1 AND ${byHost})
    )
    SELECT "hostId" FROM scope
    WHERE avail >= ${q.count} AND pfs >= ${q.minPfs ?? 1}
    GROUP BY "hostId"
    ORDER BY min(GREATEST(0, ${q.count} - ready)), min(GREATEST(0, ${q.count} - ready - bindable)), "hostId"
    LIMIT ${q.limit ?? 8}`;
  return rows.map((r) => r.hostId);
}
