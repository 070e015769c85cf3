import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/jobs/:id/abandon` -> { job, cancelled }: give up on a job
 * stuck in `unknown` (its host never returned). It becomes `abandoned`, its devices are free, its
 * plan stops, and the audit log records who gave up. 409 for any other state: a queued job is
 * cancelled instead, and a job with a live agent still has a result coming.
 */
async function post(request: Request, ctx: { params: Promise<{ jobId: string }> }): Promise<Response> {
  const { jobId } = await ctx.params;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db, queries, events } = getControlPlaneContext();
  const out = await queries.abandonJob(db, { jobId, actor: caller.actor });
  if (!out.ok && out.reason === "not-found") return Response.json({ error: `jobId: no job ${jobId}`, field: "jobId" }, { status: 404 });
  if (!out.ok)
    return Response.json(
      {
        error: `job ${jobId} is ${out.state}: only a job in unknown can be abandoned (cancel a queued one; a dispatched or running one still has a result coming)`,
      },
      { status: 409 },
    );
  events.emit({ type: "job-changed", hostId: out.job.hostId, jobId, state: "abandoned" });
  for (const id of out.cancelled) events.emit({ type: "job-changed", hostId: out.job.hostId, jobId: id, state: "cancelled" });
  return Response.json({ job: out.job, cancelled: out.cancelled });
}

export const POST = withAccess("operator", idempotent(post));
