import { parseCapacityHistoryQuery } from "@/lib/capacity-history-query.ts";
import { loadCapacityHistory } from "@/lib/load-capacity-history.ts";
import { badRequest } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `GET /api/v1/capacity-history?hostId=&hours=24&points=48` -> { hostId, from, to, points: [{ at,
 * created, ready, needsBind, assigned, devices, devicesReady, devicesAssigned }] }: VF and device
 * capacity over the last `hours`, downsampled to `points` intervals (plus the state at `from`),
 * for one host or the fleet.
 */
export const GET = withAccess("viewer", async (request: Request): Promise<Response> => {
  const parsed = parseCapacityHistoryQuery(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.ok) return badRequest(parsed.field, parsed.message);
  const history = await loadCapacityHistory(parsed.query);
  if (!history) return Response.json({ error: `hostId: no host ${parsed.query.hostId}`, field: "hostId" }, { status: 404 });
  const { hostId, hostName, from, to, points } = history;
  return Response.json({ hostId, hostName, from, to, points });
});
