import {
  computePoolCapacity,
  poolCapacityOfSummaries,
  whatIf,
  whatIfOfSummaries,
  type Pool,
  type PoolSelector,
  type WhatIfRequest,
} from "@vfleet/core";
import type { ControlPlaneContext } from "../control-plane-context.ts";

/**
 * A pool's capacity across the fleet (offline hosts apart). A VF pool reads the per-PF summary
 * (one row per PF, never the VFs: flat in VFs, one query at any fleet size); a device pool reads
 * the devices' rows with their IOMMU groups, which the summary does not hold.
 */
export async function poolCapacity(ctx: ControlPlaneContext, selector: PoolSelector) {
  if (selector.kind === "device") return computePoolCapacity(selector, await ctx.queries.loadPlacementHosts(ctx.db, selector));
  return poolCapacityOfSummaries(await ctx.queries.loadPoolSummaries(ctx.db, selector));
}

/** Where a request could go, reserving nothing: from the per-PF summary for a VF pool, as capacity. */
export async function poolWhatIf(ctx: ControlPlaneContext, pool: Pool, request: WhatIfRequest) {
  if (pool.selector.kind === "device") return whatIf(await ctx.queries.loadPlacementHosts(ctx.db, pool.selector), { ...request, pool });
  return whatIfOfSummaries(await ctx.queries.loadPoolSummaries(ctx.db, pool.selector, { hostLabels: request.hostLabels }), request);
}

export const unknownPool = (name: string, field = "pool"): Response =>
  Response.json({ error: `${field}: no pool named ${name}`, field }, { status: 404 });
