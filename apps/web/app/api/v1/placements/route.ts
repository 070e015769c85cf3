import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { operatorOf } from "@/lib/jobs/operator-of.ts";
import { PlacementBody } from "@/lib/placement/placement-api-schemas.ts";
import { respondToPlacement } from "@/lib/placement/placement-response.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";

/**
 * `POST /api/v1/placements` { pool, count, numa?, minPfs?, maxPerPf?, host?, hostLabels?,
 * guest: { name, host?, vcpus?, memoryMiB?, numaNode? }, macs? | allocateMacs?, vlan?, trust?,
 * spoofchk?, dryRun?, operator? }. Role: viewer for a dry run, operator otherwise.
 */
export async function POST(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, PlacementBody);
  if (!body.success) return body.response;
  const ctx = getControlPlaneContext();
  const pool = await ctx.queries.getPool(ctx.db, body.data.pool);
  if (!pool) return badRequest("pool", `no pool named ${body.data.pool}`);
  const operator = body.data.dryRun ? { ok: true as const, name: "(dry run)" } : operatorOf(request, body.data.operator);
  if (!operator.ok) return operator.response;
  return respondToPlacement(ctx, body.data, pool, operator.name);
}
