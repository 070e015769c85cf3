import { EnrollRequest } from "@/lib/api-schemas.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `POST /api/v1/enroll` { token, hostname } -> { hostId, hostName, credential }: the agent's one-time exchange. */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, EnrollRequest);
  if (!body.success) return body.response;
  const { db, queries } = getControlPlaneContext();
  const enrolled = await queries.redeemEnrollmentToken(db, body.data);
  if (!enrolled) {
    return Response.json({ error: "token: unknown, already used or expired", field: "token" }, { status: 401 });
  }
  await db.auditEvent.create({
    data: {
      actor: `agent:${body.data.hostname}`,
      action: "host.enrolled",
      hostId: enrolled.hostId,
      summary: `${enrolled.hostName} enrolled with a one-time token`,
      after: { hostName: enrolled.hostName },
    },
  });
  return Response.json(enrolled, { status: 201 });
}

export const POST = withAccess("public", idempotent(post));
