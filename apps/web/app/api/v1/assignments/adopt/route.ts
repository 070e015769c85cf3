import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { AdoptBody } from "@/lib/placement/placement-api-schemas.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/assignments/adopt` { hostId, guest, basis | force } -> 201 { adopted: [{ address,
 * pf, mac, vlan }] }: the VFs the guest holds that vfleet never assigned become vfleet
 * assignments, recorded as they are; nothing on the host changes. 409 with the new basis when
 * the host changed since the operator looked; 400 when the guest holds no such VF. Role: operator.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, AdoptBody);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  if (body.data.basis === undefined && !body.data.force)
    return Response.json(
      {
        error: "basis: is required: send the basis the assignments list returned, or force: true to adopt whatever the guest holds now",
        field: "basis",
      },
      { status: 428 },
    );
  if (body.data.basis !== undefined && body.data.force) return badRequest("force", "give basis or force: true, not both");
  const ctx = getControlPlaneContext();
  const host = await ctx.queries.getHostLiveness(ctx.db, body.data.hostId);
  if (!host) return Response.json({ error: `hostId: no host ${body.data.hostId}`, field: "hostId" }, { status: 404 });
  const adopted = await ctx.queries.adoptAssignments(ctx.db, {
    hostId: body.data.hostId,
    guest: body.data.guest,
    actor: caller.actor,
    ...(body.data.basis !== undefined ? { expectBasis: body.data.basis } : {}),
  });
  if (!adopted.ok && adopted.reason === "stale")
    return Response.json(
      {
        error: "basis: the host changed since you looked (a new inventory or a finished job); review the drift again and adopt from there",
        field: "basis",
        basis: adopted.basis,
      },
      { status: 409 },
    );
  if (!adopted.ok) return badRequest("guest", `${body.data.guest} holds no VF attached outside vfleet on ${host.name}`);
  return Response.json({ adopted: adopted.adopted }, { status: 201 });
}

export const POST = withAccess("operator", idempotent(post));
