import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `DELETE /api/v1/tokens/:id` -> { apiToken } with `revokedAt` (admin): refused from the next request on. 404 unknown id. */
export const DELETE = withAccess("admin", async (request: Request, ctx: { params: Promise<{ tokenId: string }> }): Promise<Response> => {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { tokenId } = await ctx.params;
  const { db, identity } = getControlPlaneContext();
  const apiToken = await identity.revokeApiToken(db, tokenId);
  if (!apiToken) return Response.json({ error: `tokenId: no token ${tokenId}`, field: "tokenId" }, { status: 404 });
  await db.auditEvent.create({ data: { actor: caller.actor, action: "token.revoked", summary: `API token ${apiToken.name} revoked` } });
  return Response.json({ apiToken });
});
