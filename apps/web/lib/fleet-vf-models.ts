import type { Db } from "@vfleet/db";

/** One VF model of the online fleet: how many VFs exist and in which state, in all and per NUMA node. */
export interface VfModelBreakdown {
  /** The VF's own name from a host's pci.ids (`MT27800 Family [ConnectX-5 Virtual Function]`), else its PF's with "VF". */
  name: string;
  vendorId: string;
  /** The VF's device id (the PF's when the host did not say). */
  deviceId: string;
  hosts: number;
  created: number;
  assigned: number;
  ready: number;
  needsBind: number;
  /** By NUMA node as each host numbers its nodes (null: the kernel did not say). */
  nodes: { numaNode: number | null; created: number; assigned: number; ready: number; needsBind: number }[];
}

type Row = {
  vendorId: string;
  deviceId: string;
  vfDeviceId: string | null;
  numaNode: number | null;
  vfName: string | null;
  pfName: string | null;
  hosts: number;
  created: number;
  assigned: number;
  ready: number;
  needsBind: number;
};

/**
 * The online fleet's VFs by model and NUMA node, summed in PostgreSQL from each PF's stored
 * capacity (the placement's own per-PF sums): "ConnectX-5 VFs 160: 80 assigned, 80 ready".
 */
export async function loadVfModelBreakdown(db: Db): Promise<VfModelBreakdown[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT c."vendorId", c."deviceId", f."vfDeviceId", c."numaNode",
      max(h.facts->'pciNames'->'devices'->>(c."vendorId" || ':' || f."vfDeviceId")) AS "vfName",
      max(h.facts->'pciNames'->'devices'->>(c."vendorId" || ':' || c."deviceId")) AS "pfName",
      (SELECT count(DISTINCT c2."hostId")::int FROM "PfCapacity" c2
        JOIN "Host" h2 ON h2.id = c2."hostId" AND h2."removedAt" IS NULL AND h2.online
        JOIN "PhysicalFunction" f2 ON f2."hostId" = c2."hostId" AND f2.address = c2.address
        WHERE f2."numVfs" > 0 AND c2."vendorId" = c."vendorId" AND c2."deviceId" = c."deviceId"
          AND f2."vfDeviceId" IS NOT DISTINCT FROM f."vfDeviceId") AS hosts,
      sum(f."numVfs")::int AS created, sum(c.assigned)::int AS assigned,
      sum(c.ready)::int AS ready, sum(c.bindable)::int AS "needsBind"
    FROM "PfCapacity" c
    JOIN "Host" h ON h.id = c."hostId" AND h."removedAt" IS NULL AND h.online
    JOIN "PhysicalFunction" f ON f."hostId" = c."hostId" AND f.address = c.address
    WHERE f."numVfs" > 0
    GROUP BY c."vendorId", c."deviceId", f."vfDeviceId", c."numaNode"
    ORDER BY c."vendorId", c."deviceId", f."vfDeviceId", c."numaNode" NULLS LAST`;
  const models = new Map<string, VfModelBreakdown>();
  for (const r of rows) {
    const deviceId = r.vfDeviceId ?? r.deviceId;
    const key = `${r.vendorId}:${deviceId}`;
    const name = r.vfName ?? (r.pfName ? `${r.pfName} VF` : `VF of ${r.vendorId}:${r.deviceId}`);
    const m = models.get(key) ?? {
      name,
      vendorId: r.vendorId,
      deviceId,
      hosts: 0,
      created: 0,
      assigned: 0,
      ready: 0,
      needsBind: 0,
      nodes: [],
    };
    m.hosts = r.hosts;
    m.created += r.created;
    m.assigned += r.assigned;
    m.ready += r.ready;
    m.needsBind += r.needsBind;
    m.nodes.push({ numaNode: r.numaNode, created: r.created, assigned: r.assigned, ready: r.ready, needsBind: r.needsBind });
    models.set(key, m);
  }
  return [...models.values()].sort((a, b) => b.created - a.created || a.name.localeCompare(b.name));
}

/** Each listed host's VF models by name with how many VFs exist: the fleet table says what, not only how many. */
export async function loadHostVfModels(db: Db, hostIds: readonly string[]): Promise<Map<string, { name: string; created: number }[]>> {
  if (hostIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ hostId: string; name: string; created: number }[]>`
    SELECT c."hostId",
      COALESCE(h.facts->'pciNames'->'devices'->>(c."vendorId" || ':' || f."vfDeviceId"),
        (h.facts->'pciNames'->'devices'->>(c."vendorId" || ':' || c."deviceId")) || ' VF',
        'VF of ' || c."vendorId" || ':' || c."deviceId") AS name,
      sum(f."numVfs")::int AS created
    FROM "PfCapacity" c
    JOIN "Host" h ON h.id = c."hostId"
    JOIN "PhysicalFunction" f ON f."hostId" = c."hostId" AND f.address = c.address
    WHERE f."numVfs" > 0 AND c."hostId" = ANY(${[...hostIds]}::text[])
    GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`;
  const out = new Map<string, { name: string; created: number }[]>();
  for (const r of rows) out.set(r.hostId, [...(out.get(r.hostId) ?? []), { name: r.name, created: r.created }]);
  return out;
}
