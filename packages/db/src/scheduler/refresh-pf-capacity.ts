import { classifyPf } from "@vfleet/core";
import type { Db } from "../create-db.ts";
import { loadPlacementHosts } from "./load-placement-hosts.ts";

/**
 * Rewrite one host's PfCapacity rows from its stored rows, through core's own classification
 * (one definition of ready / bindable / creatable). Called after a snapshot is stored and inside
 * the transactions that reserve, assign or release on the host.
 */
export async function refreshPfCapacity(db: Pick<Db, "$queryRaw" | "$executeRaw">, hostId: string): Promise<void> {
  const [host] = await loadPlacementHosts(db, {}, { hostIds: [hostId] });
  const rows = (host?.pfs ?? []).map((pf) => {
    const s = classifyPf(pf);
    return { address: pf.address, vendorId: pf.vendorId, deviceId: pf.deviceId, driver: pf.driver, numaNode: pf.numaNode, ready: s.ready.length, bindable: s.bindable.length, creatable: s.creatable };
  });
  // Upsert in address order, then drop PFs that are gone: two transactions refreshing one host
  // take the rows in the same order (no deadlock), and the later commit's view stays.
  rows.sort((a, b) => a.address.localeCompare(b.address));
  await db.$executeRaw`
    INSERT INTO "PfCapacity" ("hostId", address, "vendorId", "deviceId", driver, "numaNode", ready, bindable, creatable)
    SELECT ${hostId}, r.address, r."vendorId", r."deviceId", r.driver, r."numaNode", r.ready, r.bindable, r.creatable
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(address text, "vendorId" text, "deviceId" text, driver text, "numaNode" int, ready int, bindable int, creatable int)
    ON CONFLICT ("hostId", address) DO UPDATE SET "vendorId" = EXCLUDED."vendorId", "deviceId" = EXCLUDED."deviceId", driver = EXCLUDED.driver,
      "numaNode" = EXCLUDED."numaNode", ready = EXCLUDED.ready, bindable = EXCLUDED.bindable, creatable = EXCLUDED.creatable`;
  await db.$executeRaw`DELETE FROM "PfCapacity" WHERE "hostId" = ${hostId} AND NOT (address = ANY(${rows.map((r) => r.address)}::text[]))`;
}
