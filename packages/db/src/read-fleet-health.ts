import { AUDIT_RULES_REVISION, decodeCheckStatuses, rankFleetHealth, type FleetHealth } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { loadInventory } from "./load-inventory.ts";
import { recordHostHealth } from "./record-host-health.ts";

export interface FleetHealthView {
  fleet: FleetHealth;
  /** Fleet name -> host id, for links. */
  hostIds: Map<string, string>;
  /** Hosts that have not sent an inventory yet, by name. */
  awaiting: string[];
}

interface HealthRow {
  id: string;
  name: string;
  hasInventory: boolean;
  /** encodeCheckStatuses' letters. */
  checks: string | null;
  rulesRevision: number | null;
  auditedAt: Date | null;
}

const readRows = (db: Db) => db.$queryRaw<HealthRow[]>`
  SELECT h.id, h.name, h.facts IS NOT NULL AS "hasInventory", hh.checks, hh."rulesRevision", hh."auditedAt"
  FROM "Host" h LEFT JOIN "HostHealth" hh ON hh."hostId" = h.id
  WHERE h."removedAt" IS NULL
  ORDER BY h.name`;

/**
 * Hosts of the fleet carrying a VF MAC that another host also carries (the PF-side MACs auditFleet
 * compares). Every MAC but all zeros sorts above it, so the index on mac reads only the MACs set.
 */
const readHostsSharingMacs = (db: Db) => db.$queryRaw<{ name: string }[]>`
  WITH macs AS (
    SELECT v.mac, v."hostId" FROM "VirtualFunction" v JOIN "Host" h ON h.id = v."hostId" AND h."removedAt" IS NULL
    WHERE v.mac > '00:00:00:00:00:00'
  ), shared AS (SELECT mac FROM macs GROUP BY mac HAVING count(DISTINCT "hostId") > 1)
  SELECT DISTINCT h.name FROM macs m JOIN shared s ON s.mac = m.mac JOIN "Host" h ON h.id = m."hostId"`;

/** Hosts audited at a time when their stored statuses are missing or stale: bounds the inventories held at once. */
const REFRESH_BATCH = 50;

/**
 * The fleet audit (the /audit matrix and GET /api/v1/audit/fleet) from the check statuses stored
 * per host after each snapshot: two reads whatever the fleet's size, instead of reading and
 * auditing every inventory on the request. The one cross-host check, VF MACs used on two hosts,
 * comes from one query over the VF rows. A host whose statuses are missing (stored before they
 * were kept) or were computed by older rules (AUDIT_RULES_REVISION) is audited from its inventory
 * here and stored, once.
 */
export async function readFleetHealth(db: Db): Promise<FleetHealthView> {
  let rows = await readRows(db);
  const decoded = (r: HealthRow) => (r.rulesRevision === AUDIT_RULES_REVISION && r.checks !== null ? decodeCheckStatuses(r.checks) : null);
  const stale = rows.filter((r) => r.hasInventory && decoded(r) === null);
  for (let i = 0; i < stale.length; i += REFRESH_BATCH) {
    const batch = await Promise.all(
      stale.slice(i, i + REFRESH_BATCH).map(async (r) => ({ hostId: r.id, inventory: await loadInventory(db, r.id) })),
    );
    await recordHostHealth(
      db,
      batch.filter((b): b is { hostId: string; inventory: Inventory } => b.inventory !== null),
    );
  }
  if (stale.length > 0) rows = await readRows(db);
  const sharing = new Set((await readHostsSharingMacs(db)).map((r) => r.name));
  const audited = rows.flatMap((r) => {
    const checks = r.hasInventory ? decoded(r) : null;
    return checks ? [{ id: r.id, name: r.name, checks, auditedAt: (r.auditedAt ?? new Date(0)).toISOString() }] : [];
  });
  return {
    fleet: rankFleetHealth(audited, sharing),
    hostIds: new Map(audited.map((r) => [r.name, r.id])),
    awaiting: rows.filter((r) => !r.hasInventory).map((r) => r.name),
  };
}
