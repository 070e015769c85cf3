import { summarizePf } from "@vfleet/core";
import type { Db } from "../create-db.ts";
import { loadPlacementHosts } from "./load-placement-hosts.ts";

/**
 * Rewrite one host's PfCapacity rows from its stored rows, through core's own summary (one
 * definition of ready / bindable / creatable / assigned / reserved / in use). Called after a
 * snapshot is stored and inside the transactions that reserve, assign or release on the host.
 * PFs that cannot have VFs (`sriov_totalvfs` 0) are left out, as pools leave them out. The
 * host's NodeCapacity sums follow in the same call.
 */
export async function refreshPfCapacity(db: Pick<Db, "$queryRaw" | "$executeRaw">, hostId: string): Promise<void> {
  const [host] = await loadPlacementHosts(db, {}, { hostIds: [hostId] });
  const rows = (host?.pfs ?? []).filter((pf) => pf.totalVfs > 0).map((pf) => ({
    ...summarizePf(pf), vendorId: pf.vendorId, deviceId: pf.deviceId, driver: pf.driver,
    netInterfaces: pf.netInterfaces, linkSpeed: pf.linkSpeed, linkWidth: pf.linkWidth,
  }));
  // Upsert in address order, then drop PFs that are gone: two transactions refreshing one host
  // take the rows in the same order (no deadlock), and the later commit's view stays.
  rows.sort((a, b) => a.address.localeCompare(b.address));
  await db.$executeRaw`
    INSERT INTO "PfCapacity" ("hostId", address, "vendorId", "deviceId", driver, "numaNode", ready, bindable, creatable, assigned, reserved, "inUse", "netInterfaces", "linkSpeed", "linkWidth")
    SELECT ${hostId}, r.address, r."vendorId", r."deviceId", r.driver, r."numaNode", r.ready, r.bindable, r.creatable, r.assigned, r.reserved, r."inUse",
      ARRAY(SELECT jsonb_array_elements_text(r."netInterfaces")), r."linkSpeed", r."linkWidth"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(address text, "vendorId" text, "deviceId" text, driver text, "numaNode" int,
      ready int, bindable int, creatable int, assigned int, reserved int, "inUse" int, "netInterfaces" jsonb, "linkSpeed" text, "linkWidth" int)
    ON CONFLICT ("hostId", address) DO UPDATE SET "vendorId" = EXCLUDED."vendorId", "deviceId" = EXCLUDED."deviceId", driver = EXCLUDED.driver,
      "numaNode" = EXCLUDED."numaNode", ready = EXCLUDED.ready, bindable = EXCLUDED.bindable, creatable = EXCLUDED.creatable,
      assigned = EXCLUDED.assigned, reserved = EXCLUDED.reserved, "inUse" = EXCLUDED."inUse",
      "netInterfaces" = EXCLUDED."netInterfaces", "linkSpeed" = EXCLUDED."linkSpeed", "linkWidth" = EXCLUDED."linkWidth"`;
  await db.$executeRaw`DELETE FROM "PfCapacity" WHERE "hostId" = ${hostId} AND NOT (address = ANY(${rows.map((r) => r.address)}::text[]))`;
  await refreshNodeCapacity(db, hostId);
}

/**
 * Rewrite one host's NodeCapacity rows from its PfCapacity rows, in one statement: upsert the
 * fresh sums, drop the kinds and nodes that are gone (disjoint rows, so one statement may do both).
 */
export async function refreshNodeCapacity(db: Pick<Db, "$executeRaw">, hostId: string): Promise<void> {
  await db.$executeRaw`
    WITH fresh AS (
      SELECT "hostId" || '/' || "vendorId" || ':' || "deviceId" || '/' || COALESCE(driver, '') || '/' || COALESCE("numaNode"::text, '') AS key,
        "hostId", "vendorId", "deviceId", driver, "numaNode", sum(ready + bindable + creatable)::int AS available, sum(ready)::int AS ready,
        sum(bindable)::int AS bindable, (count(*) FILTER (WHERE ready + bindable + creatable > 0))::int AS pfs
      FROM "PfCapacity" WHERE "hostId" = ${hostId} GROUP BY "hostId", "vendorId", "deviceId", driver, "numaNode" ORDER BY key
    ), upserted AS (
      INSERT INTO "NodeCapacity" (key, "hostId", "vendorId", "deviceId", driver, "numaNode", available, ready, bindable, pfs)
      SELECT * FROM fresh
      ON CONFLICT (key) DO UPDATE SET available = EXCLUDED.available, ready = EXCLUDED.ready, bindable = EXCLUDED.bindable, pfs = EXCLUDED.pfs
    )
    DELETE FROM "NodeCapacity" WHERE "hostId" = ${hostId} AND key NOT IN (SELECT key FROM fresh)`;
}
