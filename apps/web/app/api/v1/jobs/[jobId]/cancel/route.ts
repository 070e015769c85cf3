import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { operatorOf } from "@/lib/jobs/operator-of.ts";
import { readJsonBody } from "@/lib/parse-json-body.ts";

/**
 * `POST /api/v1/jobs/:id/cancel` (X-Vfleet-Operator) -> { job, cancelled }: only a queued job
 * (one already with the agent may be half done; its result is awaited). 409 otherwise.
 */
export async function POST(request: Request, ctx: { params: Promise<{ jobId: string }> }): Promise<Response> {
  const { jobId } = await ctx.params;
  // An empty body is fine: the header names the operator.
  const read = await readJsonBody(request);
  if (!read.success) return read.response;
  const body = read.json as { operator?: unknown } | null | undefined;
  const bodyOperator = typeof body?.operator === "string" ? body.operator : undefined;
  const operator = operatorOf(request, bodyOperator);
  if (!operator.ok) return operator.response;
  const { db, queries, events } = getControlPlaneContext();
  const out = await queries.cancelJob(db, { jobId, actor: operator.name });
  if (!out.ok && out.reason === "not-found") return Response.json({ error: `jobId: no job ${jobId}`, field: "jobId" }, { status: 404 });
  if (!out.ok) return Response.json({ error: `job ${jobId} is ${out.state}: only a queued job can be cancelled (one sent to the agent may be half done; its result is awaited)` }, { status: 409 });
  for (const id of [out.job.id, ...out.cancelled]) events.emit({ type: "job-changed", hostId: out.job.hostId, jobId: id, state: "cancelled" });
  return Response.json({ job: out.job, cancelled: out.cancelled });
}
