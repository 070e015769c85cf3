import { UpdateUserRequest } from "@/lib/auth/identity-api-schemas.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

type Ctx = { params: Promise<{ userId: string }> };

/**
 * `PATCH /api/v1/users/:id` { role?, password? } -> { user, sessionsEnded } (admin). A new password
 * ends the user's sessions. 409 when it would demote the last admin; 404 unknown id.
 */
export const PATCH = withAccess("admin", async (request: Request, ctx: Ctx): Promise<Response> => {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const body = await parseJsonBody(request, UpdateUserRequest);
  if (!body.success) return body.response;
  const { userId } = await ctx.params;
  const { db, identity } = getControlPlaneContext();
  const updated = await identity.updateUser(db, userId, body.data);
  if (!updated.ok) return Response.json({ error: updated.error, field: updated.field }, { status: updated.status });
  const { user, sessionsEnded } = updated;
  const changes = [
    body.data.role !== undefined && `role ${user.role}`,
    body.data.password !== undefined && `password reset, ${sessionsEnded} sessions ended`,
  ].filter(Boolean);
  await db.auditEvent.create({
    data: { actor: caller.actor, action: "user.updated", summary: `user ${user.username}: ${changes.join("; ")}` },
  });
  return Response.json({ user, sessionsEnded });
});

/** `DELETE /api/v1/users/:id` -> { user, sessionsEnded } (admin). 409 for the last admin; 404 unknown id. */
export const DELETE = withAccess("admin", async (request: Request, ctx: Ctx): Promise<Response> => {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { userId } = await ctx.params;
  const { db, identity } = getControlPlaneContext();
  const deleted = await identity.deleteUser(db, userId);
  if (!deleted.ok) return Response.json({ error: deleted.error, field: deleted.field }, { status: deleted.status });
  await db.auditEvent.create({
    data: { actor: caller.actor, action: "user.deleted", summary: `user ${deleted.user.username} (${deleted.user.role}) deleted` },
  });
  return Response.json({ user: deleted.user, sessionsEnded: deleted.sessionsEnded });
});
