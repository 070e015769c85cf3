import type { Claim, GroupMember, PlacementDevice, PlacementHost, PlacementPf, PoolSelector } from "@vfleet/core";
import type { Db } from "../create-db.ts";

type HostRow = {
  id: string;
  name: string;
  online: boolean;
  maintenance: boolean;
  numa: { id: number; cpulist: string }[] | null;
  route: string | null;
  /** The host's mediated device instances (`inventory.host.mdevs`), null from an older agent. */
  mdevs: { uuid: string; parent: string; guest: string | null }[] | null;
};
type PfRow = {
  hostId: string;
  address: string;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  numaNode: number | null;
  netInterfaces: string[];
  linkSpeed: string | null;
  linkWidth: number | null;
  totalVfs: number;
  numVfs: number;
  offset: number | null;
  stride: number | null;
  portNetdev: string | null;
  portCarrier: boolean | null;
  portSpeedMbps: number | null;
};
type VfRow = {
  hostId: string;
  pfAddress: string;
  index: number;
  address: string;
  driver: string | null;
  msix: number | null;
  mac: string | null;
  vlan: number | null;
};
type ClaimRow = { hostId: string; address: string; state: "reserved" | "assigned"; guest: string | null; libvirt: boolean };
type DevRow = {
  hostId: string;
  address: string;
  vendorId: string;
  deviceId: string;
  classCode: string;
  driver: string | null;
  numaNode: number | null;
  linkSpeed: string | null;
  linkWidth: number | null;
  msix: number | null;
  iommuGroup: number | null;
  hasVfs: boolean;
};
type MemberRow = { hostId: string; iommuGroup: number; address: string; driver: string | null; physfn: string | null };
type GuestRow = {
  hostId: string;
  name: string;
  state: string;
  vcpus: number;
  memoryKiB: bigint;
  cpuset: string | null;
  heldMsix: (number | null)[];
};

const BRIDGE = "^060[479]";

/** The Prisma client or a transaction of it: only raw queries are used. */
export type Queryable = Pick<Db, "$queryRaw">;

/**
 * The scheduler's view of hosts that reported an inventory, in a fixed number of bulk queries
 * whatever the fleet size (no per-host inventory load): PFs filtered by the selector's ids in
 * SQL, their VFs, who holds each function (libvirt guest definitions first, then vfleet's
 * reservations and assignments), the host's own interfaces, labels and guests. `hostIds`
 * narrows it to a few hosts (the winner's detail, a guest's host).
 */
