import type { CreateJobsInput } from "@vfleet/db";
import type { z } from "zod";
import type { ControlPlaneContext } from "../control-plane-context.ts";
import { conflictResponse, staleResponse } from "../jobs/conflict-response.ts";
import { agentRefusalResponse, type PreparedJob, type Refusal } from "../jobs/prepare-jobs.ts";
import { requireBasis } from "../jobs/require-basis.ts";
import { badRequest } from "../parse-json-body.ts";
import { buildReleasePlan, type GuestAfterRelease } from "./build-release-plan.ts";
import type { ReleaseBody, ReleaseGroupBody } from "./placement-api-schemas.ts";

type ReleaseAsk = { hostId: string; guest: string; addresses?: string[] | undefined; driver: "host" | "vfio-pci"; removeVfs: boolean };

/** One guest's release on one host, built and checked: what a dry run shows and a confirm queues. */
type BuiltRelease = {
  hostId: string;
  host: string;
  guest: string;
  title: string;
  notes: string[];
  basis: string;
  jobs: PreparedJob[];
  releasing: string[];
  refusal: Refusal | null;
  guestAfter: GuestAfterRelease;
};

/**
 * A guest's release on one host, for a guest alone and for a group: the host's basis, inventory
 * and assignments read, then the one release builder (shared with a host's drain). `field`
 * prefixes the names in its errors.
 */
async function buildRelease(ctx: ControlPlaneContext, ask: ReleaseAsk, field = ""): Promise<BuiltRelease | Response> {
  const { db, queries } = ctx;
  // Read before the inventory: a snapshot landing in between makes the basis older, never newer, than the preview.
  const basis = await queries.readHostBasis(db, ask.hostId);
  const host = await queries.getHost(db, ask.hostId);
  if (!host) return Response.json({ error: `${field}hostId: no host ${ask.hostId}`, field: `${field}hostId` }, { status: 404 });
  if (!host.inventory) return badRequest(`${field}hostId`, "the host has not reported an inventory yet");
  const { assignments } = await queries.listAssignments(db, { hostId: ask.hostId, guest: ask.guest });
  const { addresses, ...rest } = ask;
  const definedByVfleet = (await queries.listGuestsDefinedByVfleet(db, ask.hostId, [ask.guest])).has(ask.guest);
  const built = buildReleasePlan(
    { ...host, inventory: host.inventory },
    assignments,
    addresses ? { ...rest, addresses, definedByVfleet } : { ...rest, definedByVfleet },
    field,
  );
  if (!built.ok) return badRequest(built.field, built.message);
  return {
    hostId: ask.hostId,
    host: host.summary.name,
    guest: ask.guest,
    title: built.title,
    notes: built.notes,
    basis,
    jobs: built.jobs,
    releasing: built.addresses,
    refusal: built.refusal,
    guestAfter: built.guestAfter,
  };
}

const previewJobs = (r: BuiltRelease) => r.jobs.map((j) => ({ ref: j.ref, job: j.job, dependsOn: j.dependsOn, preview: j.preview }));

const planInput = (r: BuiltRelease, actor: string, basis: string | undefined): CreateJobsInput => ({
  hostId: r.hostId,
  createdBy: actor,
  plan: { title: r.title },
  jobs: r.jobs,
  releasing: r.releasing,
  ...(basis !== undefined ? { expectBasis: basis } : { forced: true }),
});

/**
 * Release a guest's vfleet assignments (or some of them) as a plan: detach, driver back to the
 * host (or kept on vfio-pci), MAC/VLAN restored. The rows stay assigned, marked with the release
 * plan, until that plan succeeds; then they go and the history keeps them. Confirmed like any plan:
 * with its dry run's `basis` (or `force: true`), refused when the agent would refuse a job.
 */
