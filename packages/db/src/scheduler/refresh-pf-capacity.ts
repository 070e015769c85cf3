import { summarizePf } from "@vfleet/core";
import type { Db } from "../create-db.ts";
import { loadPlacementHosts } from "./load-placement-hosts.ts";

/**
 * Rewrite these hosts' PfCapacity rows from their stored rows, through core's own summary (one
 * definition of ready / bindable / creatable / assigned / reserved / in use). Called after
 * snapshots are stored (several hosts at once when a burst is stored: the same seven reads and
 * two writes whatever their number) and inside the transactions that reserve, assign or release
 * on a host. PFs that cannot have VFs (`sriov_totalvfs` 0) are left out, as pools leave them out.
 * The hosts' NodeCapacity sums follow in the same call.
 */
export async function refreshPfCapacity(db: Pick<Db, "$queryRaw" | "$executeRaw">, hostIds: string | string[]): Promise<void> {
  const ids = typeof hostIds === "string" ? [hostIds] : [...new Set(hostIds)];
  if (ids.length === 0) return;
  const hosts = await loadPlacementHosts(db, {}, { hostIds: ids });
  const rows = hosts.flatMap((host) =>
    host.pfs
      .filter((pf) => pf.totalVfs > 0)
      .map((pf) => ({
        hostId: host.id,
        ...summarizePf(pf),
        vendorId: pf.vendorId,
        deviceId: pf.deviceId,
        driver: pf.driver,
        netInterfaces: pf.netInterfaces,
        linkSpeed: pf.linkSpeed,
        linkWidth: pf.linkWidth,
        portNetdev: pf.port?.netdev ?? null,
        portState: pf.port?.link ?? null,
        portSpeedMbps: pf.port?.speedMbps ?? null,
      })),
  );
  // Upsert in (host, address) order, then drop PFs that are gone: two transactions refreshing a
  // host take its rows in the same order (no deadlock), and the later commit's view stays.
  rows.sort((a, b) => (a.hostId === b.hostId ? a.address.localeCompare(b.address) : a.hostId < b.hostId ? -1 : 1));
  await db.$executeRaw`
    INSERT INTO "PfCapacity" ("hostId", address, "vendorId", "deviceId", driver, "numaNode", ready, bindable, creatable, assigned, reserved, "inUse", "netInterfaces", "linkSpeed", "linkWidth",
      "portNetdev", "portState", "portSpeedMbps")
    SELECT r."hostId", r.address, r."vendorId", r."deviceId", r.driver, r."numaNode", r.ready, r.bindable, r.creatable, r.assigned, r.reserved, r."inUse",
      ARRAY(SELECT jsonb_array_elements_text(r."netInterfaces")), r."linkSpeed", r."linkWidth", r."portNetdev", r."portState", r."portSpeedMbps"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("hostId" text, address text, "vendorId" text, "deviceId" text, driver text, "numaNode" int,
      ready int, bindable int, creatable int, assigned int, reserved int, "inUse" int, "netInterfaces" jsonb, "linkSpeed" text, "linkWidth" int,
      "portNetdev" text, "portState" text, "portSpeedMbps" int)
    ON CONFLICT ("hostId", address) DO UPDATE SET "vendorId" = EXCLUDED."vendorId", "deviceId" = EXCLUDED."deviceId", driver = EXCLUDED.driver,
      "numaNode" = EXCLUDED."numaNode", ready = EXCLUDED.ready, bindable = EXCLUDED.bindable, creatable = EXCLUDED.creatable,
      assigned = EXCLUDED.assigned, reserved = EXCLUDED.reserved, "inUse" = EXCLUDED."inUse",
      "netInterfaces" = EXCLUDED."netInterfaces", "linkSpeed" = EXCLUDED."linkSpeed", "linkWidth" = EXCLUDED."linkWidth",
      "portNetdev" = EXCLUDED."portNetdev", "portState" = EXCLUDED."portState", "portSpeedMbps" = EXCLUDED."portSpeedMbps"`;
  await db.$executeRaw`
    DELETE FROM "PfCapacity" c WHERE c."hostId" = ANY(${ids}::text[])
      AND NOT (c."hostId" || '/' || c.address = ANY(${rows.map((r) => `${r.hostId}/${r.address}`)}::text[]))`;
  await refreshNodeCapacity(db, ids);
}

/**
 * Rewrite these hosts' NodeCapacity rows from their PfCapacity rows, in one statement: upsert the
 * fresh sums, drop the kinds and nodes that are gone (disjoint rows, so one statement may do both).
 * PFs whose port has no link are summed apart (`portDown`), so a request for linked ports skips them.
 */
export async function refreshNodeCapacity(db: Pick<Db, "$executeRaw">, hostIds: string | string[]): Promise<void> {
  const ids = typeof hostIds === "string" ? [hostIds] : hostIds;
  await db.$executeRaw`
    WITH fresh AS (
      SELECT "hostId" || '/' || "vendorId" || ':' || "deviceId" || '/' || COALESCE(driver, '') || '/' || COALESCE("numaNode"::text, '') || '/' || ("portState" IS NOT DISTINCT FROM 'down')::text AS key,
        "hostId", "vendorId", "deviceId", driver, "numaNode", "portState" IS NOT DISTINCT FROM 'down' AS "portDown", sum(ready + bindable + creatable)::int AS available, sum(ready)::int AS ready,
        sum(bindable)::int AS bindable, (count(*) FILTER (WHERE ready + bindable + creatable > 0))::int AS pfs
      FROM "PfCapacity" WHERE "hostId" = ANY(${ids}::text[]) GROUP BY "hostId", "vendorId", "deviceId", driver, "numaNode", "portState" IS NOT DISTINCT FROM 'down' ORDER BY key
    ), upserted AS (
      INSERT INTO "NodeCapacity" (key, "hostId", "vendorId", "deviceId", driver, "numaNode", "portDown", available, ready, bindable, pfs)
      SELECT * FROM fresh
      ON CONFLICT (key) DO UPDATE SET available = EXCLUDED.available, ready = EXCLUDED.ready, bindable = EXCLUDED.bindable, pfs = EXCLUDED.pfs
    )
    DELETE FROM "NodeCapacity" WHERE "hostId" = ANY(${ids}::text[]) AND key NOT IN (SELECT key FROM fresh)`;
}
