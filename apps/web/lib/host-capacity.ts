import type { CapacityCounts } from "@vfleet/core";

const KEYS = ["possible", "created", "bound", "assigned", "free"] as const;

/** The capacity totals stored with a snapshot (the db keeps them as opaque JSON), checked for shape. */
export function capacityCountsOf(value: unknown): CapacityCounts | null {
  if (!value || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  return KEYS.every((k) => typeof record[k] === "number") ? (record as unknown as CapacityCounts) : null;
}
