import type { Db } from "@vfleet/db";

/** One device model in the fleet, as a pool form offers it: by name, with how many there are. */
export interface FleetModel {
  kind: "vf" | "device";
  vendorId: string;
  deviceId: string;
  /** lspci's line from a host's pci.ids (`Mellanox Technologies MT27800 Family [ConnectX-5]`), ids when no host names it. */
  name: string;
  /** vf: PFs of this model; device: devices. */
  count: number;
  /** vf: VFs the PFs can have (sriov_totalvfs summed); device: 0. */
  vfs: number;
  hosts: number;
}

export interface FleetChoices {
  models: FleetModel[];
  /** `key=value` host labels in use, for the pool form's label field. */
  hostLabels: string[];
  /** SR-IOV PFs' netdev names in use. */
  pfNames: string[];
}

type ModelRow = {
  kind: "vf" | "device";
  vendorId: string;
  deviceId: string;
  vendor: string | null;
  device: string | null;
  count: number;
  vfs: number;
  hosts: number;
};

/**
 * What a pool can select, read from the fleet as it is: SR-IOV PF models (the VF pools' selector
 * names the PF) and assignable whole-device models (endpoints: no bridges, no PF with VFs, no
 * VF), named from the hosts' own pci.ids; the host labels and PF netdev names in use.
 */
export async function loadFleetChoices(db: Db): Promise<FleetChoices> {
  const models = await db.$queryRaw<ModelRow[]>`
    WITH d AS (
      SELECT p."hostId", p."vendorId", p."deviceId", f."totalVfs", f."numVfs",
        CASE WHEN f."totalVfs" > 0 THEN 'vf' ELSE 'device' END AS kind,
        h.facts->'pciNames'->'vendors'->>p."vendorId" AS vendor,
        h.facts->'pciNames'->'devices'->>(p."vendorId" || ':' || p."deviceId") AS device
      FROM "PciDevice" p JOIN "Host" h ON h.id = p."hostId" AND h."removedAt" IS NULL
      LEFT JOIN "PhysicalFunction" f ON f."hostId" = p."hostId" AND f.address = p.address
      WHERE p.physfn IS NULL AND p."classCode" !~ '^060[0-9]')
    SELECT kind, "vendorId", "deviceId", max(vendor) AS vendor, max(device) AS device, count(*)::int AS count,
      COALESCE(sum("totalVfs") FILTER (WHERE kind = 'vf'), 0)::int AS vfs, count(DISTINCT "hostId")::int AS hosts
    FROM d WHERE kind = 'vf' OR COALESCE("numVfs", 0) = 0
    GROUP BY kind, "vendorId", "deviceId" ORDER BY kind DESC, count(*) DESC, "vendorId", "deviceId"`;
  const labels = await db.hostLabel.findMany({
    distinct: ["key", "value"],
    select: { key: true, value: true },
    orderBy: [{ key: "asc" }, { value: "asc" }],
  });
  const pfNames = await db.$queryRaw<{ name: string }[]>`
    SELECT DISTINCT unnest(c."netInterfaces") AS name FROM "PfCapacity" c JOIN "Host" h ON h.id = c."hostId" AND h."removedAt" IS NULL ORDER BY 1`;
  return {
    models: models.map((m) => ({
      kind: m.kind,
      vendorId: m.vendorId,
      deviceId: m.deviceId,
      name: `${m.vendor ?? `Vendor ${m.vendorId}`} ${m.device ?? `Device ${m.deviceId}`}`,
      count: m.count,
      vfs: m.vfs,
      hosts: m.hosts,
    })),
    hostLabels: labels.map((l) => `${l.key}=${l.value}`),
    pfNames: pfNames.map((p) => p.name),
  };
}
