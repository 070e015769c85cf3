import { Bdf } from "@vfleet/protocol";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { QuarantineBody } from "@/lib/maintenance/maintenance-api-schemas.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

type Ctx = { params: Promise<{ hostId: string; address: string }> };

/**
 * `PUT /api/v1/hosts/:id/devices/:address/quarantine` { quarantined, reason? } -> { changed,
 * quarantine: { address, reason, by, at } | null }: a quarantined device or VF (a PF: its VFs too)
 * is never placed until an operator returns it (`quarantined: false`). Role: operator.
 */
export const PUT = withAccess("operator", async (request: Request, ctx: Ctx): Promise<Response> => {
  const { hostId, address: raw } = await ctx.params;
  const address = Bdf.safeParse(decodeURIComponent(raw));
  if (!address.success) return badRequest("address", "must be a PCI address like 0000:86:00.2");
  const body = await parseJsonBody(request, QuarantineBody);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db, queries, events } = getControlPlaneContext();
  const done = await queries.setDeviceQuarantine(db, {
    hostId,
    address: address.data,
    quarantined: body.data.quarantined,
    reason: body.data.reason ?? null,
    actor: caller.actor,
  });
  if (!done.ok)
    return done.reason === "no-host"
      ? Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 })
      : Response.json({ error: `address: the host reported no device ${address.data}`, field: "address" }, { status: 404 });
  events.emit({ type: "host-changed", hostId, hash: `quarantine:${address.data}` });
  return Response.json({ changed: done.changed, quarantine: done.quarantine });
});
