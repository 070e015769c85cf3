import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { LabelsBody } from "@/lib/placement/placement-api-schemas.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

type Ctx = { params: Promise<{ hostId: string }> };
const unknownHost = (hostId: string) => Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });

/** `GET /api/v1/hosts/:id/labels` -> { labels }. Role: viewer. */
export const GET = withAccess("viewer", async (_request: Request, ctx: Ctx): Promise<Response> => {
  const { hostId } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  if (!(await queries.getHost(db, hostId))) return unknownHost(hostId);
  return Response.json({ labels: await queries.getHostLabels(db, hostId) });
});

/** `PUT /api/v1/hosts/:id/labels` { labels: { key: value } } -> { labels } (replaces them). Role: operator. */
export const PUT = withAccess("operator", async (request: Request, ctx: Ctx): Promise<Response> => {
  const { hostId } = await ctx.params;
  const body = await parseJsonBody(request, LabelsBody);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db, queries } = getControlPlaneContext();
  const labels = await queries.setHostLabels(db, { hostId, labels: body.data.labels, actor: caller.actor });
  return labels ? Response.json({ labels }) : unknownHost(hostId);
});
