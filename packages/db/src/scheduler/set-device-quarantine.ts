import type { AerCounters } from "@vfleet/protocol";
import type { Db } from "../create-db.ts";
import { refreshPfCapacity } from "./refresh-pf-capacity.ts";

export type DeviceQuarantineView = { address: string; reason: string | null; by: string; at: Date };

export type QuarantineOutcome =
  { ok: true; changed: boolean; quarantine: DeviceQuarantineView | null } | { ok: false; reason: "no-host" | "no-device" };

/**
 * Quarantine a device or VF (placement stops giving it out; a PF's covers its VFs), or return it
 * to service: only an operator's action does either, recorded in the audit log with the reason.
 * The host's capacity summaries are refreshed in the same transaction, so the scheduler's
 * prefilter and the pool pages stop counting it at once. Quarantining again keeps the first
 * actor, time and reason (`changed: false`). The device's AER counters go in the audit event as
 * evidence; a return to service makes them the baseline device health counts from.
 */
export async function setDeviceQuarantine(
  db: Db,
  p: { hostId: string; address: string; quarantined: boolean; reason: string | null; actor: string },
): Promise<QuarantineOutcome> {
  return db.$transaction(async (tx) => {
    // Locks the host row: two requests for one device at once take turns, the second sees the first's row (no duplicate key).
    await tx.$executeRaw`SELECT 1 FROM "Host" WHERE id = ${p.hostId} FOR UPDATE`;
    const host = await tx.host.findFirst({ where: { id: p.hostId, removedAt: null }, select: { name: true } });
    if (!host) return { ok: false, reason: "no-host" } as const;
    const device = await tx.pciDevice.findUnique({
      where: { hostId_address: { hostId: p.hostId, address: p.address } },
      select: { address: true, aer: true },
    });
    // The counters as evidence, and on a return to service the baseline health counts from.
    const aer = (device?.aer ?? null) as AerCounters | null;
    const existing = await tx.deviceQuarantine.findUnique({ where: { hostId_address: { hostId: p.hostId, address: p.address } } });
    // Returning to service works for a device gone from the inventory too; quarantining needs one the host reported.
    if (!device && p.quarantined) return { ok: false, reason: "no-device" } as const;
    const view = (q: typeof existing) => (q ? { address: q.address, reason: q.reason, by: q.by, at: q.at } : null);
    if ((existing !== null) === p.quarantined) return { ok: true, changed: false, quarantine: view(existing) } as const;
    let now: typeof existing = null;
    if (p.quarantined) {
      now = await tx.deviceQuarantine.create({ data: { hostId: p.hostId, address: p.address, reason: p.reason, by: p.actor } });
      await tx.deviceHealth.updateMany({
        where: { hostId: p.hostId, address: p.address },
        data: { state: "quarantined", since: new Date() },
      });
    } else {
      await tx.deviceQuarantine.delete({ where: { hostId_address: { hostId: p.hostId, address: p.address } } });
      // Errors from before the return do not count again: health counts from these counters.
      const health = { state: "healthy", since: new Date(), baseline: aer ?? undefined, baselineAt: new Date() };
      await tx.deviceHealth.upsert({
        where: { hostId_address: { hostId: p.hostId, address: p.address } },
        create: { hostId: p.hostId, address: p.address, ...health },
        update: health,
      });
    }
    await tx.auditEvent.create({
      data: {
        actor: p.actor,
        action: p.quarantined ? "device.quarantined" : "device.returned-to-service",
        hostId: p.hostId,
        summary: p.quarantined
          ? `${p.address} on ${host.name} quarantined${p.reason ? `: ${p.reason}` : ""} (never placed until returned)`
          : `${p.address} on ${host.name} returned to service (quarantined ${existing!.at.toISOString()} by ${existing!.by}${existing!.reason ? `: ${existing!.reason}` : ""})`,
        before: existing ? { reason: existing.reason, by: existing.by, at: existing.at.toISOString() } : undefined,
        after: p.quarantined ? { reason: p.reason, aer } : { aer, countsFrom: aer },
      },
    });
    await refreshPfCapacity(tx, p.hostId);
    return { ok: true, changed: true, quarantine: view(now) } as const;
  });
}

/** A host's quarantined devices and VFs, by address. */
export async function listDeviceQuarantines(db: Db, hostId: string): Promise<DeviceQuarantineView[]> {
  const rows = await db.deviceQuarantine.findMany({ where: { hostId }, orderBy: { address: "asc" } });
  return rows.map((q) => ({ address: q.address, reason: q.reason, by: q.by, at: q.at }));
}
