import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { poolCapacity, unknownPool } from "@/lib/placement/pool-response.ts";

/**
 * `GET /api/v1/pools/:name/capacity` -> { ready, bindable, creatable, assigned, reserved, inUse,
 * byHost: [{ host, numaNode, ... }], offline: [...] }. Role: viewer.
 */
export async function GET(_request: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  const { name } = await ctx.params;
  const context = getControlPlaneContext();
  const pool = await context.queries.getPool(context.db, name);
  if (!pool) return unknownPool(name, "name");
  return Response.json({ pool: pool.name, ...(await poolCapacity(context, pool.selector)) });
}
