import { SetupRequest } from "@/lib/auth/identity-api-schemas.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/setup` { username, password } -> 201 { user }: the first admin, only while no
 * user exists (409 afterwards, whoever asks). Behind the first-run page `/setup`.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, SetupRequest);
  if (!body.success) return body.response;
  const { db, identity } = getControlPlaneContext();
  const created = await identity.createUser(db, { ...body.data, role: "admin", onlyIfNoUsers: true });
  if (!created.ok) return Response.json({ error: created.error }, { status: created.status });
  return Response.json({ user: created.user }, { status: 201 });
}

export const POST = withAccess("public", idempotent(post));
