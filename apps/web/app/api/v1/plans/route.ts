import { planSeed000 } from "@vfleet/core";
import { speaksAtLeast } from "@vfleet/protocol";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { checkMacsUnique } from "@/lib/jobs/check-macs-unique.ts";
import { conflictResponse, staleResponse } from "@/lib/jobs/conflict-response.ts";
import { CreatePlanRequest } from "@/lib/jobs/job-api-schemas.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { agentRefusalResponse, prepareJobs, refusedResponse } from "@/lib/jobs/prepare-jobs.ts";
import { requireBasis } from "@/lib/jobs/require-basis.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { removedHostResponse } from "@/lib/jobs/removed-host-response.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/plans` { hostId, title?, dryRun?, jobs: [{ ref, job, dependsOn }] |
 * template: { name: "seed-000", guest, count?, pfLimit? }, basis? | force? }. Dry run -> 200 { dryRun,
 * basis, jobs: [{ ref, job, dependsOn, preview }] } and nothing queued; else 201 { plan, jobs };
 * 409 and 428 as for one job (POST /api/v1/jobs). The plan runs
 * in order and stops at the first failure (later jobs cancelled with the reason).
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, CreatePlanRequest);
  if (!body.success) return body.response;
  const { db, queries, jobs, events } = getControlPlaneContext();
  const basis = await queries.readHostBasis(db, body.data.hostId);
  const host = await queries.getHost(db, body.data.hostId);
  if (!host) return Response.json({ error: `hostId: no host ${body.data.hostId}`, field: "hostId" }, { status: 404 });
  if (host.summary.removedAt) return removedHostResponse(host.summary);
  if (!host.inventory) return badRequest("hostId", "the host has not reported an inventory yet: jobs are checked against it");
  const { template } = body.data;
  // One bind job per PF for agents that take a list (1.6); a job per VF for older ones.
  const batchBinds = speaksAtLeast(host.summary.protocolVersion, "1.6");
  const specs = template
    ? planSeed000(host.inventory, {
        guest: template.guest,
        count: template.count,
        batchBinds,
        ...(template.pfLimit ? { pfLimit: template.pfLimit } : {}),
      })
    : body.data.jobs!;
  if (specs.length === 0) return badRequest("template", "the host has no SR-IOV PF with a known VF offset/stride: nothing to plan");
  const prepared = prepareJobs(specs, { ...host, inventory: host.inventory }, (i) =>
    template ? `template (job ${i}: ${specs[i]!.ref})` : `jobs.${i}.job`,
  );
  if (!prepared.ok) return refusedResponse(prepared);
  const macTaken = await checkMacsUnique(db, queries.findMacUsers, body.data.hostId, host.inventory, prepared.jobs, (i) =>
    template ? `template (job ${i}: ${specs[i]!.ref})` : `jobs.${i}.job`,
  );
  if (macTaken) return macTaken;
  const title =
    body.data.title ?? (template ? `seed 000: ${template.count} VFs per PF -> vfio-pci -> ${template.guest}` : `${specs.length} jobs`);
  if (body.data.dryRun) {
    return Response.json({
      dryRun: true,
      title,
      basis,
      jobs: prepared.jobs.map((j) => ({ ref: j.ref, job: j.job, dependsOn: j.dependsOn, preview: j.preview })),
    });
  }
  if (prepared.refusal) return agentRefusalResponse(prepared.refusal);
  const unbased = requireBasis(body.data);
  if (unbased) return unbased;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const created = await queries.createJobs(db, {
    hostId: body.data.hostId,
    createdBy: caller.actor,
    plan: { title },
    jobs: prepared.jobs,
    ...(body.data.basis ? { expectBasis: body.data.basis } : { forced: true }),
  });
  if (!created.ok)
    return "stale" in created
      ? staleResponse(
          created.stale.basis,
          prepared.jobs.map((j) => j.preview),
        )
      : conflictResponse(created.conflict);
  jobs.kick(body.data.hostId);
  events.emit({ type: "job-changed", hostId: body.data.hostId, jobId: created.jobs[0]!.id, state: "queued" });
  return Response.json({ plan: await queries.getPlan(db, created.planId!), jobs: created.jobs }, { status: 201 });
}

export const POST = withAccess("operator", idempotent(post));
