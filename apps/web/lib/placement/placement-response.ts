import type { Placement, PlacementRequest } from "@vfleet/core";
import type { PoolView } from "@vfleet/db";
import type { ControlPlaneContext } from "../control-plane-context.ts";
import { conflictResponse } from "../jobs/conflict-response.ts";
import { agentRefusalResponse } from "../jobs/prepare-jobs.ts";
import { badRequest } from "../parse-json-body.ts";
import type { PlacementBody } from "./placement-api-schemas.ts";
import { placeAndReserve } from "./place-and-reserve.ts";

export function toPlacementRequest(body: PlacementBody, pool: PoolView): PlacementRequest {
  const { count, numa, minPfs, maxPerPf, host, hostLabels, guest, macs, allocateMacs, vlan, trust, spoofchk } = body;
  return { pool, count, numa, minPfs, maxPerPf, host, hostLabels, guest, macs, allocateMacs, vlan, trust, spoofchk };
}

/**
 * The placement API's answers: 200 dry run (the plan not yet run: host, PFs, VFs with the
 * addresses the kernel will give, jobs in order with previews, guest sizing), 201 with the
 * queued plan and its reservations, 400 naming the field, 409 with the best candidates when
 * nothing fits (or when someone else holds what was asked). Nothing is reserved on a 4xx.
 */
export async function respondToPlacement(ctx: ControlPlaneContext, body: PlacementBody, pool: PoolView, actor: string): Promise<Response> {
  const outcome = await placeAndReserve(ctx.db, ctx.queries, { request: toPlacementRequest(body, pool), pool, dryRun: body.dryRun, actor });
  switch (outcome.kind) {
    case "bad-request":
      return badRequest(outcome.field, outcome.message);
    case "refused":
      return agentRefusalResponse(outcome.refusal);
    case "no-capacity":
      return Response.json({ error: outcome.error, candidates: outcome.candidates }, { status: 409 });
    case "conflict":
      return conflictResponse(outcome.conflict);
    case "planned": {
      const placement = {
        ...summarize(outcome.placement),
        title: outcome.title,
        jobs: outcome.jobs.map((j) => ({
          ref: j.ref,
          kind: j.job.kind,
          summary: j.summary,
          dependsOn: j.dependsOn,
          job: j.job,
          preview: j.preview,
        })),
      };
      if (body.dryRun) return Response.json({ dryRun: true, placement });
      ctx.jobs.kick(outcome.placement.hostId);
      ctx.events.emit({ type: "job-changed", hostId: outcome.placement.hostId, jobId: outcome.queued[0]!.id, state: "queued" });
      return Response.json({ placement, plan: outcome.plan, jobs: outcome.queued }, { status: 201 });
    }
  }
}

function summarize(p: Placement) {
  return {
    host: p.host,
    hostId: p.hostId,
    numaNode: p.numaNode,
    guest: p.guest,
    notes: p.notes,
    pfs: [...new Set(p.vfs.map((v) => v.pf))].map((pf) => ({
      address: pf,
      vfs: p.vfs.filter((v) => v.pf === pf).length,
      setCount: p.setCounts.find((s) => s.pf === pf) ?? null,
    })),
    vfs: p.vfs.map((v) => ({
      address: v.address,
      pf: v.pf,
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
