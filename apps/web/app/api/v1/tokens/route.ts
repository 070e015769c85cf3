import { CreateApiTokenRequest } from "@/lib/auth/identity-api-schemas.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/tokens` -> { tokens: [{ id, name, role, createdBy, createdAt, expiresAt, lastUsedAt, revokedAt }] } (admin; never the secret). */
export const GET = withAccess("admin", async (_request: Request): Promise<Response> => {
  const { db, identity } = getControlPlaneContext();
  return Response.json({ tokens: await identity.listApiTokens(db) });
});

/**
 * `POST /api/v1/tokens` { name, role, ttlSec? } -> 201 { token, apiToken } (admin). The token is
 * shown this once; only its hash is stored. 409 when the name was used before.
 */
async function post(request: Request): Promise<Response> {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const body = await parseJsonBody(request, CreateApiTokenRequest);
  if (!body.success) return body.response;
  const { db, identity } = getControlPlaneContext();
  const created = await identity.createApiToken(db, { ...body.data, createdBy: caller.actor });
  if (!created.ok)
    return Response.json(
      { error: `name: a token named ${body.data.name} exists (names are never reused)`, field: "name" },
      { status: 409 },
    );
  await db.auditEvent.create({
    data: {
      actor: caller.actor,
      action: "token.created",
      summary: `API token ${created.apiToken.name} (${created.apiToken.role})`,
      after: { expiresAt: created.apiToken.expiresAt },
    },
  });
  return Response.json({ token: created.token, apiToken: created.apiToken }, { status: 201 });
}

export const POST = withAccess("admin", idempotent(post));
