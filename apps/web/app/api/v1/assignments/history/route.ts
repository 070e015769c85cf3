import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/assignments/history?hostId=&guest=&address=&limit=` -> { events } newest first. Role: viewer. */
export const GET = withAccess("viewer", async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  const get = (k: string) => url.searchParams.get(k) ?? undefined;
  const limit = Number(get("limit") ?? 200);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return Response.json({ error: "limit: must be an integer from 1 to 1000", field: "limit" }, { status: 400 });
  const { db, queries } = getControlPlaneContext();
  return Response.json({
    events: await queries.listAssignmentEvents(db, { hostId: get("hostId"), guest: get("guest"), address: get("address"), limit }),
  });
});
