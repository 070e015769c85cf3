import { vfOf } from "@vfleet/core";
import type { Inventory, Job } from "@vfleet/protocol";
import type { findMacUsers } from "@vfleet/db";
import type { Db } from "@vfleet/db";

const UNSET_MAC = "00:00:00:00:00:00";

/** The MAC/VLAN pairs a job gives devices, with the field that sets each and the device. */
export function macsOf(
  job: Job,
  inv: Inventory,
): Array<{ field: string; mac: string; vlan: number; address: string | null; pf?: string; vf?: number }> {
  if (job.kind === "vf.configure") {
    const p = job.params;
    if (p.mac === undefined && p.vlan === undefined) return [];
    const cur = inv.devices.find((d) => d.address === p.pf)?.sriov?.vfConfigs.find((c) => c.index === p.vf);
    const mac = p.mac ?? cur?.mac ?? null;
    if (!mac || mac === UNSET_MAC) return [];
    return [
      {
        field: p.mac !== undefined ? "params.mac" : "params.vlan",
        mac,
        vlan: p.vlan ?? cur?.vlan ?? 0,
        address: vfOf(inv, p.pf, p.vf),
        pf: p.pf,
        vf: p.vf,
      },
    ];
  }
  if (job.kind === "guest.attach") {
    return job.params.devices.flatMap((d, i) =>
      d.kind === "interface" && d.mac ? [{ field: `params.devices.${i}.mac`, mac: d.mac, vlan: d.vlan ?? 0, address: d.address }] : [],
    );
  }
  return [];
}

/**
 * MACs are unique per VLAN across the fleet: two VFs answering for one MAC on one VLAN break
 * both guests. 409 naming the field and who has the MAC (a VF, a guest, or a job not finished),
 * also for two jobs of one request; null when every MAC is free.
 */
export async function checkMacsUnique(
  db: Db,
  find: typeof findMacUsers,
  hostId: string,
  inv: Inventory,
  jobs: readonly { job: Job }[],
  fieldPrefix: (i: number) => string,
): Promise<Response | null> {
  const seen = new Map<string, string>();
  for (const [i, { job }] of jobs.entries()) {
    for (const m of macsOf(job, inv)) {
      const field = `${fieldPrefix(i)}.${m.field}`;
      const key = `${m.vlan}/${m.mac}`;
      const users = seen.has(key)
        ? [{ where: seen.get(key)!, hostName: "this request" }]
        : await find(db, {
            mac: m.mac,
            vlan: m.vlan,
            self: { hostId, address: m.address, ...(m.pf !== undefined ? { pf: m.pf, vf: m.vf! } : {}) },
          });
      if (users.length > 0) {
        const who = users.map((u) => `${u.where} on ${u.hostName}`).join("; ");
        return Response.json(
          {
            error: `${field}: MAC ${m.mac} on VLAN ${m.vlan} is already used by ${who}: MACs must be unique per VLAN across the fleet`,
            field,
            users,
          },
          { status: 409 },
        );
      }
      seen.set(key, field);
    }
  }
  return null;
}
