import { type AerCounts, type DeviceHealthState, deviceHealthStates } from "@vfleet/core";
import type { Db } from "../create-db.ts";

export type DeviceHealthView = { address: string; health: DeviceHealthState; since: Date | null; countsFrom: AerCounts | null };

/**
 * Each of these devices' health (core's deviceHealthStates over the stored judgements and
 * quarantines), with since when and the AER counters it counts from (those at its last return to
 * service; null: since boot).
 */
export async function listDeviceHealth(
  db: Db,
  hostId: string,
  devices: readonly { address: string; physfn: string | null; aer?: AerCounts | null }[],
): Promise<DeviceHealthView[]> {
  const [rows, quarantines] = await Promise.all([
    db.deviceHealth.findMany({ where: { hostId } }),
    db.deviceQuarantine.findMany({ where: { hostId }, select: { address: true, at: true } }),
  ]);
  const row = new Map(rows.map((r) => [r.address, r]));
  const quarantinedAt = new Map(quarantines.map((q) => [q.address, q.at]));
  const states = deviceHealthStates(devices, new Map(rows.map((r) => [r.address, r.state])), new Set(quarantinedAt.keys()));
  return devices.map((d) => {
    const health = states.get(d.address) ?? "unknown";
    const r = row.get(d.address);
    return {
      address: d.address,
      health,
      since: health === "quarantined" ? (quarantinedAt.get(d.address) ?? null) : health === "degraded" ? (r?.since ?? null) : null,
      countsFrom: (r?.baseline ?? null) as AerCounts | null,
    };
  });
}
