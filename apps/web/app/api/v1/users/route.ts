import { CreateUserRequest } from "@/lib/auth/identity-api-schemas.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/users` -> { users: [{ id, username, role, createdAt }] } (admin). */
export const GET = withAccess("admin", async (_request: Request): Promise<Response> => {
  const { db, identity } = getControlPlaneContext();
  return Response.json({ users: await identity.listUsers(db) });
});

/** `POST /api/v1/users` { username, password, role } -> 201 { user }; 409 when the name is taken (admin). */
async function post(request: Request): Promise<Response> {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const body = await parseJsonBody(request, CreateUserRequest);
  if (!body.success) return body.response;
  const { db, identity } = getControlPlaneContext();
  const created = await identity.createUser(db, body.data);
  if (!created.ok) return Response.json({ error: created.error, field: "username" }, { status: created.status });
  await db.auditEvent.create({
    data: { actor: caller.actor, action: "user.created", summary: `user ${created.user.username} (${created.user.role})` },
  });
  return Response.json({ user: created.user }, { status: 201 });
}

export const POST = withAccess("admin", idempotent(post));
