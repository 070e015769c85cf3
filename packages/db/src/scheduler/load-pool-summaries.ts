import type { PoolSelector, SummaryHost } from "@vfleet/core";
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
};

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
): Promise<SummaryHost[]> {
  const ids = options.hostIds ?? null;
  const rows = await db.$queryRaw<Row[]>`
    SELECT c."hostId", h.name, h.online, h."maintenanceAt" IS NOT NULL AS maintenance, c.address, c."numaNode", c.ready, c.bindable, c.creatable, c.assigned, c.reserved, c."inUse", c."portState" AS link
    FROM "PfCapacity" c JOIN "Host" h ON h.id = c."hostId"
    WHERE ${poolSummaryFilter(selector, options.hostLabels)} AND (${ids}::text[] IS NULL OR c."hostId" = ANY(${ids}::text[]))`;
  const hosts = new Map<string, SummaryHost>();
  for (const { hostId, name, online, maintenance, ...pf } of rows) {
    let host = hosts.get(hostId);
    if (!host) hosts.set(hostId, (host = { id: hostId, name, online, maintenance, pfs: [] }));
    host.pfs.push(pf);
  }
  for (const h of hosts.values()) h.pfs.sort((a, b) => a.address.localeCompare(b.address));
  return [...hosts.values()].sort((a, b) => a.name.localeCompare(b.name));
}
