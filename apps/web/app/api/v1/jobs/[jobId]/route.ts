import { getControlPlaneContext } from "@/lib/control-plane-context.ts";

/** `GET /api/v1/jobs/:id` -> { job } with its steps, result and error. */
export async function GET(_request: Request, ctx: { params: Promise<{ jobId: string }> }): Promise<Response> {
  const { jobId } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  const job = await queries.getJob(db, jobId);
  if (!job) return Response.json({ error: `jobId: no job ${jobId}`, field: "jobId" }, { status: 404 });
  return Response.json({ job });
}
