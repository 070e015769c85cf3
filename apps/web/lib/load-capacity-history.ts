import type { CapacityPoint } from "@vfleet/db";
import { autoCapacityWindow } from "./capacity-window.ts";
import type { CapacityHistoryQuery } from "./capacity-history-query.ts";
import { getControlPlaneContext } from "./control-plane-context.ts";

export interface CapacityHistory {
  hostId: string | null;
  hostName: string | null;
  from: Date;
  to: Date;
  /** The window's length; fractional for a window chosen from the first report. */
  hours: number;
  /** The window starts at the first report (nobody chose a range). */
  sinceFirstReport: boolean;
  points: CapacityPoint[];
}

/**
 * The history behind the API and the capacity pages; null for an unknown host. Without `hours`
 * the window is chosen from the data (autoCapacityWindow); the API always passes its hours.
 */
export async function loadCapacityHistory(
  query: Omit<CapacityHistoryQuery, "hours"> & { hours?: number },
  now = new Date(),
): Promise<CapacityHistory | null> {
  const { db, queries } = getControlPlaneContext();
  let hostName: string | null = null;
  if (query.hostId) {
    const host = await queries.getHostLiveness(db, query.hostId);
    if (!host) return null;
    hostName = host.name;
  }
  let window = { from: new Date(now.getTime() - (query.hours ?? 24) * 3_600_000), hours: query.hours ?? 24 };
  if (query.hours === undefined) {
    const first = await db.capacitySample.findFirst({
      where: query.hostId ? { hostId: query.hostId } : {},
      orderBy: { at: "asc" },
      select: { at: true },
    });
    window = autoCapacityWindow(first?.at ?? null, now);
  }
  const points = await queries.readCapacityHistory(db, { hostId: query.hostId, from: window.from, to: now, buckets: query.points });
  return {
    hostId: query.hostId ?? null,
    hostName,
    from: window.from,
    to: now,
    hours: window.hours,
    sinceFirstReport: query.hours === undefined,
    points,
  };
}
