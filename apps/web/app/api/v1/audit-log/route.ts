import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { badRequest } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/audit-log?hostId=&limit=` -> { events } newest first: who, what, when, before, after. */
export const GET = withAccess("viewer", async (request: Request): Promise<Response> => {
  const params = new URL(request.url).searchParams;
  const limit = params.get("limit") === null ? 200 : Number(params.get("limit"));
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return badRequest("limit", "must be an integer from 1 to 1000");
  const hostId = params.get("hostId") ?? undefined;
  const { db, queries } = getControlPlaneContext();
  return Response.json({ events: await queries.listAuditEvents(db, { ...(hostId ? { hostId } : {}), limit }) });
});
