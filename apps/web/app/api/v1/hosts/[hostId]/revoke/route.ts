import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/hosts/:id/revoke` -> { revoked, disconnected } (admin): the host's agent
 * credentials stop working, its live socket closes with 4401 at once (the agent stops
 * retrying), and its in-flight jobs become `unknown`. Re-enrolling needs a new enrollment token.
 */
async function post(request: Request, ctx: { params: Promise<{ hostId: string }> }): Promise<Response> {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { hostId } = await ctx.params;
  const { db, queries, agents } = getControlPlaneContext();
  const host = await queries.getHost(db, hostId);
  if (!host) return Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });
  const out = await agents.revokeHost(hostId);
  await db.auditEvent.create({
    data: {
      actor: caller.actor,
      action: "host.credential-revoked",
      hostId,
      summary: `agent credential of ${host.summary.name} revoked (${out.revoked})`,
    },
  });
  return Response.json(out);
}

export const POST = withAccess("admin", idempotent(post));
