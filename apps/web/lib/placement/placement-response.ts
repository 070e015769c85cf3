import type { Placement, PlacementRequest } from "@vfleet/core";
import type { PoolView } from "@vfleet/db";
import type { ControlPlaneContext } from "../control-plane-context.ts";
import { conflictResponse } from "../jobs/conflict-response.ts";
import { agentRefusalResponse } from "../jobs/prepare-jobs.ts";
import { badRequest } from "../parse-json-body.ts";
import type { PlacementBody } from "./placement-api-schemas.ts";
import { confirmPlacement, placeAndReserve, type ConfirmOutcome, type PlaceOutcome, type PlannedGuest } from "./place-and-reserve.ts";

export function toPlacementRequest(body: PlacementBody, pool: PoolView): PlacementRequest {
  const { count, numa, link, strategy, minPfs, maxPerPf, host, hostLabels, guest, macs, allocateMacs, vlan, trust, spoofchk } = body;
  // The request's strategy, else the pool's default (kept with a preview as resolved here).
  return {
    pool,
    count,
    numa,
    link,
    strategy: strategy ?? pool.strategy ?? undefined,
    minPfs,
    maxPerPf,
    host,
    hostLabels,
    guest,
    macs,
    allocateMacs,
    vlan,
    trust,
    spoofchk,
  };
}

const groupOf = (body: PlacementBody) =>
  body.replicas !== undefined || body.guests !== undefined
    ? {
        replicas: body.guests?.length ?? body.replicas!,
        ...(body.antiAffinity ? { antiAffinity: body.antiAffinity } : {}),
        ...(body.guests ? { guests: body.guests } : {}),
      }
    : undefined;

/**
 * The placement API's answers: 200 dry run (the plan not yet run: host, PFs with their port and
 * share of the VFs, VFs with the addresses the kernel will give, jobs in order with previews,
 * guest sizing, and `id` to confirm it), 201 with the queued plan and its reservations, 400
 * naming the field, 409 with the best candidates when nothing fits (or when someone else holds
 * what was asked). A group answers `placements`, one per guest. Nothing is reserved on a 4xx.
 */
export async function respondToPlacement(ctx: ControlPlaneContext, body: PlacementBody, pool: PoolView, actor: string): Promise<Response> {
  const group = groupOf(body);
  const outcome = await placeAndReserve(ctx.db, ctx.queries, {
    request: toPlacementRequest(body, pool),
    pool,
    dryRun: body.dryRun,
    actor,
    ...(group ? { group } : {}),
  });
  return answer(ctx, outcome, body.dryRun);
}

/**
 * `{ confirm: id }`: 201 with exactly the previewed host, VFs and MACs and the queued plan; 409
 * `{ error, changes, placement }` (or `placements`) with a new preview when the fleet moved; 404
 * when the preview is unknown, expired or confirmed already.
 */
export async function respondToConfirm(ctx: ControlPlaneContext, id: string, actor: string): Promise<Response> {
  const outcome: ConfirmOutcome = await confirmPlacement(ctx.db, ctx.queries, { id, actor });
  if (outcome.kind === "gone")
    return Response.json(
      {
        error: `confirm: no open preview ${id}: it expired, was confirmed already, or never existed; run the dry run again`,
        field: "confirm",
      },
      { status: 404 },
    );
  if (outcome.kind !== "changed") return answer(ctx, outcome, false);
  const error = `the preview no longer holds: ${outcome.changes.join("; ")}`;
  const fresh = outcome.preview;
  if (fresh.kind === "planned")
    return Response.json({ error, changes: outcome.changes, placement: previewOf(fresh, fresh.previewId) }, { status: 409 });
  if (fresh.kind === "planned-group")
    return Response.json(
      { error, changes: outcome.changes, id: fresh.previewId, placements: fresh.guests.map((g) => previewOf(g, fresh.previewId)) },
      { status: 409 },
    );
  if (fresh.kind === "no-capacity")
    return Response.json(
      { error: `${error}; and now ${fresh.error}`, changes: outcome.changes, placement: null, candidates: fresh.candidates },
      { status: 409 },
    );
  return Response.json({ error, changes: outcome.changes, placement: null }, { status: 409 });
}

function answer(ctx: ControlPlaneContext, outcome: PlaceOutcome, dryRun: boolean): Response {
  switch (outcome.kind) {
    case "bad-request":
      return badRequest(outcome.field, outcome.message);
    case "refused":
      return agentRefusalResponse(outcome.refusal);
    case "no-capacity":
      return Response.json(
        { error: outcome.error, candidates: outcome.candidates, ...(outcome.withoutLink ? { withoutLink: outcome.withoutLink } : {}) },
        { status: 409 },
      );
    case "conflict":
      return conflictResponse(outcome.conflict);
    case "planned": {
      const placement = previewOf(outcome, outcome.previewId);
      if (dryRun) return Response.json({ dryRun: true, placement });
      kick(ctx, outcome);
      return Response.json({ placement, plan: outcome.plan, jobs: outcome.queued }, { status: 201 });
    }
    case "planned-group": {
      if (dryRun)
        return Response.json({
          dryRun: true,
          id: outcome.previewId,
          placements: outcome.guests.map((g) => previewOf(g, outcome.previewId)),
        });
      for (const g of outcome.guests) kick(ctx, g);
      return Response.json(
        { placements: outcome.guests.map((g) => ({ ...previewOf(g, null), plan: g.plan, queued: g.queued })) },
        { status: 201 },
      );
    }
  }
}

function kick(ctx: ControlPlaneContext, g: PlannedGuest): void {
  ctx.jobs.kick(g.placement.hostId);
  ctx.events.emit({ type: "job-changed", hostId: g.placement.hostId, jobId: g.queued[0]!.id, state: "queued" });
}

function previewOf(g: PlannedGuest, id: string | null) {
  return {
    ...(id ? { id } : {}),
    ...summarize(g.placement),
    title: g.title,
    jobs: g.jobs.map((j) => ({ ref: j.ref, kind: j.job.kind, summary: j.summary, dependsOn: j.dependsOn, job: j.job, preview: j.preview })),
  };
}

function summarize(p: Placement) {
  return {
    host: p.host,
    hostId: p.hostId,
    numaNode: p.numaNode,
    guest: p.guest,
    notes: p.notes,
    // The split: each PF's share of the VFs, with its port (netdev, link, speed).
    pfs: [...new Set(p.vfs.map((v) => v.pf))].map((pf) => {
      const port = p.vfs.find((v) => v.pf === pf)!.port;
      return {
        address: pf,
        netdev: port?.netdev ?? null,
        link: port?.link ?? null,
        speedMbps: port?.speedMbps ?? null,
        vfs: p.vfs.filter((v) => v.pf === pf).length,
        setCount: p.setCounts.find((s) => s.pf === pf) ?? null,
      };
    }),
    vfs: p.vfs.map((v) => ({
      address: v.address,
      pf: v.pf,
      pfNetdev: v.port?.netdev ?? null,
      link: v.port?.link ?? null,
      index: v.index,
      numaNode: v.numaNode,
      exists: v.exists,
      source: v.source,
      driver: v.driver,
      mac: v.assignMac,
    })),
    devices: p.devices,
  };
}
