import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `DELETE /api/v1/users/:id/sessions` -> { revoked } (admin): the user's sessions end now; the next request is signed out. */
export const DELETE = withAccess("admin", async (request: Request, ctx: { params: Promise<{ userId: string }> }): Promise<Response> => {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { userId } = await ctx.params;
  const { db } = getControlPlaneContext();
  const user = await db.user.findUnique({ where: { id: userId }, select: { username: true } });
  if (!user) return Response.json({ error: `userId: no user ${userId}`, field: "userId" }, { status: 404 });
  const { count } = await db.session.deleteMany({ where: { userId } });
  await db.auditEvent.create({
    data: { actor: caller.actor, action: "user.sessions-revoked", summary: `${count} sessions of ${user.username} revoked` },
  });
  return Response.json({ revoked: count });
});
