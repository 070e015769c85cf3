import { EnrollRequest } from "@/lib/api-schemas.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";

/** `POST /api/v1/enroll` { token, hostname } -> { hostId, hostName, credential }: the agent's one-time exchange. */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, EnrollRequest);
  if (!body.success) return body.response;
  const { db, queries } = getControlPlaneContext();
  const enrolled = await queries.redeemEnrollmentToken(db, body.data);
  if (!enrolled) {
    return Response.json({ error: "token: unknown, already used or expired", field: "token" }, { status: 401 });
  }
  return Response.json(enrolled, { status: 201 });
}

export const POST = idempotent(post);
