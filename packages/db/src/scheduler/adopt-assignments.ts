import type { Db } from "../create-db.ts";
import { readHostBasis } from "../jobs/read-host-basis.ts";
import { refreshPfCapacity } from "./refresh-pf-capacity.ts";

export type AdoptedVf = { address: string; pf: string | null; mac: string | null; vlan: number | null };

export type AdoptResult =
  { ok: true; adopted: AdoptedVf[] } | { ok: false; reason: "stale"; basis: string } | { ok: false; reason: "nothing" };

const NO_MAC = "00:00:00:00:00:00";

/**
 * Adopt into vfleet the VFs a guest holds that vfleet never assigned ("attached outside vfleet"):
 * each becomes an assignment recorded as it is now (its PF, its MAC and VLAN as the PF reports
 * them), with nothing changed on the host. From then on vfleet counts it, shows it under its
 * guest, and can release it. What it had before the guest took it is unknown, so a release keeps
 * its MAC and VLAN. `expectBasis`: the host's state the operator looked at; a newer inventory or
 * a finished job since refuses it as stale. A MAC another assignment already records is left out
 * (MACs are unique among assignments).
 */
export async function adoptAssignments(
  db: Db,
  p: { hostId: string; guest: string; actor: string; expectBasis?: string },
): Promise<AdoptResult> {
  return db.$transaction(async (tx) => {
    // Locks the host row: a snapshot stored meanwhile waits, so the basis and the rows read below agree.
    await tx.$executeRaw`SELECT 1 FROM "Host" WHERE id = ${p.hostId} FOR UPDATE`;
    const basis = await readHostBasis(tx, p.hostId);
    if (p.expectBasis !== undefined && p.expectBasis !== basis) return { ok: false, reason: "stale", basis } as const;
    const rows = await tx.$queryRaw<AdoptedVf[]>`
      SELECT g.address, d.physfn AS pf,
        CASE WHEN v.mac IS NULL OR v.mac = ${NO_MAC}
          OR EXISTS (SELECT 1 FROM "Assignment" o WHERE o.mac = v.mac) THEN NULL ELSE v.mac END AS mac,
        NULLIF(v.vlan, 0) AS vlan
      FROM "GuestHostdev" g
      JOIN "PciDevice" d ON d."hostId" = g."hostId" AND d.address = g.address AND d.physfn IS NOT NULL
      LEFT JOIN "VirtualFunction" v ON v."hostId" = g."hostId" AND v.address = g.address
      WHERE g."hostId" = ${p.hostId} AND g."guestName" = ${p.guest}
        AND NOT EXISTS (SELECT 1 FROM "Assignment" a WHERE a."hostId" = g."hostId" AND a.address = g.address)
      ORDER BY g.address`;
    if (rows.length === 0) return { ok: false, reason: "nothing" } as const;
    // Two VFs of one guest can carry the same MAC (drift the audit flags as vf-mac-unique): the
    // first keeps the claim, the others are adopted without one, as a MAC another guest holds is.
    const claimed = new Set<string>();
    for (const r of rows) {
      if (r.mac === null) continue;
      if (claimed.has(r.mac)) r.mac = null;
      else claimed.add(r.mac);
    }
    const now = new Date();
    await tx.assignment.createMany({
      data: rows.map((r) => ({
        hostId: p.hostId,
        address: r.address,
        state: "assigned" as const,
        guest: p.guest,
        pf: r.pf,
        mac: r.mac,
        vlan: r.vlan,
        createdBy: p.actor,
        reservedAt: now,
        assignedAt: now,
      })),
    });
    await tx.assignmentEvent.createMany({
      data: rows.map((r) => ({
        hostId: p.hostId,
        address: r.address,
        guest: p.guest,
        actor: p.actor,
        action: "adopted",
        mac: r.mac,
        vlan: r.vlan,
      })),
    });
    await refreshPfCapacity(tx, p.hostId);
    await tx.auditEvent.create({
      data: {
        actor: p.actor,
        action: "assignment.adopted",
        hostId: p.hostId,
        summary: `adopted ${rows.length} VF${rows.length === 1 ? "" : "s"} of ${p.guest} into vfleet`,
        after: rows,
      },
    });
    return { ok: true, adopted: rows } as const;
  });
}