export async function releaseAssignments(ctx: ControlPlaneContext, body: z.infer<typeof ReleaseBody>, actor: string): Promise<Response> {
  const built = await buildRelease(ctx, body);
  if (built instanceof Response) return built;
  if (body.dryRun)
    return Response.json({
      dryRun: true,
      title: built.title,
      notes: built.notes,
      guestAfter: built.guestAfter,
      basis: built.basis,
      jobs: previewJobs(built),
    });
  if (built.refusal) return agentRefusalResponse(built.refusal);
  const unbased = requireBasis(body);
  if (unbased) return unbased;
  const created = await ctx.queries.createJobs(ctx.db, planInput(built, actor, body.basis));
  if (!created.ok)
    return "conflict" in created
      ? conflictResponse(created.conflict)
      : staleResponse(
          created.stale.basis,
          built.jobs.map((j) => j.preview),
        );
  ctx.jobs.kick(body.hostId);
  ctx.events.emit({ type: "job-changed", hostId: body.hostId, jobId: created.jobs[0]!.id, state: "queued" });
  return Response.json(
    { plan: await ctx.queries.getPlan(ctx.db, created.planId!), jobs: created.jobs, notes: built.notes },
    { status: 201 },
  );
}

/**
 * Release a group of guests (a group placement's replicas, or any guests) all or nothing: one
 * release plan per guest and host, previewed together (`bases`: each host's basis), and queued in
 * one transaction, so a host that changed since the preview, or a function another release took
 * meanwhile, leaves none queued. Each guest is found on the hosts where it holds vfleet assignments.
 */
export async function releaseGroup(ctx: ControlPlaneContext, body: z.infer<typeof ReleaseGroupBody>, actor: string): Promise<Response> {
  const releases: BuiltRelease[] = [];
  for (const [i, guest] of body.guests.entries()) {
    const { assignments } = await ctx.queries.listAssignments(ctx.db, { guest });
    const hostIds = [...new Set(assignments.filter((a) => a.state === "assigned").map((a) => a.hostId))];
    if (hostIds.length === 0) return badRequest(`guests.${i}`, `${guest} holds nothing vfleet assigned on any host`);
    for (const hostId of hostIds) {
      const built = await buildRelease(ctx, { hostId, guest, driver: body.driver, removeVfs: body.removeVfs }, `guests.${i}.`);
      if (built instanceof Response) return built;
      releases.push(built);
    }
  }
  const bases = Object.fromEntries(releases.map((r) => [r.hostId, r.basis]));
  const previews = releases.map((r) => ({
    hostId: r.hostId,
    host: r.host,
    guest: r.guest,
    title: r.title,
    notes: r.notes,
    guestAfter: r.guestAfter,
    jobs: previewJobs(r),
  }));
  if (body.dryRun) return Response.json({ dryRun: true, bases, releases: previews });
  const refused = releases.find((r) => r.refusal)?.refusal;
  if (refused) return agentRefusalResponse(refused);
  if (body.force && body.bases) return badRequest("force", "give bases or force: true, not both (force queues without checking a basis)");
  if (!body.force && !body.bases)
    return Response.json(
      {
        error:
          "bases: is required to queue a group's release: send the bases its preview (dryRun: true) returned, or force: true to queue it whatever changed on its hosts since",
        field: "bases",
      },
      { status: 428 },
    );
  const missing = releases.find((r) => body.bases && body.bases[r.hostId] === undefined);
  if (missing) return badRequest("bases", `has no basis for host ${missing.host} (${missing.hostId}): run the dry run again`);
  const created = await ctx.queries.createJobGroup(
    ctx.db,
    releases.map((r) => planInput(r, actor, body.bases?.[r.hostId])),
  );
  if (!created.ok)
    return "conflict" in created
      ? conflictResponse(created.conflict)
      : Response.json(
          {
            error: "bases: a host of the group changed since the preview; nothing was queued (review the new preview)",
            field: "bases",
            bases,
            releases: previews,
          },
          { status: 409 },
        );
  for (const [i, r] of releases.entries()) {
    ctx.jobs.kick(r.hostId);
    ctx.events.emit({ type: "job-changed", hostId: r.hostId, jobId: created.plans[i]!.jobs[0]!.id, state: "queued" });
  }
  return Response.json(
    {
      releases: await Promise.all(
        releases.map(async (r, i) => ({
          hostId: r.hostId,
          guest: r.guest,
          plan: await ctx.queries.getPlan(ctx.db, created.plans[i]!.planId!),
          jobs: created.plans[i]!.jobs,
          notes: r.notes,
        })),
      ),
    },
    { status: 201 },
  );
}
