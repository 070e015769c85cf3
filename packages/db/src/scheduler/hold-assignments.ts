import type { Prisma } from "../generated/prisma/client.ts";
import { refreshNodeCapacity, refreshPfCapacity } from "./refresh-pf-capacity.ts";

type Tx = Prisma.TransactionClient;

export type NewReservation = {
  address: string;
  guest: string;
  pool: string | null;
  pf: string | null;
  /** Held only while the plan runs (VFs a count change recreates), released after. */
  transient: boolean;
  mac: string | null;
  vlan: number | null;
  previousDriver: string | null;
  previousMac: string | null;
  previousVlan: number | null;
};

export type Taken = { key: string; planId: string | null; summary: string; createdBy: string | null };

/**
 * What a reservation did to the host's summary rows: each updated PF's row version before
 * (the last committed one, read under the row lock) and after (this transaction's). A process
 * that kept the host's rows at a placement version naming exactly those befores may keep them,
 * with the reservation applied, at the version naming the afters.
 */
export type SummaryMove = { before: Record<string, string>; after: Record<string, string> };

/**
 * Inside the transaction that creates a plan: insert one Assignment row per reserved function
 * (`ON CONFLICT DO NOTHING` on the (host, address) key and the fleet-unique MAC: a concurrent
 * transaction's row makes ours wait, then skip), and mark assigned functions as being released
 * by the plan. Anything short of all rows means someone else holds one: the caller rolls back.
 */
export async function holdAssignments(
  tx: Tx,
  p: { hostId: string; planId: string; actor: string; reservations: NewReservation[]; releasing: string[] },
  moved?: (move: SummaryMove) => void,
): Promise<Taken | null> {
  if (p.reservations.length > 0) {
    // The placement decided on rows read before this transaction: a host put in maintenance or a
    // function quarantined since then is refused here, under a share lock on the host row that
    // maintenance's update waits for (and quarantine's lock too). The caller decides again.
    const addresses = [...new Set(p.reservations.flatMap((r) => (r.pf ? [r.address, r.pf] : [r.address])))];
    const [gate] = await tx.$queryRaw<{ maintenance: boolean; quarantined: string[] }[]>`
      SELECT h."maintenanceAt" IS NOT NULL AS maintenance,
        ARRAY(SELECT q.address FROM "DeviceQuarantine" q WHERE q."hostId" = h.id AND q.address = ANY(${addresses}::text[]) ORDER BY q.address) AS quarantined
      FROM "Host" h WHERE h.id = ${p.hostId} FOR SHARE OF h`;
    if (gate?.maintenance)
      return { key: `host:${p.hostId}`, planId: null, summary: "the host was put in maintenance meanwhile", createdBy: null };
    if (gate && gate.quarantined.length > 0)
      return {
        key: `dev:${gate.quarantined[0]}`,
        planId: null,
        summary: `${gate.quarantined[0]} was quarantined meanwhile`,
        createdBy: null,
      };
    // The rows and their events in one statement: when a row is refused the caller rolls both back.
    const inserted = await tx.$queryRaw<{ address: string }[]>`
      WITH r AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(p.reservations)}::jsonb) AS r(address text, guest text, pool text, pf text, transient boolean, mac text, vlan int, "previousDriver" text, "previousMac" text, "previousVlan" int)
      ), ins AS (
        INSERT INTO "Assignment" ("hostId", address, state, guest, pool, pf, "planId", transient, mac, vlan, "createdBy", "previousDriver", "previousMac", "previousVlan")
        SELECT ${p.hostId}, r.address, 'reserved'::"AssignmentState", r.guest, r.pool, r.pf, ${p.planId}, r.transient, r.mac, r.vlan, ${p.actor}, r."previousDriver", r."previousMac", r."previousVlan"
        FROM r
        ON CONFLICT DO NOTHING
        RETURNING address, guest, transient, mac, vlan
      ), events AS (
        INSERT INTO "AssignmentEvent" (id, at, "hostId", address, guest, "planId", actor, action, mac, vlan)
        SELECT gen_random_uuid()::text, now(), ${p.hostId}, address, guest, ${p.planId}, ${p.actor}, CASE WHEN transient THEN 'held' ELSE 'reserved' END, mac, vlan FROM ins
      )
      SELECT address FROM ins`;
    if (inserted.length !== p.reservations.length) {
      const got = new Set(inserted.map((r) => r.address));
      const missing = p.reservations.find((r) => !got.has(r.address))!;
      const holder = await tx.assignment.findUnique({ where: { hostId_address: { hostId: p.hostId, address: missing.address } } });
      if (holder)
        return {
          key: `reserved:${missing.address}`,
          planId: holder.planId,
          summary: `${missing.address} is ${holder.state} to ${holder.guest}`,
          createdBy: holder.createdBy,
        };
      const macHolder = missing.mac ? await tx.assignment.findUnique({ where: { mac: missing.mac } }) : null;
      return {
        key: `mac:${missing.mac ?? missing.address}`,
        planId: macHolder?.planId ?? null,
        summary: `MAC ${missing.mac} is already used${macHolder ? ` by ${macHolder.guest}` : ""}`,
        createdBy: macHolder?.createdBy ?? null,
      };
    }
  }
  if (p.releasing.length > 0) {
    const marked = await tx.$queryRaw<{ address: string; guest: string }[]>`
      UPDATE "Assignment" SET "releasePlanId" = ${p.planId}
      WHERE "hostId" = ${p.hostId} AND address = ANY(${p.releasing}::text[]) AND state = 'assigned' AND "releasePlanId" IS NULL
      RETURNING address, guest`;
    if (marked.length !== p.releasing.length) {
      const got = new Set(marked.map((r) => r.address));
      const missing = p.releasing.find((a) => !got.has(a))!;
      return {
        key: `release:${missing}`,
        planId: null,
        summary: `${missing} is not assigned through vfleet, or a release of it is already running`,
        createdBy: null,
      };
    }
    await tx.assignmentEvent.createMany({
      data: marked.map((r) => ({
        hostId: p.hostId,
        address: r.address,
        guest: r.guest,
        planId: p.planId,
        actor: p.actor,
        action: "release-requested",
      })),
    });
  }
  if (p.reservations.length === 0) return null;
  if (p.releasing.length === 0 && p.reservations.every((r) => r.pf !== null && !r.transient))
    moved?.(await reserveInSummaries(tx, p.hostId, p.reservations));
  else await refreshPfCapacity(tx, p.hostId);
  return null;
}

