import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { checkMacsUnique } from "@/lib/jobs/check-macs-unique.ts";
import { conflictResponse, staleResponse } from "@/lib/jobs/conflict-response.ts";
import { CreateJobRequest } from "@/lib/jobs/job-api-schemas.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { agentRefusalResponse, prepareJobs, refusedResponse } from "@/lib/jobs/prepare-jobs.ts";
import { requireBasis } from "@/lib/jobs/require-basis.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { removedHostResponse } from "@/lib/jobs/removed-host-response.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/jobs` { hostId, job, dryRun?, basis? | force? } -> 201 { job, preview } (200
 * { preview, basis } for a dry run); 400 naming the field; 404 unknown host; 409 naming the job
 * that already changes the same device, the guests holding VFs a count change would destroy, the
 * holder of a MAC on the VLAN, what the preview says the agent will refuse, or a host changed
 * since the preview (`basis`), with the new preview; 428 without `basis` or `force: true`. The
 * agent validates the job again on the host.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, CreateJobRequest);
  if (!body.success) return body.response;
  const { db, queries, jobs } = getControlPlaneContext();
  // Read before the inventory: a snapshot landing in between makes the basis older, never newer, than the preview.
  const basis = await queries.readHostBasis(db, body.data.hostId);
  const host = await queries.getHost(db, body.data.hostId);
  if (!host) return Response.json({ error: `hostId: no host ${body.data.hostId}`, field: "hostId" }, { status: 404 });
  if (host.summary.removedAt) return removedHostResponse(host.summary);
  if (!host.inventory) return badRequest("hostId", "the host has not reported an inventory yet: jobs are checked against it");
  const prepared = prepareJobs([{ ref: "job", job: body.data.job, dependsOn: [] }], { ...host, inventory: host.inventory }, () => "job");
  if (!prepared.ok) return refusedResponse(prepared);
  const [spec] = prepared.jobs;
  const macTaken = await checkMacsUnique(db, queries.findMacUsers, body.data.hostId, host.inventory, prepared.jobs, () => "job");
  if (macTaken) return macTaken;
  if (body.data.dryRun) return Response.json({ dryRun: true, preview: spec!.preview, basis });
  if (prepared.refusal) return agentRefusalResponse(prepared.refusal);
  const unbased = requireBasis(body.data);
  if (unbased) return unbased;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const created = await queries.createJobs(db, {
    hostId: body.data.hostId,
    createdBy: caller.actor,
    jobs: prepared.jobs,
    ...(body.data.basis ? { expectBasis: body.data.basis } : { forced: true }),
  });
  if (!created.ok) return "stale" in created ? staleResponse(created.stale.basis, [spec!.preview]) : conflictResponse(created.conflict);
  const job = created.jobs[0]!;
  jobs.kick(job.hostId);
  getControlPlaneContext().events.emit({ type: "job-changed", hostId: job.hostId, jobId: job.id, state: job.state });
  return Response.json({ job, preview: spec!.preview }, { status: 201 });
}

export const POST = withAccess("operator", idempotent(post));
