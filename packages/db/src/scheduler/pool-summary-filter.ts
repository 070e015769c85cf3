import type { PoolSelector } from "@vfleet/core";
import { Prisma } from "../generated/prisma/client.ts";

const text = (v: string | undefined) => v || null;
const list = (v: string[] | undefined) => (v && v.length > 0 ? v : null);

/**
 * The SQL twin of core's `poolPfs` + `hostMatches` over `PfCapacity c JOIN "Host" h`: which
 * stored PF summaries a VF pool selects (plus the request's own host labels). An empty list or
 * string selects nothing less, as in core.
 */
export function poolSummaryFilter(selector: PoolSelector, requestLabels: Record<string, string> = {}): Prisma.Sql {
  const s = selector;
  return Prisma.sql`${poolKindFilter(s, requestLabels)}
    AND (${list(s.addresses)}::text[] IS NULL OR c.address = ANY(${list(s.addresses)}::text[]))
    AND (${list(s.pfNames)}::text[] IS NULL OR c."netInterfaces" && ${list(s.pfNames)}::text[])
    AND (${text(s.linkSpeed)}::text IS NULL OR starts_with(COALESCE(c."linkSpeed", ''), ${text(s.linkSpeed)}))
    AND (${s.linkWidth ?? null}::int IS NULL OR c."linkWidth" = ${s.linkWidth ?? null})`;
}

/** The selector names PFs one by one (address, netdev, link): only per-PF rows can judge it, not NodeCapacity's sums. */
export function selectsSinglePfs(selector: PoolSelector): boolean {
  return (
    list(selector.addresses) !== null || list(selector.pfNames) !== null || text(selector.linkSpeed) !== null || selector.linkWidth != null
  );
}

/**
 * The part of `poolSummaryFilter` on the kind of PF, its node, its host and the host's labels:
 * what `PfCapacity c` and `NodeCapacity c` (each joined to `"Host" h`) can both judge.
 */
export function poolKindFilter(selector: PoolSelector, requestLabels: Record<string, string> = {}): Prisma.Sql {
  const s = selector;
  return Prisma.sql`h."removedAt" IS NULL AND (${text(s.vendorId)}::text IS NULL OR c."vendorId" = ${text(s.vendorId)})
    AND (${text(s.deviceId)}::text IS NULL OR c."deviceId" = ${text(s.deviceId)})
    AND (${text(s.driver)}::text IS NULL OR c.driver = ${text(s.driver)})
    AND (${s.numaNode ?? null}::int IS NULL OR c."numaNode" = ${s.numaNode ?? null})
    AND (${list(s.hosts)}::text[] IS NULL OR h.name = ANY(${list(s.hosts)}::text[]))
    AND ${hasLabels(s.hostLabels ?? {})} AND ${hasLabels(requestLabels)}`;
}

/** The host carries every one of these labels (each set is checked on its own, as core does). */
function hasLabels(labels: Record<string, string>): Prisma.Sql {
  if (Object.keys(labels).length === 0) return Prisma.sql`true`;
  return Prisma.sql`${JSON.stringify(labels)}::jsonb <@ (SELECT COALESCE(jsonb_object_agg(l.key, l.value), '{}'::jsonb) FROM "HostLabel" l WHERE l."hostId" = c."hostId")`;
}
