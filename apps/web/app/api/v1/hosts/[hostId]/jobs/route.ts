import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { badRequest } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/hosts/:id/jobs?limit=200` -> { jobs } newest first. */
export const GET = withAccess("viewer", async (request: Request, ctx: { params: Promise<{ hostId: string }> }): Promise<Response> => {
  const { hostId } = await ctx.params;
  const limitText = new URL(request.url).searchParams.get("limit");
  const limit = limitText === null ? 200 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return badRequest("limit", "must be an integer from 1 to 1000");
  const { db, queries } = getControlPlaneContext();
  if (!(await queries.getHost(db, hostId))) return Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });
  return Response.json({ jobs: await queries.listJobs(db, { hostId, limit }) });
});
