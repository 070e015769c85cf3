import { whatIf } from "@vfleet/core";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { WhatIfBody } from "@/lib/placement/placement-api-schemas.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";

/**
 * `POST /api/v1/placements/what-if` { pool, count, numa?, minPfs?, maxPerPf?, hostLabels? } ->
 * { hosts: [{ host, now, afterCreate, numaNode, fits }], offline }: reserves nothing. Role: viewer.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, WhatIfBody);
  if (!body.success) return body.response;
  const { db, queries } = getControlPlaneContext();
  const pool = await queries.getPool(db, body.data.pool);
  if (!pool) return badRequest("pool", `no pool named ${body.data.pool}`);
  const hosts = await queries.loadPlacementHosts(db, pool.selector);
  return Response.json({ pool: pool.name, count: body.data.count, ...whatIf(hosts, { ...body.data, pool }) });
}

export const POST = idempotent(post);
