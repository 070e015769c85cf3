import type { z } from "zod";
import type { ControlPlaneContext } from "../control-plane-context.ts";
import { conflictResponse, staleResponse } from "../jobs/conflict-response.ts";
import { agentRefusalResponse } from "../jobs/prepare-jobs.ts";
import { requireBasis } from "../jobs/require-basis.ts";
import { badRequest } from "../parse-json-body.ts";
import { buildReleasePlan } from "./build-release-plan.ts";
import type { ReleaseBody } from "./placement-api-schemas.ts";

/**
 * Release a guest's vfleet assignments (or some of them) as a plan: detach, driver back to the
 * host (or kept on vfio-pci), MAC/VLAN restored. The rows stay assigned, marked with the release
 * plan, until that plan succeeds; then they go and the history keeps them. Confirmed like any plan:
 * with its dry run's `basis` (or `force: true`), refused when the agent would refuse a job.
 */
export async function releaseAssignments(ctx: ControlPlaneContext, body: z.infer<typeof ReleaseBody>, actor: string): Promise<Response> {
  const { db, queries } = ctx;
  // Read before the inventory: a snapshot landing in between makes the basis older, never newer, than the preview.
  const basis = await queries.readHostBasis(db, body.hostId);
  const host = await queries.getHost(db, body.hostId);
  if (!host) return Response.json({ error: `hostId: no host ${body.hostId}`, field: "hostId" }, { status: 404 });
  if (!host.inventory) return badRequest("hostId", "the host has not reported an inventory yet");
  const { assignments } = await queries.listAssignments(db, { hostId: body.hostId, guest: body.guest });
  const built = buildReleasePlan({ ...host, inventory: host.inventory }, assignments, body);
  if (!built.ok) return badRequest(built.field, built.message);
  const { title, notes, addresses: wanted } = built;
  if (body.dryRun)
    return Response.json({
      dryRun: true,
      title,
      notes,
      basis,
      jobs: built.jobs.map((j) => ({ ref: j.ref, job: j.job, dependsOn: j.dependsOn, preview: j.preview })),
    });
  if (built.refusal) return agentRefusalResponse(built.refusal);
  const unbased = requireBasis(body);
  if (unbased) return unbased;
  const created = await queries.createJobs(db, {
    hostId: body.hostId,
    createdBy: actor,
    plan: { title },
    jobs: built.jobs,
    releasing: wanted,
    ...(body.basis ? { expectBasis: body.basis } : { forced: true }),
  });
  if (!created.ok)
    return "conflict" in created
      ? conflictResponse(created.conflict)
      : staleResponse(
          created.stale.basis,
          built.jobs.map((j) => j.preview),
        );
  ctx.jobs.kick(body.hostId);
  ctx.events.emit({ type: "job-changed", hostId: body.hostId, jobId: created.jobs[0]!.id, state: "queued" });
  return Response.json({ plan: await queries.getPlan(db, created.planId!), jobs: created.jobs, notes }, { status: 201 });
}
