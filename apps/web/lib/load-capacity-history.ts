import type { CapacityPoint } from "@vfleet/db";
import type { CapacityHistoryQuery } from "./capacity-history-query.ts";
import { getControlPlaneContext } from "./control-plane-context.ts";

export interface CapacityHistory {
  hostId: string | null;
  hostName: string | null;
  from: Date;
  to: Date;
  points: CapacityPoint[];
}

/** The history behind the API and the capacity pages; null for an unknown host. */
export async function loadCapacityHistory(query: CapacityHistoryQuery, now = new Date()): Promise<CapacityHistory | null> {
  const { db, queries } = getControlPlaneContext();
  let hostName: string | null = null;
  if (query.hostId) {
    const host = await queries.getHostLiveness(db, query.hostId);
    if (!host) return null;
    hostName = host.name;
  }
  const from = new Date(now.getTime() - query.hours * 3_600_000);
  const points = await queries.readCapacityHistory(db, { hostId: query.hostId, from, to: now, buckets: query.points });
  return { hostId: query.hostId ?? null, hostName, from, to: now, points };
}
