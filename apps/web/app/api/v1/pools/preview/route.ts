import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { PoolPreviewBody } from "@/lib/placement/placement-api-schemas.ts";
import { poolCapacity } from "@/lib/placement/pool-response.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `POST /api/v1/pools/preview` { selector } -> what the selector matches now (capacity), saving nothing. Role: viewer. */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, PoolPreviewBody);
  if (!body.success) return body.response;
  return Response.json(await poolCapacity(getControlPlaneContext(), body.data.selector));
}

export const POST = withAccess("viewer", idempotent(post));
