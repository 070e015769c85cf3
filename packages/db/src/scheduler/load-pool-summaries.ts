import type { PoolSelector, SummaryHost } from "@vfleet/core";
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../create-db.ts";
import { poolSummaryFilter } from "./pool-summary-filter.ts";

type Row = {
  hostId: string;
  name: string;
  online: boolean;
  maintenance: boolean;
  address: string;
  numaNode: number | null;
  ready: number;
  bindable: number;
  creatable: number;
  assigned: number;
  reserved: number;
  inUse: number;
  link: "up" | "down" | null;
  version: string | null;
};

/**
 * A host's placement version: its snapshot hash and the row versions of its summary rows. Every
 * write that changes what placement sees of a host's PFs (a snapshot, a reservation, an
 * assignment, a release, a quarantine) rewrites that host's summary rows, so an equal version
 * means the same placement rows: the scheduler keeps rows read at a version until it moves.
 */
export const placementVersion = (host: Prisma.Sql) =>
  Prisma.sql`(SELECT COALESCE(${host}."snapshotHash", '') || '/' || COALESCE(string_agg(x.address || '=' || x.xmin::text, ',' ORDER BY x.address), '') FROM "PfCapacity" x WHERE x."hostId" = ${host}.id)`;

/** `version`: placementVersion, read with the counts when a few hosts are asked for ("" for the whole fleet). */
export type VersionedSummaryHost = SummaryHost & { version: string };

/**
 * A VF pool's PFs across the fleet as per-PF counts (`PfCapacity`), one query and no VF rows:
 * what pool capacity and what-if need (core's `poolCapacityOfSummaries`, `whatIfOfSummaries`).
 * Hosts in name order, PFs in address order, as `loadPlacementHosts` gives them. `hostIds`
 * narrows it to a few hosts (the prefilter's candidates).
 */
export async function loadPoolSummaries(
  db: Db,
  selector: PoolSelector,
  options: { hostLabels?: Record<string, string>; hostIds?: string[] } = {},
): Promise<VersionedSummaryHost[]> {
  const ids = options.hostIds ?? null;
  const rows = await db.$queryRaw<Row[]>`
    SELECT c."hostId", h.name, h.online, h."maintenanceAt" IS NOT NULL AS maintenance, c.address, c."numaNode", c.ready, c.bindable, c.creatable, c.assigned, c.reserved, c."inUse", c."portState" AS link,
      CASE WHEN ${ids}::text[] IS NULL THEN NULL ELSE ${placementVersion(Prisma.raw("h"))} END AS version
    FROM "PfCapacity" c JOIN "Host" h ON h.id = c."hostId"
    WHERE ${poolSummaryFilter(selector, options.hostLabels)} AND (${ids}::text[] IS NULL OR c."hostId" = ANY(${ids}::text[]))`;
  const hosts = new Map<string, VersionedSummaryHost>();
  for (const { hostId, name, online, maintenance, version, ...pf } of rows) {
    let host = hosts.get(hostId);
    if (!host) hosts.set(hostId, (host = { id: hostId, name, online, maintenance, pfs: [], version: version ?? "" }));
    host.pfs.push(pf);
  }
  for (const h of hosts.values()) h.pfs.sort((a, b) => a.address.localeCompare(b.address));
  return [...hosts.values()].sort((a, b) => a.name.localeCompare(b.name));
}
