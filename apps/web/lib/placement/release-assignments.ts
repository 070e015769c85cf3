import { planReleaseJobs } from "@vfleet/core";
import { speaksAtLeast } from "@vfleet/protocol";
import type { z } from "zod";
import type { ControlPlaneContext } from "../control-plane-context.ts";
import { conflictResponse, staleResponse } from "../jobs/conflict-response.ts";
import { agentRefusalResponse, prepareJobs } from "../jobs/prepare-jobs.ts";
import { requireBasis } from "../jobs/require-basis.ts";
import { badRequest } from "../parse-json-body.ts";
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
  const held = assignments.filter((a) => a.state === "assigned");
  if (held.length === 0) return badRequest("guest", `${body.guest} holds nothing vfleet assigned on ${host.summary.name}`);
  const wanted = body.addresses ?? held.map((a) => a.address);
  for (const [i, address] of wanted.entries()) {
    const a = held.find((x) => x.address === address);
    if (!a) return badRequest(`addresses.${i}`, `${address} is not assigned to ${body.guest} through vfleet`);
    if (a.releasePlanId) return badRequest(`addresses.${i}`, `${address} is already being released by plan ${a.releasePlanId}`);
  }
  const items = wanted.map((address) => {
    const a = held.find((x) => x.address === address)!;
    const device = host.inventory!.devices.find((d) => d.address === address);
    return { address, pf: a.pf, vfIndex: device?.vfIndex ?? null, mac: a.mac, vlan: a.vlan, previous: a.previous };
  });
  const guest = host.inventory.guests.find((g) => g.name === body.guest);
  const freed = new Set(wanted);
  const zeroPfs = !body.removeVfs
    ? []
    : [...new Set(items.map((i) => i.pf).filter((pf): pf is string => pf !== null))].filter((pf) =>
        host.inventory!.devices.find((d) => d.address === pf)?.sriov?.vfs.every((vf) => freed.has(vf)),
      );
  const { jobs: specs, notes } = planReleaseJobs({ name: body.guest, running: guest?.state === "running" }, items, body.driver, {
    zeroPfs,
    batchBinds: speaksAtLeast(host.summary.protocolVersion, "1.6"),
  });
  const prepared = prepareJobs(specs, { ...host, inventory: host.inventory }, (i) => `release (job ${i}: ${specs[i]!.ref})`);
  if (!prepared.ok) return badRequest(prepared.field, prepared.message);
  const title = `release ${wanted.length} from ${body.guest} on ${host.summary.name} (${body.driver === "host" ? "back to the host driver" : "kept on vfio-pci"})`;
  if (body.dryRun)
    return Response.json({
      dryRun: true,
      title,
      notes,
      basis,
      jobs: prepared.jobs.map((j) => ({ ref: j.ref, job: j.job, dependsOn: j.dependsOn, preview: j.preview })),
    });
  if (prepared.refusal) return agentRefusalResponse(prepared.refusal);
  const unbased = requireBasis(body);
  if (unbased) return unbased;
  const created = await queries.createJobs(db, {
    hostId: body.hostId,
    createdBy: actor,
    plan: { title },
    jobs: prepared.jobs,
    releasing: wanted,
    ...(body.basis ? { expectBasis: body.basis } : { forced: true }),
  });
  if (!created.ok)
    return "conflict" in created
      ? conflictResponse(created.conflict)
      : staleResponse(
          created.stale.basis,
          prepared.jobs.map((j) => j.preview),
        );
  ctx.jobs.kick(body.hostId);
  ctx.events.emit({ type: "job-changed", hostId: body.hostId, jobId: created.jobs[0]!.id, state: "queued" });
  return Response.json({ plan: await queries.getPlan(db, created.planId!), jobs: created.jobs, notes }, { status: 201 });
}