export async function loadPlacementHosts(
  db: Queryable,
  selector: PoolSelector,
  options: { hostIds?: string[] } = {},
): Promise<PlacementHost[]> {
  const ids = options.hostIds ?? null;
  const vendor = selector.vendorId ?? null;
  const device = selector.deviceId ?? null;
  const wantDevices = selector.kind === "device";
  const hosts = await db.$queryRaw<HostRow[]>`
    SELECT id, name, online, "maintenanceAt" IS NOT NULL AS maintenance, facts->'numaNodes' AS numa, facts->>'defaultRouteInterface' AS route,
      facts->'mdevs' AS mdevs
    FROM "Host" WHERE "snapshotAt" IS NOT NULL AND "removedAt" IS NULL AND (${ids}::text[] IS NULL OR id = ANY(${ids}::text[]))`;
  if (hosts.length === 0) return [];
  // Each joined table repeats the host filter: PostgreSQL does not carry `= ANY(...)` across a
  // join, and without it hashes every host's rows (time growing with the fleet, not the request).
  const [labels, pfs, vfs, claims, used, guests, quarantines] = await Promise.all([
    db.$queryRaw<
      { hostId: string; key: string; value: string }[]
    >`SELECT "hostId", key, value FROM "HostLabel" WHERE (${ids}::text[] IS NULL OR "hostId" = ANY(${ids}::text[]))`,
    wantDevices
      ? Promise.resolve([] as PfRow[])
      : db.$queryRaw<PfRow[]>`
      SELECT p."hostId", p.address, d."vendorId", d."deviceId", d.driver, d."numaNode", d."netInterfaces", d."linkCurrentSpeed" AS "linkSpeed",
             d."linkCurrentWidth" AS "linkWidth", p."totalVfs", p."numVfs", p."offset", p.stride,
             n.name AS "portNetdev", n.carrier AS "portCarrier", n."speedMbps" AS "portSpeedMbps"
      FROM "PhysicalFunction" p JOIN "PciDevice" d ON d."hostId" = p."hostId" AND d.address = p.address
      LEFT JOIN "NetInterface" n ON n."hostId" = p."hostId" AND n.name = d."netInterfaces"[1] AND (${ids}::text[] IS NULL OR n."hostId" = ANY(${ids}::text[]))
      WHERE (${ids}::text[] IS NULL OR p."hostId" = ANY(${ids}::text[])) AND (${ids}::text[] IS NULL OR d."hostId" = ANY(${ids}::text[])) AND (${vendor}::text IS NULL OR d."vendorId" = ${vendor}) AND (${device}::text IS NULL OR d."deviceId" = ${device})`,
    wantDevices
      ? Promise.resolve([] as VfRow[])
      : db.$queryRaw<VfRow[]>`
      SELECT v."hostId", v."pfAddress", v.index, v.address, d.driver, d."msixVectors" AS msix, v.mac, v.vlan
      FROM "VirtualFunction" v JOIN "PciDevice" pd ON pd."hostId" = v."hostId" AND pd.address = v."pfAddress"
      LEFT JOIN "PciDevice" d ON d."hostId" = v."hostId" AND d.address = v.address AND (${ids}::text[] IS NULL OR d."hostId" = ANY(${ids}::text[]))
      WHERE v.address IS NOT NULL AND (${ids}::text[] IS NULL OR v."hostId" = ANY(${ids}::text[]))
        AND (${ids}::text[] IS NULL OR pd."hostId" = ANY(${ids}::text[]))
        AND (${vendor}::text IS NULL OR pd."vendorId" = ${vendor}) AND (${device}::text IS NULL OR pd."deviceId" = ${device})`,
    db.$queryRaw<ClaimRow[]>`
      SELECT "hostId", address, 'assigned' AS state, "guestName" AS guest, true AS libvirt FROM "GuestHostdev" WHERE (${ids}::text[] IS NULL OR "hostId" = ANY(${ids}::text[]))
      UNION ALL
      SELECT "hostId", address, state::text, guest, false AS libvirt FROM "Assignment" WHERE (${ids}::text[] IS NULL OR "hostId" = ANY(${ids}::text[]))`,
    // Host traffic: an enslaved interface (bond, bridge) or the default route's, which the hosts' row names (checked below).
    db.$queryRaw<{ hostId: string; address: string; name: string; enslaved: boolean }[]>`
      SELECT "hostId", "pciAddress" AS address, name, master IS NOT NULL AS enslaved FROM "NetInterface"
      WHERE "pciAddress" IS NOT NULL AND (${ids}::text[] IS NULL OR "hostId" = ANY(${ids}::text[]))`,
    db.$queryRaw<GuestRow[]>`
      SELECT g."hostId", g.name, g.state, g.vcpus, g."memoryKiB", g.cpuset,
             COALESCE(array_agg(d."msixVectors" ORDER BY h.position) FILTER (WHERE h.address IS NOT NULL), '{}') AS "heldMsix"
      FROM "Guest" g LEFT JOIN "GuestHostdev" h ON h."hostId" = g."hostId" AND h."guestName" = g.name AND (${ids}::text[] IS NULL OR h."hostId" = ANY(${ids}::text[]))
      LEFT JOIN "PciDevice" d ON d."hostId" = h."hostId" AND d.address = h.address AND (${ids}::text[] IS NULL OR d."hostId" = ANY(${ids}::text[]))
      WHERE (${ids}::text[] IS NULL OR g."hostId" = ANY(${ids}::text[]))
      GROUP BY g."hostId", g.name`,
    db.$queryRaw<
      { hostId: string; address: string }[]
    >`SELECT "hostId", address FROM "DeviceQuarantine" WHERE (${ids}::text[] IS NULL OR "hostId" = ANY(${ids}::text[]))`,
  ]);
  const [devs, members] = wantDevices
    ? await Promise.all([
        db.$queryRaw<DevRow[]>`
      SELECT d."hostId", d.address, d."vendorId", d."deviceId", d."classCode", d.driver, d."numaNode", d."linkCurrentSpeed" AS "linkSpeed",
             d."linkCurrentWidth" AS "linkWidth", d."msixVectors" AS msix, d."iommuGroup", COALESCE(p."numVfs", 0) > 0 AS "hasVfs"
      FROM "PciDevice" d LEFT JOIN "PhysicalFunction" p ON p."hostId" = d."hostId" AND p.address = d.address
      WHERE d.physfn IS NULL AND d."classCode" !~ ${BRIDGE} AND (${ids}::text[] IS NULL OR d."hostId" = ANY(${ids}::text[]))
        AND (${vendor}::text IS NULL OR d."vendorId" = ${vendor}) AND (${device}::text IS NULL OR d."deviceId" = ${device})`,
        db.$queryRaw<MemberRow[]>`
      SELECT "hostId", "iommuGroup", address, driver, physfn FROM "PciDevice"
      WHERE "iommuGroup" IS NOT NULL AND "classCode" !~ ${BRIDGE} AND (${ids}::text[] IS NULL OR "hostId" = ANY(${ids}::text[]))`,
      ])
    : [[] as DevRow[], [] as MemberRow[]];

  const key = (hostId: string, address: string) => `${hostId}/${address}`;
  const claimOf = new Map<string, Claim>();
  // Libvirt's definitions first: a guest holding it is the truth. Then a mediated device's parent
  // (a vGPU's VF or GPU), held by the instance's guest (core's mdevUsersOf), then vfleet's own rows.
  for (const c of claims)
    if (c.libvirt && !claimOf.has(key(c.hostId, c.address))) claimOf.set(key(c.hostId, c.address), { state: "assigned", guest: c.guest });
  for (const h of hosts)
    for (const m of h.mdevs ?? [])
      if (!claimOf.has(key(h.id, m.parent))) claimOf.set(key(h.id, m.parent), { state: "assigned", guest: m.guest ?? `mdev ${m.uuid}` });
  for (const c of claims)
    if (!c.libvirt && !claimOf.has(key(c.hostId, c.address))) claimOf.set(key(c.hostId, c.address), { state: c.state, guest: c.guest });
  const quarantined = new Set(quarantines.map((q) => key(q.hostId, q.address)));
  // A PF's quarantine covers its VFs.
  const isQuarantined = (hostId: string, address: string, pf: string | null) =>
    quarantined.has(key(hostId, address)) || (pf !== null && quarantined.has(key(hostId, pf)));
  const routeOf = new Map(hosts.map((h) => [h.id, h.route]));
  const hostUse = new Set(used.filter((u) => u.enslaved || u.name === routeOf.get(u.hostId)).map((u) => key(u.hostId, u.address)));
  const byHost = new Map(
    hosts.map((h) => [
      h.id,
      {
        id: h.id,
        name: h.name,
        online: h.online,
        maintenance: h.maintenance,
        labels: {} as Record<string, string>,
        numaNodes: (h.numa ?? []).map((n) => ({ id: n.id, cpulist: n.cpulist })),
        pfs: [] as PlacementPf[],
        devices: [] as PlacementDevice[],
        guests: [] as PlacementHost["guests"],
      } satisfies PlacementHost,
    ]),
  );
  for (const l of labels) {
    const h = byHost.get(l.hostId);
    if (h) h.labels[l.key] = l.value;
  }
  const pfByKey = new Map<string, PlacementPf>();
  for (const { portNetdev, portCarrier, portSpeedMbps, ...p } of pfs) {
    const h = byHost.get(p.hostId);
    if (!h) continue;
    // As core's portOf reads an inventory: "up" only with carrier.
    const port: PlacementPf["port"] =
      portNetdev === null
        ? null
        : { netdev: portNetdev, link: portCarrier === true ? "up" : "down", speedMbps: portCarrier === true ? portSpeedMbps : null };
    const pf: PlacementPf = { ...p, vfMsixVectors: null, port, vfs: [], quarantined: isQuarantined(p.hostId, p.address, null) };
    delete (pf as Partial<PfRow>).hostId;
    pfByKey.set(key(p.hostId, p.address), pf);
    h.pfs.push(pf);
  }
  for (const v of vfs.sort((a, b) => a.index - b.index)) {
    const pf = pfByKey.get(key(v.hostId, v.pfAddress));
    if (!pf) continue;
    pf.vfMsixVectors ??= v.msix;
    const k = key(v.hostId, v.address);
    pf.vfs.push({
      address: v.address,
      index: v.index,
      driver: v.driver,
      claim: claimOf.get(k) ?? null,
      hostUse: hostUse.has(k),
      quarantined: isQuarantined(v.hostId, v.address, v.pfAddress),
      mac: v.mac,
      vlan: v.vlan,
    });
  }
  const groups = new Map<string, GroupMember[]>();
  for (const m of members) {
    const k = `${m.hostId}/${m.iommuGroup}`;
    const list = groups.get(k) ?? [];
    list.push({
      address: m.address,
      driver: m.driver,
      claim: claimOf.get(key(m.hostId, m.address)) ?? null,
      hostUse: hostUse.has(key(m.hostId, m.address)),
      quarantined: isQuarantined(m.hostId, m.address, m.physfn),
    });
    groups.set(k, list);
  }
  for (const d of devs) {
    const h = byHost.get(d.hostId);
    if (!h) continue;
    const self: GroupMember = {
      address: d.address,
      driver: d.driver,
      claim: claimOf.get(key(d.hostId, d.address)) ?? null,
      hostUse: hostUse.has(key(d.hostId, d.address)),
      quarantined: isQuarantined(d.hostId, d.address, null),
    };
    h.devices.push({
      address: d.address,
      vendorId: d.vendorId,
      deviceId: d.deviceId,
      classCode: d.classCode,
      driver: d.driver,
      numaNode: d.numaNode,
      linkSpeed: d.linkSpeed,
      linkWidth: d.linkWidth,
      msixVectors: d.msix,
      iommuGroup: d.iommuGroup,
      hasVfs: d.hasVfs,
      group: d.iommuGroup === null ? [self] : (groups.get(`${d.hostId}/${d.iommuGroup}`) ?? [self]),
    });
  }
  for (const g of guests) {
    const h = byHost.get(g.hostId);
    if (h)
      h.guests.push({
        name: g.name,
        state: g.state,
        vcpus: g.vcpus,
        memoryKiB: Number(g.memoryKiB),
        cpuset: g.cpuset,
        heldMsix: g.heldMsix,
      });
  }
  for (const h of byHost.values()) h.pfs.sort((a, b) => a.address.localeCompare(b.address));
  return [...byHost.values()].sort((a, b) => a.name.localeCompare(b.name));
}
