import { computeCapacity } from "@vfleet/core";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `GET /api/v1/hosts/:id` -> { host, inventory, capacity, quarantined } (capacity is null until a
 * first snapshot; quarantined: the devices and VFs out of service, by an operator or by device
 * health). Each inventory device carries `health` ("healthy" | "degraded" | "quarantined" |
 * "unknown": no AER counters to tell by), `healthSince` and `aerCountsFrom` (the counters at its
 * last return to service) beside the agent's `aer`.
 */
export const GET = withAccess("viewer", async (_request: Request, ctx: { params: Promise<{ hostId: string }> }): Promise<Response> => {
  const { hostId } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  const found = await queries.getHost(db, hostId);
  if (!found) return Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });
  const capacity = found.inventory ? computeCapacity(found.inventory) : null;
  const devices = found.inventory?.devices ?? [];
  const health = new Map((await queries.listDeviceHealth(db, hostId, devices)).map((h) => [h.address, h]));
  const inventory = found.inventory && {
    ...found.inventory,
    devices: devices.map((d) => ({
      ...d,
      aer: d.aer ?? null,
      health: health.get(d.address)?.health ?? "unknown",
      healthSince: health.get(d.address)?.since ?? null,
      aerCountsFrom: health.get(d.address)?.countsFrom ?? null,
    })),
  };
  return Response.json({
    host: found.summary,
    inventory,
    capacity,
    quarantined: await queries.listDeviceQuarantines(db, hostId),
  });
});

/**
 * `DELETE /api/v1/hosts/:id` -> { removed: { id, name }, revoked, disconnected, unknownJobs,
 * cancelledJobs } (admin): the host's agent credentials are revoked and its live socket closes
 * with 4401, its jobs in flight become `unknown`, its queued jobs are cancelled (new ones get 409),
 * and it leaves the lists, totals and scheduling. Its jobs, audit events
 * and assignment history stay readable (a soft delete); a re-enrolled host may take its name.
 */
export const DELETE = withAccess("admin", async (request: Request, ctx: { params: Promise<{ hostId: string }> }): Promise<Response> => {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { hostId } = await ctx.params;
  const removed = await getControlPlaneContext().agents.removeHost(hostId, caller.actor);
  if (!removed) return Response.json({ error: `hostId: no host ${hostId} (or it was removed already)`, field: "hostId" }, { status: 404 });
  const { id, name, ...rest } = removed;
  return Response.json({ removed: { id, name }, ...rest });
});
