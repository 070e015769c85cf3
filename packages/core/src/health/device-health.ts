import { z } from "zod";
import type { AerCounters } from "@vfleet/protocol";

/**
 * Device health from PCIe AER counters. A device's counters are totals since boot; health counts
 * from a baseline (the counters when an operator last returned it to service), so the errors that
 * got it quarantined do not quarantine it again. A counter below its baseline was reset (the host
 * rebooted, or the device was removed and came back): it counts from 0.
 */
export type DeviceHealthState = "healthy" | "degraded" | "quarantined" | "unknown";

const Limit = z
  .number()
  .int("must be an integer")
  .min(1, "must be at least 1 (null: this counter never decides)")
  .max(Number.MAX_SAFE_INTEGER, "must be at most 2^53-1")
  .nullable();
const Limits = z.strictObject({ correctable: Limit, nonfatal: Limit, fatal: Limit });

/** Errors since the baseline at which a device is degraded, and quarantined (a limit is reached when the count is at least it). */
export const HealthThresholds = z.strictObject({ degraded: Limits, quarantined: Limits });
export type HealthThresholds = z.infer<typeof HealthThresholds>;

/** A pool's override: any limit it sets wins over the default for the devices it selects. */
export const HealthThresholdsOverride = z.strictObject({ degraded: Limits.partial().optional(), quarantined: Limits.partial().optional() });
export type HealthThresholdsOverride = z.infer<typeof HealthThresholdsOverride>;

/**
 * The defaults. Correctable errors are fixed by the link itself (a replayed TLP, a retrained lane)
 * and a few are normal on a long-running host: many of them mean a failing link or slot. A
 * non-fatal error lost a transaction the driver had to recover: one degrades, five quarantine.
 * A fatal error took the link down: one quarantines.
 */
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  degraded: { correctable: 10, nonfatal: 1, fatal: 1 },
  quarantined: { correctable: 1000, nonfatal: 5, fatal: 1 },
};

const KINDS = ["correctable", "nonfatal", "fatal"] as const;

/**
 * The limits for one device: the defaults with its pools' overrides applied; where several pools
 * select it and set the same limit, the lowest (strictest) wins.
 */
export function thresholdsFor(defaults: HealthThresholds, overrides: readonly HealthThresholdsOverride[]): HealthThresholds {
  const pick = (level: "degraded" | "quarantined") => {
    const out = { ...defaults[level] };
    for (const k of KINDS) {
      const set = overrides.map((o) => o[level]?.[k]).filter((v) => v !== undefined);
      if (set.length === 0) continue;
      const numbers = set.filter((v): v is number => v !== null);
      out[k] = numbers.length > 0 ? Math.min(...numbers) : null;
    }
    return out;
  };
  return { degraded: pick("degraded"), quarantined: pick("quarantined") };
}

export type AerCounts = AerCounters;

interface HealthJudgement {
  /** `quarantined` here means the counters reached the quarantine limits (the caller quarantines). */
  state: DeviceHealthState;
  /** Errors since the baseline, per counter; null: could not tell. */
  since: AerCounts;
  /** The limits reached, as evidence: `fatal 1 >= 1`. */
  reached: string[];
}

/** Judge a device's counters against its limits, counting from `baseline` (null: from 0). */
export function judgeDeviceHealth(aer: AerCounts | null, baseline: AerCounts | null, t: HealthThresholds): HealthJudgement {
  const since = { correctable: null, nonfatal: null, fatal: null } as Record<(typeof KINDS)[number], number | null>;
  for (const k of KINDS) {
    const now = aer?.[k] ?? null;
    if (now === null) continue;
    const base = baseline?.[k] ?? 0;
    since[k] = now >= base ? now - base : now;
  }
  if (KINDS.every((k) => since[k] === null)) return { state: "unknown", since, reached: [] };
  const reached = (level: "degraded" | "quarantined") =>
    KINDS.flatMap((k) => {
      const limit = t[level][k];
      const n = since[k];
      return limit !== null && n !== null && n >= limit ? [`${k} ${n} >= ${limit}`] : [];
    });
  const q = reached("quarantined");
  if (q.length > 0) return { state: "quarantined", since, reached: q };
  const d = reached("degraded");
  return { state: d.length > 0 ? "degraded" : "healthy", since, reached: d };
}

/**
 * Each device's health for the pages and the API: quarantined when it or its PF is (a PF's
 * quarantine covers its VFs); else what the health check last judged of its counters (`stored`:
 * degraded or healthy); without counters of its own, a VF takes its PF's (they share the PF's
 * link, whose errors the PF reports) and any other device could not be told (`unknown`).
 */
export function deviceHealthStates(
  devices: readonly { address: string; physfn: string | null; aer?: AerCounts | null }[],
  stored: ReadonlyMap<string, string>,
  quarantined: ReadonlySet<string>,
): Map<string, DeviceHealthState> {
  const byAddress = new Map(devices.map((d) => [d.address, d]));
  const own = (address: string): DeviceHealthState => {
    const d = byAddress.get(address);
    if (quarantined.has(address)) return "quarantined";
    if (!d?.aer || KINDS.every((k) => d.aer![k] === null)) return "unknown";
    return stored.get(address) === "degraded" ? "degraded" : "healthy";
  };
  return new Map(
    devices.map((d) => {
      const mine = own(d.address);
      if (!d.physfn || mine === "quarantined") return [d.address, mine];
      const pf = own(d.physfn);
      if (pf === "quarantined" || mine === "unknown") return [d.address, pf];
      return [d.address, mine === "degraded" || pf === "degraded" ? "degraded" : mine];
    }),
  );
}
