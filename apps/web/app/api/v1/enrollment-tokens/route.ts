import { CreateEnrollmentTokenRequest } from "@/lib/api-schemas.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";

/**
 * `POST /api/v1/enrollment-tokens` { hostName?, ttlSec? } -> { token, expiresAt }.
 * TODO(security): operator authentication does not exist yet; until it does, anyone who can
 * reach this port can mint tokens. Keep the control plane on loopback or a management network.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, CreateEnrollmentTokenRequest);
  if (!body.success) return body.response;
  const { db, queries } = getControlPlaneContext();
  const { token, expiresAt } = await queries.createEnrollmentToken(db, body.data);
  return Response.json({ token, expiresAt }, { status: 201 });
}

export const POST = idempotent(post);
