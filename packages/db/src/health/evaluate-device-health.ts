import {
  type AerCounts,
  type HealthThresholds,
  HealthThresholdsOverride,
  judgeDeviceHealth,
  poolSelectsFunction,
  type PoolSelector,
  thresholdsFor,
} from "@vfleet/core";
import type { Db } from "../create-db.ts";
import { refreshPfCapacity } from "../scheduler/refresh-pf-capacity.ts";

/** Who the audit log names for what the health check decides by itself. */
export const HEALTH_ACTOR = "vfleet health (AER)";

export type HealthChange = { hostId: string; address: string; to: "degraded" | "quarantined" | "healthy" };

const KINDS = ["correctable", "nonfatal", "fatal"] as const;
const asCounts = (v: unknown): AerCounts | null => (v && typeof v === "object" ? (v as AerCounts) : null);
const show = (c: AerCounts | null) => (c ? KINDS.map((k) => `${k} ${c[k] ?? "?"}`).join(", ") : "none read");

/**
 * Judge the AER counters these hosts last reported against their thresholds (the defaults, with
 * the overrides of the pools that select each device) and act on what changed: a device reaching
 * the quarantine limits is quarantined (a DeviceQuarantine row by HEALTH_ACTOR: placement never
 * gives it again until an operator returns it), one reaching the degraded limits is marked
 * degraded, each audited with the counters as evidence. A device already quarantined is left as
 * it is: only an operator returns it. A counter below its baseline was reset by a reboot: the
 * baseline goes back to 0. Called after snapshots are stored.
 */
export async function evaluateDeviceHealth(db: Db, hostIds: string[], defaults: HealthThresholds): Promise<HealthChange[]> {
  const ids = [...new Set(hostIds)];
  if (ids.length === 0) return [];
  const [devices, health, quarantines, pools, hosts] = await Promise.all([
    db.pciDevice.findMany({
      where: { hostId: { in: ids } },
      select: {
        hostId: true,
        address: true,
        vendorId: true,
        deviceId: true,
        driver: true,
        numaNode: true,
        physfn: true,
        netInterfaces: true,
        linkCurrentSpeed: true,
        linkCurrentWidth: true,
        aer: true,
      },
    }),
    db.deviceHealth.findMany({ where: { hostId: { in: ids } } }),
    db.deviceQuarantine.findMany({ where: { hostId: { in: ids } }, select: { hostId: true, address: true } }),
    db.pool.findMany({ select: { name: true, selector: true, health: true } }),
    db.host.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, labels: { select: { key: true, value: true } } } }),
  ]);
  const key = (h: string, a: string) => `${h}/${a}`;
  const healthOf = new Map(health.map((r) => [key(r.hostId, r.address), r]));
  const quarantined = new Set(quarantines.map((q) => key(q.hostId, q.address)));
  const byAddress = new Map(devices.map((d) => [key(d.hostId, d.address), d]));
  const hostOf = new Map(hosts.map((h) => [h.id, { name: h.name, labels: Object.fromEntries(h.labels.map((l) => [l.key, l.value])) }]));
  const overrides = pools.flatMap((p) => {
    if (p.health === null) return [];
    const o = HealthThresholdsOverride.safeParse(p.health);
    return o.success ? [{ name: p.name, selector: p.selector as PoolSelector, override: o.data }] : [];
  });
  const changes: HealthChange[] = [];
  for (const d of devices) {
    const aer = asCounts(d.aer);
    const k = key(d.hostId, d.address);
    if (!aer || quarantined.has(k)) continue;
    const host = hostOf.get(d.hostId);
    if (!host) continue;
    // A VF pool selects PFs: a VF takes the thresholds of the pools that select its PF.
    const f = (d.physfn && byAddress.get(key(d.hostId, d.physfn))) || d;
    const fn = { ...f, linkSpeed: f.linkCurrentSpeed, linkWidth: f.linkCurrentWidth };
    const mine = overrides.filter((o) => poolSelectsFunction(o.selector, host, fn));
    const limits = thresholdsFor(
      defaults,
      mine.map((o) => o.override),
    );
    const row = healthOf.get(k);
    let baseline = asCounts(row?.baseline);
    const reset = baseline !== null && KINDS.some((c) => aer[c] !== null && baseline![c] !== null && aer[c]! < baseline![c]!);
    if (reset)
      baseline = Object.fromEntries(
        KINDS.map((c) => [c, aer[c] !== null && aer[c]! < (baseline![c] ?? 0) ? 0 : baseline![c]]),
      ) as AerCounts;
    const j = judgeDeviceHealth(aer, baseline, limits);
    const before = row?.state ?? "healthy";
    const to = j.state === "unknown" ? "healthy" : j.state;
    if (to === before && !reset) continue;
    const evidence = {
      aer,
      since: j.since,
      baseline,
      reached: j.reached,
      thresholds: limits,
      pools: mine.map((o) => o.name),
    };
    const where = `${d.address} on ${host.name}`;
    await db.$transaction(async (tx) => {
      await tx.deviceHealth.upsert({
        where: { hostId_address: { hostId: d.hostId, address: d.address } },
        create: { hostId: d.hostId, address: d.address, state: to, baseline: baseline ?? undefined },
        update: { state: to, ...(to !== before ? { since: new Date() } : {}), baseline: baseline ?? undefined },
      });
      if (to === before) return;
      if (to === "quarantined") {
        // An operator may have quarantined it since the read above: theirs stays.
        await tx.deviceQuarantine.createMany({
          data: [{ hostId: d.hostId, address: d.address, by: HEALTH_ACTOR, reason: `AER ${j.reached.join(", ")} (${show(aer)})` }],
          skipDuplicates: true,
        });
        await refreshPfCapacity(tx, d.hostId);
      }
      await tx.auditEvent.create({
        data: {
          actor: HEALTH_ACTOR,
          action: to === "quarantined" ? "device.quarantined" : to === "degraded" ? "device.degraded" : "device.healthy",
          hostId: d.hostId,
          summary:
            to === "quarantined"
              ? `${where} quarantined: AER ${j.reached.join(", ")} since ${row?.baselineAt ? `its return to service ${row.baselineAt.toISOString()}` : "boot"} (${show(aer)}); never placed until an operator returns it`
              : to === "degraded"
                ? `${where} degraded: AER ${j.reached.join(", ")} (${show(aer)})`
                : `${where} healthy again: its AER counters were reset (${show(aer)})`,
          before: { state: before },
          after: evidence,
        },
      });
    });
    if (to !== before) changes.push({ hostId: d.hostId, address: d.address, to });
  }
  return changes;
}
