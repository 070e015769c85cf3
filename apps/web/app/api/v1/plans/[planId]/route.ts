import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/plans/:id` -> { plan (counts per state, stopReason), jobs (in plan order) }. */
export const GET = withAccess("viewer", async (_request: Request, ctx: { params: Promise<{ planId: string }> }): Promise<Response> => {
  const { planId } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  const plan = await queries.getPlan(db, planId);
  if (!plan) return Response.json({ error: `planId: no plan ${planId}`, field: "planId" }, { status: 404 });
  return Response.json({ plan, jobs: await queries.listJobs(db, { planId, limit: 1000 }) });
});
