import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { WhatIfBody } from "@/lib/placement/placement-api-schemas.ts";
import { poolWhatIf } from "@/lib/placement/pool-response.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/placements/what-if` { pool, count, numa?, minPfs?, maxPerPf?, hostLabels? } ->
 * { hosts: [{ host, now, afterCreate, numaNode, fits }], offline }: reserves nothing. Role: viewer.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, WhatIfBody);
  if (!body.success) return body.response;
  const ctx = getControlPlaneContext();
  const pool = await ctx.queries.getPool(ctx.db, body.data.pool);
  if (!pool) return badRequest("pool", `no pool named ${body.data.pool}`);
  return Response.json({ pool: pool.name, count: body.data.count, ...(await poolWhatIf(ctx, pool, body.data)) });
}

export const POST = withAccess("viewer", idempotent(post));
