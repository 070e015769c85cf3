import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../create-db.ts";

/**
 * A job `j` (of host `h`) that still holds the MAC it sets: not finished yet, or succeeded after
 * the host's stored snapshot (its VF row does not show the MAC yet). The pre-check here and the
 * race guard (hold-mac-claims.ts) must agree, so both use this.
 */
export const JOB_HOLDS_MAC = Prisma.sql`(j.state IN ('queued', 'dispatched', 'running', 'unknown')
  OR (j.state = 'succeeded' AND j."finishedAt" > coalesce(h."snapshotAt", 'epoch'::timestamptz)))`;

export type MacUse = { hostId: string; hostName: string; where: string };

/**
 * Who already uses a MAC on a VLAN anywhere in the fleet (untagged is VLAN 0): a VF whose PF
 * reports it, a guest's `<interface type='hostdev'>` that sets it, or a job not yet finished that
 * will set it. `self` (the device being configured) does not count against itself. Two VFs with
 * one MAC on one VLAN break both guests' traffic, so the control plane refuses the second.
 */
export async function findMacUsers(
  db: Db,
  p: { mac: string; vlan: number; self: { hostId: string; address: string | null; pf?: string; vf?: number } },
): Promise<MacUse[]> {
  const { mac, vlan, self } = p;
  const rows = await db.$queryRaw<MacUse[]>`
    SELECT v."hostId", h.name AS "hostName", 'VF ' || coalesce(v.address, v."pfAddress" || ' vf ' || v.index) AS "where"
      FROM "VirtualFunction" v JOIN "Host" h ON h.id = v."hostId"
      WHERE v.mac = ${mac} AND coalesce(v.vlan, 0) = ${vlan}
        AND NOT (v."hostId" = ${self.hostId} AND v.address IS NOT DISTINCT FROM ${self.address})
    UNION ALL
    SELECT g."hostId", h.name, 'guest ' || g."guestName" || ' (' || g.address || ')'
      FROM "GuestHostdev" g JOIN "Host" h ON h.id = g."hostId"
      WHERE g.mac = ${mac} AND coalesce(g.vlan, 0) = ${vlan}
        AND NOT (g."hostId" = ${self.hostId} AND g.address = ${self.address})
    UNION ALL
    SELECT j."hostId", h.name, 'job ' || j.id || ' (' || j.state::text || ': ' || j.summary || ')'
      FROM "Job" j JOIN "Host" h ON h.id = j."hostId"
      WHERE ${JOB_HOLDS_MAC}
        -- A job's VLAN may be left to the VF's current one: counted as the same VLAN (refuse rather than guess).
        AND ((j.params->>'mac' = ${mac} AND coalesce((j.params->>'vlan')::int, ${vlan}) = ${vlan}) OR j.params->'devices' @> ${JSON.stringify([{ mac }])}::jsonb)
        AND NOT (j."hostId" = ${self.hostId} AND coalesce(j.params->>'pf', '-') = ${self.pf ?? ""} AND coalesce(j.params->>'vf', '-') = ${self.vf === undefined ? "" : String(self.vf)})
    LIMIT 10`;
  return rows;
}
