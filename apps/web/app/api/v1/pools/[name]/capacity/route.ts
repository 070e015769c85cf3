import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { poolCapacity, unknownPool } from "@/lib/placement/pool-response.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `GET /api/v1/pools/:name/capacity` -> { ready, bindable, creatable, assigned, reserved, inUse,
 * byHost: [{ host, numaNode, ... }], offline: [...] }. Role: viewer.
 */
export const GET = withAccess("viewer", async (_request: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> => {
  const { name } = await ctx.params;
  const context = getControlPlaneContext();
  const pool = await context.queries.getPool(context.db, name);
  if (!pool) return unknownPool(name, "name");
  return Response.json({ pool: pool.name, ...(await poolCapacity(context, pool.selector)) });
});
