import { planReleaseJobs } from "@vfleet/core";
import { speaksAtLeast } from "@vfleet/protocol";
import type { z } from "zod";
import type { ControlPlaneContext } from "../control-plane-context.ts";
import { conflictResponse } from "../jobs/conflict-response.ts";
import { prepareJobs } from "../jobs/prepare-jobs.ts";
import { badRequest } from "../parse-json-body.ts";
import type { ReleaseBody } from "./placement-api-schemas.ts";

/**
 * Release a guest's vfleet assignments (or some of them) as a plan: detach, driver back to the
 * host (or kept on vfio-pci), MAC/VLAN restored. The rows stay assigned, marked with the release
 * plan, until that plan succeeds; then they go and the history keeps them.
 */
export async function releaseAssignments(ctx: ControlPlaneContext, body: z.infer<typeof ReleaseBody>, actor: string): Promise<Response> {
  const { db, queries } = ctx;
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
  const prepared = prepareJobs(specs, host.inventory, (i) => `release (job ${i}: ${specs[i]!.ref})`);
  if (!prepared.ok) return badRequest(prepared.field, prepared.message);
  const title = `release ${wanted.length} from ${body.guest} on ${host.summary.name} (${body.driver === "host" ? "back to the host driver" : "kept on vfio-pci"})`;
  if (body.dryRun)
    return Response.json({
      dryRun: true,
      title,
      notes,
      jobs: prepared.jobs.map((j) => ({ ref: j.ref, job: j.job, dependsOn: j.dependsOn, preview: j.preview })),
    });
  const created = await queries.createJobs(db, {
    hostId: body.hostId,
    createdBy: actor,
    plan: { title },
    jobs: prepared.jobs,
    releasing: wanted,
  });
  if (!created.ok)
    return "conflict" in created
      ? conflictResponse(created.conflict)
      : Response.json({ error: "the host changed while the release was prepared: try again" }, { status: 409 });
  ctx.jobs.kick(body.hostId);
  ctx.events.emit({ type: "job-changed", hostId: body.hostId, jobId: created.jobs[0]!.id, state: "queued" });
  return Response.json({ plan: await queries.getPlan(db, created.planId!), jobs: created.jobs, notes }, { status: 201 });
}
