import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { HostMaintenanceBody } from "@/lib/maintenance/maintenance-api-schemas.ts";
import { putHostMaintenance } from "@/lib/maintenance/put-host-maintenance.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

type Ctx = { params: Promise<{ hostId: string }> };

/** `GET /api/v1/hosts/:id/maintenance` -> { maintenance: { since, by, reason } | null }. Role: viewer. */
export const GET = withAccess("viewer", async (_request: Request, ctx: Ctx): Promise<Response> => {
  const { hostId } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  const host = await queries.getHost(db, hostId);
  if (!host || host.summary.removedAt) return Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });
  return Response.json({ maintenance: host.summary.maintenance });
});

/**
 * `PUT /api/v1/hosts/:id/maintenance` { enabled, drain?, reservations?: "keep" | "release", reason?,
 * driver?, dryRun?, basis?, force? } -> { host, changed, maintenance, reservations, drain }; with
 * `dryRun` -> { basis, reservations, drain: { guests: [{ guest, title, jobs }] } }. Role: operator.
 */
export const PUT = withAccess("operator", async (request: Request, ctx: Ctx): Promise<Response> => {
  const { hostId } = await ctx.params;
  const body = await parseJsonBody(request, HostMaintenanceBody);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  return putHostMaintenance(getControlPlaneContext(), hostId, body.data, caller.actor);
});
