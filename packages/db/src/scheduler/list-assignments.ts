import type { Db } from "../create-db.ts";

export type AssignmentView = {
  hostId: string;
  host: string;
  address: string;
  pf: string | null;
  guest: string;
  pool: string | null;
  state: "reserved" | "assigned";
  planId: string | null;
  releasePlanId: string | null;
  mac: string | null;
  vlan: number | null;
  createdBy: string;
  reservedAt: string;
  assignedAt: string | null;
  previous: { driver: string | null; mac: string | null; vlan: number | null };
  /** The stored inventory contradicts it: the guest's definition no longer names the function. */
  drift: string | null;
};

export type OutsideAssignment = { hostId: string; host: string; address: string; guest: string; drift: string };

type Row = Omit<AssignmentView, "reservedAt" | "assignedAt" | "previous" | "drift"> & {
  reservedAt: Date;
  assignedAt: Date | null;
  previousDriver: string | null;
  previousMac: string | null;
  previousVlan: number | null;
  inGuest: boolean;
  elsewhere: string | null;
};

/**
 * vfleet's assignments (and reservations) with drift against the stored inventory: an assigned
 * function the guest's definition no longer names, or that another guest names; plus VFs a
 * guest holds that vfleet never assigned (attached outside vfleet).
 */
export async function listAssignments(
  db: Db,
  filter: { hostId?: string; guest?: string } = {},
): Promise<{ assignments: AssignmentView[]; outside: OutsideAssignment[] }> {
  const hostId = filter.hostId ?? null;
  const guest = filter.guest ?? null;
  const rows = await db.$queryRaw<Row[]>`
    SELECT a."hostId", h.name AS host, a.address, a.pf, a.guest, a.pool, a.state::text AS state, a."planId", a."releasePlanId", a.mac, a.vlan,
           a."createdBy", a."reservedAt", a."assignedAt", a."previousDriver", a."previousMac", a."previousVlan",
           EXISTS (SELECT 1 FROM "GuestHostdev" g WHERE g."hostId" = a."hostId" AND g."guestName" = a.guest AND g.address = a.address) AS "inGuest",
           (SELECT g."guestName" FROM "GuestHostdev" g WHERE g."hostId" = a."hostId" AND g.address = a.address AND g."guestName" <> a.guest LIMIT 1) AS elsewhere
    FROM "Assignment" a JOIN "Host" h ON h.id = a."hostId"
    WHERE a.transient = false AND (${hostId}::text IS NULL OR a."hostId" = ${hostId}) AND (${guest}::text IS NULL OR a.guest = ${guest})
    ORDER BY h.name, a.guest, a.address`;
  const outside = await db.$queryRaw<{ hostId: string; host: string; address: string; guest: string }[]>`
    SELECT g."hostId", h.name AS host, g.address, g."guestName" AS guest
    FROM "GuestHostdev" g JOIN "Host" h ON h.id = g."hostId"
    JOIN "PciDevice" d ON d."hostId" = g."hostId" AND d.address = g.address AND d.physfn IS NOT NULL
    WHERE NOT EXISTS (SELECT 1 FROM "Assignment" a WHERE a."hostId" = g."hostId" AND a.address = g.address)
      AND (${hostId}::text IS NULL OR g."hostId" = ${hostId}) AND (${guest}::text IS NULL OR g."guestName" = ${guest})
    ORDER BY h.name, g."guestName", g.address`;
  return {
    assignments: rows.map((r) => ({
      hostId: r.hostId,
      host: r.host,
      address: r.address,
      pf: r.pf,
      guest: r.guest,
      pool: r.pool,
      state: r.state,
      planId: r.planId,
      releasePlanId: r.releasePlanId,
      mac: r.mac,
      vlan: r.vlan,
      createdBy: r.createdBy,
      reservedAt: r.reservedAt.toISOString(),
      assignedAt: r.assignedAt?.toISOString() ?? null,
      previous: { driver: r.previousDriver, mac: r.previousMac, vlan: r.previousVlan },
      drift:
        r.state !== "assigned"
          ? null
          : r.elsewhere
            ? `libvirt shows ${r.address} in guest ${r.elsewhere}, not ${r.guest}`
            : !r.inGuest
              ? `libvirt no longer shows ${r.address} in ${r.guest}'s definition`
              : null,
    })),
    outside: outside.map((o) => ({ ...o, drift: `${o.address} is attached to ${o.guest} outside vfleet` })),
  };
}

export async function listAssignmentEvents(db: Db, filter: { hostId?: string; guest?: string; address?: string; limit?: number } = {}) {
  return db.assignmentEvent.findMany({
    where: {
      ...(filter.hostId ? { hostId: filter.hostId } : {}),
      ...(filter.guest ? { guest: filter.guest } : {}),
      ...(filter.address ? { address: filter.address } : {}),
    },
    orderBy: { at: "desc" },
    take: filter.limit ?? 200,
  });
}
