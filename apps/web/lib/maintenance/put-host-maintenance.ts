import type { HeldReservation } from "@vfleet/db";
import type { z } from "zod";
import type { ControlPlaneContext } from "../control-plane-context.ts";
import { conflictResponse } from "../jobs/conflict-response.ts";
import { agentRefusalResponse } from "../jobs/prepare-jobs.ts";
import { requireBasis } from "../jobs/require-basis.ts";
import { badRequest } from "../parse-json-body.ts";
import { buildReleasePlan, type ReleasePlan } from "../placement/build-release-plan.ts";
import type { HostMaintenanceBody, LabelMaintenanceBody } from "./maintenance-api-schemas.ts";

type Ok<T> = Extract<T, { ok: true }>;

/** What maintenance does with one plan's reservations: kept, released (its queued jobs cancelled), or kept because a job of it already runs. */
type ReservationOutcome = HeldReservation & { action: "kept" | "released" | "kept-running" };

const reservationOutcomes = (held: HeldReservation[], choice: "keep" | "release"): ReservationOutcome[] =>
  held.map((r) => ({ ...r, action: choice === "keep" ? "kept" : r.queuedJobId ? "released" : "kept-running" }));

/** A plan whose first queued job is cancelled takes its later jobs with it, and its reservations are given back (cancelJob). */
async function releaseReservations(ctx: ControlPlaneContext, outcomes: ReservationOutcome[], actor: string): Promise<ReservationOutcome[]> {
  const out: ReservationOutcome[] = [];
  for (const r of outcomes) {
    if (r.action !== "released") {
      out.push(r);
      continue;
    }
    const cancelled = await ctx.queries.cancelJob(ctx.db, { jobId: r.queuedJobId!, actor: `${actor} (maintenance)` });
    // Dispatched between the read and the cancel: its plan runs on, and its reservation stays.
    out.push(cancelled.ok ? r : { ...r, action: "kept-running" });
  }
  return out;
}

const drainView = (p: Ok<ReleasePlan>) => ({
  guest: p.guest,
  title: p.title,
  notes: p.notes,
  guestAfter: p.guestAfter,
  addresses: p.addresses,
  refusal: p.refusal,
  jobs: p.jobs.map((j) => ({ ref: j.ref, job: j.job, dependsOn: j.dependsOn, preview: j.preview })),
});

/**
 * A host into or out of maintenance. In maintenance the scheduler places nothing on it; its
 * reservations are kept or released (`reservations`); `drain` releases every passthrough
 * assignment vfleet made there through one release plan per guest, built by the same builder as
 * the release form's, previewed with the guests named (`dryRun`) and queued only with the
 * preview's `basis` (or `force`). Bad input and a stale basis change nothing: the checks run
 * before maintenance is set. Every step is in the audit log (maintenance, cancelled jobs, plans).
 */
