import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `GET /api/v1/assignments?hostId=&guest=` -> { assignments: [{ host, address, pf, guest, pool,
 * state, planId, mac, vlan, createdBy, reservedAt, assignedAt, previous, drift }], outside: [...] }
 * (`outside`: VFs guests hold that vfleet never assigned). Role: viewer.
 */
export const GET = withAccess("viewer", async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  const hostId = url.searchParams.get("hostId") ?? undefined;
  const guest = url.searchParams.get("guest") ?? undefined;
  const { db, queries } = getControlPlaneContext();
  return Response.json(await queries.listAssignments(db, { hostId, guest }));
});
