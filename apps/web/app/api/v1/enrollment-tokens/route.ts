import { CreateEnrollmentTokenRequest } from "@/lib/api-schemas.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/enrollment-tokens` { hostName?, ttlSec? } -> { token, expiresAt } (admin). A
 * token lets a host join the fleet and report into capacity and scheduling: who minted it is
 * recorded in the audit log (never the token itself).
 */
async function post(request: Request): Promise<Response> {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const body = await parseJsonBody(request, CreateEnrollmentTokenRequest);
  if (!body.success) return body.response;
  const { db, queries } = getControlPlaneContext();
  const { token, expiresAt } = await queries.createEnrollmentToken(db, body.data);
  await db.auditEvent.create({
    data: {
      actor: caller.actor,
      action: "enrollment-token.created",
      summary: `enrollment token${body.data.hostName ? ` for ${body.data.hostName}` : ""}, expires ${expiresAt.toISOString()}`,
      after: { hostName: body.data.hostName ?? null, expiresAt },
    },
  });
  return Response.json({ token, expiresAt }, { status: 201 });
}

export const POST = withAccess("admin", idempotent(post));