export async function putHostMaintenance(
  ctx: ControlPlaneContext,
  hostId: string,
  body: z.infer<typeof HostMaintenanceBody>,
  actor: string,
): Promise<Response> {
  const { db, queries } = ctx;
  const basis = await queries.readHostBasis(db, hostId);
  const host = await queries.getHost(db, hostId);
  if (!host || host.summary.removedAt) return Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });
  const held = body.enabled ? reservationOutcomes(await queries.listHostReservations(db, hostId), body.reservations) : [];
  let plans: Ok<ReleasePlan>[] = [];
  if (body.drain) {
    if (!host.inventory) return badRequest("drain", "the host has not reported an inventory yet");
    const { assignments } = await queries.listAssignments(db, { hostId });
    // Functions a release already runs for are left to it; a guest with nothing else left is not drained twice.
    const guests = [...new Set(assignments.filter((a) => a.state === "assigned" && !a.releasePlanId).map((a) => a.guest))].sort();
    const ours = await queries.listGuestsDefinedByVfleet(db, hostId, guests);
    for (const [i, guest] of guests.entries()) {
      const addresses = assignments.filter((a) => a.guest === guest && a.state === "assigned" && !a.releasePlanId).map((a) => a.address);
      const built = buildReleasePlan(
        { ...host, inventory: host.inventory },
        assignments,
        { guest, addresses, driver: body.driver, removeVfs: false, definedByVfleet: ours.has(guest) },
        `drain.guests.${i}.`,
      );
      if (!built.ok) return badRequest(built.field, built.message);
      plans.push(built);
    }
  }
  const view = {
    host: { id: hostId, name: host.summary.name },
    reservations: held,
    drain: body.drain ? { guests: plans.map(drainView) } : null,
  };
  if (body.dryRun) return Response.json({ dryRun: true, basis, enabled: body.enabled, maintenance: host.summary.maintenance, ...view });
  if (body.drain && plans.length > 0) {
    const refused = plans.find((p) => p.refusal)?.refusal;
    if (refused) return agentRefusalResponse(refused);
    const unbased = requireBasis(body);
    if (unbased) return unbased;
    if (body.basis !== undefined && body.basis !== basis)
      return Response.json(
        {
          error:
            "basis: the host changed since this preview (another job finished or a new inventory arrived); nothing was changed: preview the drain again",
          field: "basis",
          basis,
          drain: { guests: plans.map(drainView) },
        },
        { status: 409 },
      );
  }
  // Maintenance first: from here the scheduler gives nothing on the host while its guests are drained.
  const [change] = await queries.setHostMaintenance(db, { hostIds: [hostId], enabled: body.enabled, reason: body.reason ?? null, actor });
  const reservations = await releaseReservations(ctx, held, actor);
  const queued: { guest: string; planId: string; jobs: number }[] = [];
  for (const p of plans) {
    const created = await queries.createJobs(db, {
      hostId,
      createdBy: actor,
      plan: { title: `${p.title} (drain)` },
      jobs: p.jobs,
      releasing: p.addresses,
      ...(body.basis ? { expectBasis: body.basis } : { forced: true }),
    });
    if (!created.ok) {
      // Maintenance is on and earlier guests' plans are queued; this guest's is not: say so, not a silent half.
      if ("conflict" in created) return conflictResponse(created.conflict);
      return Response.json(
        {
          error: `basis: the host changed while its drain was being queued; in maintenance now, release plans queued for ${queued.map((q) => q.guest).join(", ") || "no guest"}, not for ${p.guest}: preview the drain again`,
          field: "basis",
          queued,
        },
        { status: 409 },
      );
    }
    queued.push({ guest: p.guest, planId: created.planId!, jobs: created.jobs.length });
    ctx.events.emit({ type: "job-changed", hostId, jobId: created.jobs[0]!.id, state: "queued" });
  }
  if (queued.length > 0) ctx.jobs.kick(hostId);
  ctx.events.emit({ type: "host-changed", hostId, hash: body.enabled ? "maintenance-on" : "maintenance-off" });
  const after = await queries.getHost(db, hostId);
  return Response.json({
    host: { id: hostId, name: host.summary.name },
    changed: change?.changed ?? false,
    maintenance: after?.summary.maintenance ?? null,
    reservations,
    drain: body.drain ? { plans: queued } : null,
  });
}

/**
 * Every host carrying these labels into (or out of) maintenance, with the same choice for their
 * reservations; `dryRun` lists the hosts and what would become of their reservations.
 */
export async function putLabelMaintenance(
  ctx: ControlPlaneContext,
  body: z.infer<typeof LabelMaintenanceBody>,
  actor: string,
): Promise<Response> {
  const { db, queries } = ctx;
  const ids = await queries.findHostIdsByLabels(db, body.hostLabels);
  if (ids.length === 0) return badRequest("hostLabels", "no host carries all of these labels");
  const held = new Map<string, ReservationOutcome[]>();
  if (body.enabled) for (const id of ids) held.set(id, reservationOutcomes(await queries.listHostReservations(db, id), body.reservations));
  if (body.dryRun) {
    const hosts = await Promise.all(ids.map((id) => queries.getHost(db, id)));
    return Response.json({
      dryRun: true,
      enabled: body.enabled,
      hosts: hosts.flatMap((h) =>
        h
          ? [{ id: h.summary.id, name: h.summary.name, maintenance: h.summary.maintenance, reservations: held.get(h.summary.id) ?? [] }]
          : [],
      ),
    });
  }
  const changes = await queries.setHostMaintenance(db, { hostIds: ids, enabled: body.enabled, reason: body.reason ?? null, actor });
  const hosts = [];
  for (const c of changes) {
    hosts.push({ ...c, reservations: await releaseReservations(ctx, held.get(c.hostId) ?? [], actor) });
    ctx.events.emit({ type: "host-changed", hostId: c.hostId, hash: body.enabled ? "maintenance-on" : "maintenance-off" });
  }
  return Response.json({ enabled: body.enabled, hosts });
}
