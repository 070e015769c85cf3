import type { PlacementStrategy, PoolSelector, WhatIfRequest } from "@vfleet/core";
import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { poolKindFilter, poolSummaryFilter, selectsSinglePfs } from "./pool-summary-filter.ts";

/** What the prefilter judges: the what-if's request (count, NUMA, link, spread, cap, labels) on a pool's selector. */
export type CandidateQuery = WhatIfRequest & {
  selector: PoolSelector;
  strategy?: PlacementStrategy;
  /** The request's random offset: equally good hosts come in an order it shuffles (else by id), so concurrent requests look at different ones of many alike hosts instead of all at the same 8 (and collide on their VFs). */
  spread?: number;
  limit?: number;
};

/**
 * The SQL prefilter of a VF placement ("filter hosts in SQL, score in memory"): online hosts out of maintenance
 * whose pool PFs, per NUMA node (numa required), per host (none), or either (preferred), could
 * give `count` VFs over `minPfs` PFs with `maxPerPf` each, by the stored summaries; fewest
 * estimated jobs first (VFs to bind, then VFs to create). Returns host ids; the caller loads
 * those hosts' rows and decides on them. Null for a device pool (the summary holds PFs only):
 * then every host is a candidate. Reads NodeCapacity (one row per host, node and kind of PF)
 * unless the selector names single PFs or the request caps VFs per PF: then PfCapacity.
 */
export async function findCandidateHosts(db: Db, q: CandidateQuery): Promise<string[] | null> {
  return (await findRankedCandidateHosts(db, q))?.map((c) => c.hostId) ?? null;
}

/** A candidate with what ordered it (the strategy's free VFs, then VFs to bind, then VFs to create): equal keys are equally good. */
export type RankedCandidate = { hostId: string; key: [number, number, number] };

/** findCandidateHosts with each host's order key, so a caller may order equally good hosts its own way. */
export async function findRankedCandidateHosts(db: Db, q: CandidateQuery): Promise<RankedCandidate[] | null> {
  if (q.selector.kind === "device") return null;
  // Only the scopes the policy can use: per NUMA node, per host, or both (preferred).
  const scopes =
    q.numa === "required"
      ? Prisma.sql`GROUP BY "hostId", "numaNode" HAVING "numaNode" IS NOT NULL`
      : q.numa === "none"
        ? Prisma.sql`GROUP BY "hostId"`
        : Prisma.sql`GROUP BY GROUPING SETS (("hostId", "numaNode"), ("hostId")) HAVING GROUPING("numaNode") = 1 OR "numaNode" IS NOT NULL`;
  // What each row gives: a node's sums, or one PF's counts capped at maxPerPf.
  const cap = q.maxPerPf ?? 1 << 20;
  const anyLink = q.link === "any";
  const rows =
    q.maxPerPf === undefined && !selectsSinglePfs(q.selector)
      ? Prisma.sql`SELECT c."hostId", c."numaNode", c.ready, c.bindable, c.available AS avail, c.pfs
      FROM "NodeCapacity" c JOIN "Host" h ON h.id = c."hostId" WHERE h.online AND h."maintenanceAt" IS NULL AND (${anyLink}::boolean OR NOT c."portDown") AND ${poolKindFilter(q.selector, q.hostLabels)}`
      : Prisma.sql`SELECT c."hostId", c."numaNode", c.ready, c.bindable, LEAST(${cap}::int, c.ready + c.bindable + c.creatable) AS avail,
        (LEAST(${cap}::int, c.ready + c.bindable + c.creatable) > 0)::int AS pfs
      FROM "PfCapacity" c JOIN "Host" h ON h.id = c."hostId" WHERE h.online AND h."maintenanceAt" IS NULL AND (${anyLink}::boolean OR c."portState" IS DISTINCT FROM 'down')
        AND ${poolSummaryFilter(q.selector, q.hostLabels)}`;
  const found = await db.$queryRaw<{ hostId: string; k1: number; k2: number; k3: number }[]>`
    WITH given AS (${rows}), scope AS (
      SELECT "hostId", sum(avail) AS avail, sum(pfs) AS pfs, sum(ready) AS ready, sum(bindable) AS bindable
      FROM given ${scopes}
    )
    SELECT "hostId", ${strategyKey(q.strategy)}::float8 AS k1, min(GREATEST(0, ${q.count} - ready))::float8 AS k2,
      min(GREATEST(0, ${q.count} - ready - bindable))::float8 AS k3
    FROM scope
    WHERE avail >= ${q.count} AND pfs >= ${q.minPfs ?? 1}
    GROUP BY "hostId"
    ORDER BY k1, k2, k3, ${q.spread ? Prisma.sql`md5("hostId" || ${String(q.spread)}),` : Prisma.empty} "hostId"
    LIMIT ${q.limit ?? 8}`;
  return found.map((r) => ({ hostId: r.hostId, key: [r.k1, r.k2, r.k3] }));
}

/** Pack takes the candidates with the fewest free VFs first, spread those with the most; else by jobs alone (a key of 0). */
function strategyKey(strategy: PlacementStrategy | undefined): Prisma.Sql {
  if (strategy === "pack") return Prisma.sql`max(avail)`;
  if (strategy === "spread") return Prisma.sql`-max(avail)`;
  return Prisma.sql`0`;
}
