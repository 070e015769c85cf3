import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/jobs/:id` -> { job } with its steps, result and error. */
export const GET = withAccess("viewer", async (_request: Request, ctx: { params: Promise<{ jobId: string }> }): Promise<Response> => {
  const { jobId } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  const job = await queries.getJob(db, jobId);
  if (!job) return Response.json({ error: `jobId: no job ${jobId}`, field: "jobId" }, { status: 404 });
  return Response.json({ job });
});
