import { computePoolCapacity, type PoolSelector } from "@vfleet/core";
import type { ControlPlaneContext } from "../control-plane-context.ts";

/** A pool's capacity across the fleet (offline hosts apart), straight from the stored inventories. */
export async function poolCapacity(ctx: ControlPlaneContext, selector: PoolSelector) {
  return computePoolCapacity(selector, await ctx.queries.loadPlacementHosts(ctx.db, selector));
}

export const unknownPool = (name: string, field = "pool"): Response =>
  Response.json({ error: `${field}: no pool named ${name}`, field }, { status: 404 });
