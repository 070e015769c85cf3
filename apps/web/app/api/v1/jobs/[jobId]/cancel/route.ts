import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/jobs/:id/cancel` -> { job, cancelled }: only a queued job
 * (one already with the agent may be half done; its result is awaited). 409 otherwise.
 */
async function post(request: Request, ctx: { params: Promise<{ jobId: string }> }): Promise<Response> {
  const { jobId } = await ctx.params;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db, queries, events } = getControlPlaneContext();
  const out = await queries.cancelJob(db, { jobId, actor: caller.actor });
  if (!out.ok && out.reason === "not-found") return Response.json({ error: `jobId: no job ${jobId}`, field: "jobId" }, { status: 404 });
  if (!out.ok)
    return Response.json(
      {
        error: `job ${jobId} is ${out.state}: only a queued job can be cancelled (one sent to the agent may be half done; its result is awaited)`,
      },
      { status: 409 },
    );
  for (const id of [out.job.id, ...out.cancelled])
    events.emit({ type: "job-changed", hostId: out.job.hostId, jobId: id, state: "cancelled" });
  return Response.json({ job: out.job, cancelled: out.cancelled });
}

export const POST = withAccess("operator", idempotent(post));
