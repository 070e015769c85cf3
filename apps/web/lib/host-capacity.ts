import { HOST_TOTAL_KEYS, type CapacityCounts, type GpuModelCounts } from "@vfleet/core";

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

/** A stored summary's `gpuModels`, checked for shape (summaries stored before GPUs were counted lack it). */
export function gpuModelsOf(capacity: unknown): GpuModelCounts {
  const value = capacity && typeof capacity === "object" ? (capacity as Record<string, unknown>).gpuModels : undefined;
  if (!value || typeof value !== "object") return {};
  const out: GpuModelCounts = {};
  for (const [model, c] of Object.entries(value as Record<string, unknown>)) {
    const r = (c ?? {}) as Record<string, unknown>;
    if (typeof r.ready === "number" && typeof r.needsBind === "number" && typeof r.assigned === "number")
      out[model] = { ready: r.ready, needsBind: r.needsBind, assigned: r.assigned };
  }
  return out;
}
