import type { Db } from "./create-db.ts";
import { HOST_SUMMARY_SELECT, toHostSummary, type HostSummary } from "./host-summary.ts";

/** Sort keys a host list accepts, each a fixed SQL expression (never text from the request). */
export const HOST_SORT_KEYS = {
  name: `"name"`,
  status: `"online"`,
  lastSeen: `"lastSeenAt"`,
  possible: `("capacity"->>'possible')::int`,
  created: `("capacity"->>'created')::int`,
  bound: `("capacity"->>'bound')::int`,
  assigned: `("capacity"->>'assigned')::int`,
  free: `("capacity"->>'free')::int`,
  ready: `("capacity"->>'ready')::int`,
  needsBind: `("capacity"->>'needsBind')::int`,
  devices: `("capacity"->>'devices')::int`,
  gpus: `("capacity"->>'gpus')::int`,
  /** Worst first when descending: fail, warn, could not tell, pass (HostHealth.severity). */
  health: `hh."severity"`,
} as const;
export type HostSortKey = keyof typeof HOST_SORT_KEYS;

export interface HostPageQuery {
  /** Substring of the name or hostname, case-insensitive. */
  q?: string;
  sort?: HostSortKey;
  dir?: "asc" | "desc";
  limit: number;
  offset: number;
}

/**
 * One page of the host list, filtered and sorted in PostgreSQL: a fleet of thousands is never
 * loaded whole to show fifty rows. Ties sort by name so pages do not overlap.
 */
export async function listHostsPage(db: Db, query: HostPageQuery): Promise<{ hosts: HostSummary[]; total: number }> {
  const q = query.q?.trim() ?? "";
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const order = HOST_SORT_KEYS[query.sort ?? "name"];
  const dir = query.dir === "desc" ? "DESC" : "ASC";
  // Removed hosts (soft-deleted, see remove-host.ts) are in no list.
  const where = `WHERE "Host"."removedAt" IS NULL AND ($1 = '' OR "name" ILIKE $2 OR "hostname" ILIKE $2)`;
  const from = `"Host" LEFT JOIN "HostHealth" hh ON hh."hostId" = "Host"."id"`;
  const [ids, counted] = await Promise.all([
    db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT "id" FROM ${from} ${where} ORDER BY ${order} ${dir} NULLS LAST, "name" ASC LIMIT $3 OFFSET $4`,
      q,
      pattern,
      query.limit,
      query.offset,
    ),
    db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "Host" ${where}`, q, pattern),
  ]);
  const rows = await db.host.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: HOST_SUMMARY_SELECT });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { hosts: ids.flatMap((r) => (byId.has(r.id) ? [toHostSummary(byId.get(r.id)!)] : [])), total: counted[0]?.n ?? 0 };
}
