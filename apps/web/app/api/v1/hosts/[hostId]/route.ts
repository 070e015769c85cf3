import { computeCapacity } from "@vfleet/core";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";

/** `GET /api/v1/hosts/:id` -> { host, inventory, capacity } (capacity is null until a first snapshot). */
export async function GET(_request: Request, ctx: { params: Promise<{ hostId: string }> }): Promise<Response> {
  const { hostId } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  const found = await queries.getHost(db, hostId);
  if (!found) return Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });
  const capacity = found.inventory ? computeCapacity(found.inventory) : null;
  return Response.json({ host: found.summary, inventory: found.inventory, capacity });
}