/**
 * A plan that only reserves existing VFs (no count change, no whole device, no release) moves
 * each from ready (on vfio-pci) or bindable to reserved on its PF's summary, and the PF can no
 * longer change its count (core's classifyPf: a count change would destroy a reserved VF). The
 * insert above proved each VF free of vfleet's holds, and placement took only free VFs, so the
 * change is known without reading the host's rows again: two statements instead of the ten of
 * a full refresh, inside the transaction that holds the PFs' summary rows. Relative updates, so
 * concurrent plans on one PF each subtract their own.
 */
async function reserveInSummaries(tx: Tx, hostId: string, reservations: NewReservation[]): Promise<SummaryMove> {
  const perPf = new Map<string, { ready: number; bindable: number }>();
  for (const r of reservations) {
    const d = perPf.get(r.pf!) ?? { ready: 0, bindable: 0 };
    if (r.previousDriver === "vfio-pci") d.ready++;
    else d.bindable++;
    perPf.set(r.pf!, d);
  }
  const pfs = [...perPf.keys()].sort();
  // The rows locked in address order first (as a full refresh upserts them): two plans on one host never deadlock.
  const rows = await tx.$queryRaw<{ address: string; before: string; after: string }[]>`
    WITH locked AS (
      SELECT address, xmin::text AS x FROM "PfCapacity" WHERE "hostId" = ${hostId} AND address = ANY(${pfs}::text[]) ORDER BY address FOR UPDATE
    ), updated AS (
    UPDATE "PfCapacity" c SET ready = GREATEST(0, c.ready - d.ready), bindable = GREATEST(0, c.bindable - d.bindable),
      reserved = c.reserved + d.ready + d.bindable, creatable = 0
    FROM unnest(${pfs}::text[], ${pfs.map((a) => perPf.get(a)!.ready)}::int[], ${pfs.map((a) => perPf.get(a)!.bindable)}::int[]) AS d(address, ready, bindable)
    WHERE c."hostId" = ${hostId} AND c.address = d.address AND c.address IN (SELECT address FROM locked)
    RETURNING c.address, c.xmin::text AS x
    )
    SELECT l.address, l.x AS before, u.x AS after FROM locked l JOIN updated u ON u.address = l.address`;
  await refreshNodeCapacity(tx, hostId);
  return {
    before: Object.fromEntries(rows.map((r) => [r.address, r.before])),
    after: Object.fromEntries(rows.map((r) => [r.address, r.after])),
  };
}

/**
 * When a plan ends (called from releaseResources): a plan whose every job succeeded turns its
 * reservations into assignments and completes its releases; any other end (a failure, a
 * cancel) gives its reservations back and leaves what it was releasing assigned.
 */
export async function settleAssignments(tx: Tx, plan: { id: string; createdBy: string }, succeeded: boolean): Promise<void> {
  const rows = await tx.assignment.findMany({ where: { OR: [{ planId: plan.id, state: "reserved" }, { releasePlanId: plan.id }] } });
  if (rows.length === 0) return;
  const reserved = rows.filter((r) => r.state === "reserved" && r.planId === plan.id);
  const releasing = rows.filter((r) => r.releasePlanId === plan.id);
  const event = (r: (typeof rows)[number], action: string) => ({
    hostId: r.hostId,
    address: r.address,
    guest: r.guest,
    planId: plan.id,
    actor: plan.createdBy,
    action,
    mac: r.mac,
    vlan: r.vlan,
  });
  const key = (r: (typeof rows)[number]) => ({ hostId_address: { hostId: r.hostId, address: r.address } });
  const keep = succeeded ? reserved.filter((r) => !r.transient) : [];
  const drop = [...reserved.filter((r) => !keep.includes(r)), ...(succeeded ? releasing : [])];
  for (const r of keep) await tx.assignment.update({ where: key(r), data: { state: "assigned", assignedAt: new Date() } });
  if (drop.length > 0) await tx.assignment.deleteMany({ where: { OR: drop.map((r) => ({ hostId: r.hostId, address: r.address })) } });
  if (!succeeded && releasing.length > 0)
    await tx.assignment.updateMany({ where: { releasePlanId: plan.id }, data: { releasePlanId: null } });
  await tx.assignmentEvent.createMany({
    data: [
      ...keep.map((r) => event(r, "assigned")),
      ...reserved.filter((r) => !keep.includes(r)).map((r) => event(r, "reservation-released")),
      ...releasing.map((r) => event(r, succeeded ? "released" : "release-failed")),
    ],
  });
  for (const hostId of new Set(rows.map((r) => r.hostId))) await refreshPfCapacity(tx, hostId);
}
