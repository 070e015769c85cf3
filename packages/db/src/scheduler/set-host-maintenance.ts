import type { Db } from "../create-db.ts";

export type MaintenanceChange = { hostId: string; name: string; enabled: boolean; changed: boolean };

/**
 * Put hosts in maintenance (or take them out), each recorded in the audit log with who and why.
 * A host already in the asked state keeps its original time, actor and reason (`changed: false`,
 * no event): a second operator confirming "in maintenance" does not rewrite who started it.
 * Unknown or removed hosts are left out of the answer.
 */
export async function setHostMaintenance(
  db: Db,
  p: { hostIds: string[]; enabled: boolean; reason: string | null; actor: string },
): Promise<MaintenanceChange[]> {
  return db.$transaction(async (tx) => {
    const hosts = await tx.host.findMany({
      where: { id: { in: p.hostIds }, removedAt: null },
      select: { id: true, name: true, maintenanceAt: true, maintenanceBy: true, maintenanceReason: true },
      orderBy: { name: "asc" },
    });
    const out: MaintenanceChange[] = [];
    for (const h of hosts) {
      const changed = (h.maintenanceAt !== null) !== p.enabled;
      out.push({ hostId: h.id, name: h.name, enabled: p.enabled, changed });
      if (!changed) continue;
      await tx.host.update({
        where: { id: h.id },
        data: p.enabled
          ? { maintenanceAt: new Date(), maintenanceBy: p.actor, maintenanceReason: p.reason }
          : { maintenanceAt: null, maintenanceBy: null, maintenanceReason: null },
      });
      await tx.auditEvent.create({
        data: {
          actor: p.actor,
          action: p.enabled ? "host.maintenance-started" : "host.maintenance-ended",
          hostId: h.id,
          summary: p.enabled
            ? `${h.name} in maintenance${p.reason ? `: ${p.reason}` : ""} (no new placements)`
            : `${h.name} out of maintenance (in maintenance since ${h.maintenanceAt!.toISOString()} by ${h.maintenanceBy ?? "unknown"})`,
          before: h.maintenanceAt ? { since: h.maintenanceAt.toISOString(), by: h.maintenanceBy, reason: h.maintenanceReason } : undefined,
          after: p.enabled ? { reason: p.reason } : undefined,
        },
      });
    }
    return out;
  });
}

/** Ids of the hosts carrying every one of these labels (removed hosts left out). */
export async function findHostIdsByLabels(db: Db, labels: Record<string, string>): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT h.id FROM "Host" h WHERE h."removedAt" IS NULL
      AND ${JSON.stringify(labels)}::jsonb <@ (SELECT COALESCE(jsonb_object_agg(l.key, l.value), '{}'::jsonb) FROM "HostLabel" l WHERE l."hostId" = h.id)
    ORDER BY h.name`;
  return rows.map((r) => r.id);
}

/** A plan holding reservations on a host, and its first job when none of its jobs has left the queue (null: it already runs, or ran part). */
export type HeldReservation = { planId: string; title: string; guest: string; addresses: string[]; queuedJobId: string | null };

/** The plans that hold reservations on a host: what maintenance keeps or releases by the operator's choice. */
export async function listHostReservations(db: Db, hostId: string): Promise<HeldReservation[]> {
  const rows = await db.$queryRaw<{ planId: string; title: string; guest: string; addresses: string[]; queuedJobId: string | null }[]>`
    SELECT a."planId", p.title, min(a.guest) AS guest, array_agg(a.address ORDER BY a.address) AS addresses,
      -- Only a plan none of whose jobs has started can be released whole: cancelling the rest of a
      -- plan that is under way would leave VFs created or bound and never attached.
      (SELECT j.id FROM "Job" j WHERE j."planId" = a."planId" AND j.state = 'queued'
         AND NOT EXISTS (SELECT 1 FROM "Job" s WHERE s."planId" = a."planId" AND s.state <> 'queued')
         ORDER BY j."planStep" ASC LIMIT 1) AS "queuedJobId"
    FROM "Assignment" a JOIN "Plan" p ON p.id = a."planId"
    WHERE a."hostId" = ${hostId} AND a.state = 'reserved' AND a."planId" IS NOT NULL
    GROUP BY a."planId", p.title ORDER BY a."planId"`;
  return rows;
}

/** The hosts in maintenance, by name: what the placement page lists as out of the scheduler's reach. */
export async function listMaintenanceHosts(
  db: Db,
): Promise<{ id: string; name: string; since: Date; by: string; reason: string | null }[]> {
  const rows = await db.host.findMany({
    where: { removedAt: null, maintenanceAt: { not: null } },
    select: { id: true, name: true, maintenanceAt: true, maintenanceBy: true, maintenanceReason: true },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    since: r.maintenanceAt!,
    by: r.maintenanceBy ?? "unknown",
    reason: r.maintenanceReason,
  }));
}
