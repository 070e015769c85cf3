import { HOST_TOTAL_KEYS, type CapacityCounts } from "@vfleet/core";

const KEYS = ["possible", "created", "bound", "assigned", "free"] as const;

/** The capacity totals stored with a snapshot (the db keeps them as opaque JSON), checked for shape. */
export function capacityCountsOf(value: unknown): CapacityCounts | null {
  if (!value || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  return KEYS.every((k) => typeof record[k] === "number") ? (record as unknown as CapacityCounts) : null;
}

export type FleetCounts = Record<(typeof HOST_TOTAL_KEYS)[number], number | null>;

/** The fleet page's view of a stored summary: a count stored before it existed is null ("–"), not 0. */
export function fleetCountsOf(value: unknown): FleetCounts | null {
  if (!capacityCountsOf(value)) return null;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(HOST_TOTAL_KEYS.map((k) => [k, typeof record[k] === "number" ? record[k] : null])) as FleetCounts;
}
